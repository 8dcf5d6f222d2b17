/**
 * `pygent doctor`'s checks, run in order with what each needs from the ones before it, each
 * timed and bounded: the report is data, which the command renders.
 *
 * @module
 */

import type { LoadedSettings, Settings } from "../config/mod.ts";
import type { DockerClient } from "../docker/mod.ts";
import { ConfigError } from "../errors.ts";
import {
  type ResolvedRuntimeOptions,
  resolveRuntimeOptions,
  type RuntimeOptions,
} from "../runtime/options.ts";
import { VERSION } from "../version.ts";
import {
  type CheckId,
  type CheckOutcome,
  type CheckResult,
  type DoctorReport,
  notChecked,
} from "./check.ts";
import { checkConfig } from "./config_check.ts";
import { checkEngine } from "./engine_check.ts";
import { checkImage } from "./image_check.ts";
import { checkModel } from "./model_check.ts";
import { checkPermission } from "./permission_check.ts";
import { checkSandbox, type SandboxProbe } from "./sandbox_check.ts";
import { checkWorkspace } from "./workspace_check.ts";
import { checkWorktree } from "./worktree_check.ts";

/** What {@linkcode runDoctor} needs: the run's loader and how a run turns settings into options. */
export interface DoctorInput {
  /** Loads the settings as a run would (its flags, its variables, its files). */
  loadSettings: () => Promise<LoadedSettings>;
  /** The runtime options a run would use with these settings. */
  runtimeOptions: (settings: Settings) => RuntimeOptions;
  /** The model a run would use: its base URL, whether that is OpenAI's, its key's variable and key. */
  model: (settings: Settings) => {
    name: string;
    baseURL: string;
    openai: boolean;
    keyVariable: string;
    key: string | undefined;
  };
  /** The workspace a run would use; undefined for a temporary one. */
  workspace: string | undefined;
  /** The current folder: a worktree session's repository when no workspace is named. */
  cwd: string;
  /** Reads Docker's variables (`DOCKER_HOST`…). */
  getEnv: (name: string) => string | undefined;
  /** How long one engine call or the model server may take. Default 4 000 ms. */
  timeoutMs?: number;
}

/** What a piece of work returned, and how long it took. */
type Timed<T> = { value: T; durationMs: number };

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await work();
  return { value, durationMs: Math.round(performance.now() - started) };
}

/**
 * Runs every check and returns the report, in {@linkcode CHECK_IDS} order.
 *
 * @example
 * ```ts ignore
 * import { loadSettings } from "../config/mod.ts";
 * import { runDoctor } from "./run_doctor.ts";
 * const report = await runDoctor({ loadSettings: () => loadSettings(...), ... });
 * console.log(report.checks.map((c) => `${c.id} ${c.status}`));
 * ```
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const timeoutMs = input.timeoutMs ?? 4_000;
  const checks: CheckResult[] = [];
  const add = (id: CheckId, { value, durationMs }: Timed<CheckOutcome>) =>
    checks.push({ id, ...value, durationMs });

  const config = await timed(() => checkConfig(input.loadSettings));
  add("config", { ...config, value: config.value.outcome });
  const settings = config.value.loaded?.settings;

  // The model server is asked while the engine's checks run.
  const model = timed<CheckOutcome>(() => {
    if (!settings) return Promise.resolve(notChecked("the settings could not be read"));
    const m = input.model(settings);
    return checkModel({
      model: m.name,
      baseURL: m.baseURL,
      openai: m.openai,
      keyVariable: m.keyVariable,
      key: m.key,
      timeoutMs,
    });
  });

  const mode = settings?.sandbox.value ?? "auto";
  const engine = await timed(() => checkEngine({ getEnv: input.getEnv, sandbox: mode, timeoutMs }));
  add("engine", { ...engine, value: engine.value.outcome });
  const client: DockerClient | undefined = engine.value.client;
  let sandbox: SandboxProbe | undefined;
  try {
    add(
      "permission",
      await timed(() => checkPermission({ engine: engine.value, answered: client?.endpoint })),
    );
    let options: ResolvedRuntimeOptions | undefined;
    let optionsProblem = "the settings could not be read";
    try {
      options = settings && resolveRuntimeOptions(input.runtimeOptions(settings));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      optionsProblem = error.message;
    }
    const image = await timed(async () => {
      if (!client) return undefined;
      if (!options) return undefined;
      return await checkImage(client, options.image, timeoutMs);
    });
    add("image", {
      ...image,
      value: image.value?.outcome ??
        notChecked(options ? "no Docker engine answered" : optionsProblem),
    });
    const workspaceMissing = input.workspace !== undefined &&
      !await Deno.stat(input.workspace).then((info) => info.isDirectory, () => false);
    const ran = await timed(async (): Promise<CheckOutcome> => {
      if (!options) return notChecked(optionsProblem);
      if (!client) return notChecked("no Docker engine answered");
      if (mode === "host") {
        return notChecked(
          "sandbox = host: commands run on the host, not isolated",
          "Use --sandbox auto or docker (sandbox in the config file) to isolate them.",
        );
      }
      if (!image.value?.present) {
        return notChecked(
          `the image ${options.image} is not here yet`,
          `docker pull ${options.image}, then run pygent doctor again to check the sandbox.`,
        );
      }
      sandbox = await checkSandbox({
        endpoint: client.endpoint,
        // A workspace that is missing is the workspace check's to report: a temporary one here.
        options: workspaceMissing ? { ...options, workspace: undefined } : options,
        timeoutMs: timeoutMs * 2,
      });
      return sandbox.outcome;
    });
    add("sandbox", ran);
    add("model", await model);
    const probe = sandbox;
    add(
      "workspace",
      await timed(() =>
        checkWorkspace({
          workspace: input.workspace,
          host: mode === "host" || !client,
          ...(probe?.workspaceWritable !== undefined && !workspaceMissing &&
              probe.uid !== undefined
            ? { sandbox: { writable: probe.workspaceWritable, uid: probe.uid } }
            : {}),
        })
      ),
    );
  } finally {
    client?.close();
  }
  add(
    "worktree",
    await timed(() =>
      settings
        ? checkWorktree({
          enabled: settings.worktree.value,
          folder: input.workspace ?? input.cwd,
        })
        : Promise.resolve(notChecked("the settings could not be read"))
    ),
  );
  return { version: VERSION, checks };
}
