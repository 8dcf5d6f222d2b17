/**
 * Choosing and starting a runtime: Docker when an engine answers (or when
 * asked for, with no fallback), the host otherwise, and saying so.
 *
 * @module
 */

import { DockerClient, DockerUnavailableError } from "../docker/mod.ts";
import { DockerRuntime, newSessionId } from "./docker_runtime.ts";
import { asSandboxError } from "./errors.ts";
import { LocalRuntime } from "./local_runtime.ts";
import {
  type ResolvedRuntimeOptions,
  resolveRuntimeOptions,
  type RuntimeOptions,
} from "./options.ts";
import { reapStaleContainers } from "./reaper.ts";
import type { Runtime } from "./runtime.ts";
import { Workspace } from "./workspace.ts";

/** The outcome of choosing where commands run, before anything is started. */
export type SandboxChoice =
  | { kind: "docker"; client: DockerClient; options: ResolvedRuntimeOptions }
  | { kind: "local"; options: ResolvedRuntimeOptions };

/**
 * Decides where commands run: asks the engine when Docker is wanted or may be used.
 * A forced Docker with no engine throws {@linkcode DockerUnavailableError}; auto falls
 * back to the host with a notice.
 */
export async function chooseSandbox(options: RuntimeOptions = {}): Promise<SandboxChoice> {
  const resolved = resolveRuntimeOptions(options);
  if (resolved.docker === false) return { kind: "local", options: resolved };
  try {
    const client = await DockerClient.connect({
      env: resolved.getEnv,
      endpoint: resolved.endpoint,
      requestTimeoutMs: resolved.engineTimeoutMs,
    });
    return { kind: "docker", client, options: resolved };
  } catch (error) {
    // A DOCKER_HOST the user set but that cannot be used is their mistake to fix, not a reason
    // to run on the host.
    if (resolved.docker === true || !(error instanceof DockerUnavailableError)) {
      asSandboxError(error);
    }
    resolved.onEvent({
      type: "notice",
      message: `${describeFailure(error)} Commands run on the host, NOT isolated: ` +
        "they can read and change anything your user can. Start Docker to isolate them, or " +
        "pass --no-docker to run on the host without asking for Docker.",
    });
    return { kind: "local", options: resolved };
  }
}

function describeFailure(error: DockerUnavailableError): string {
  return `No Docker engine answered (${error.attempts.join("; ")}).`;
}

/** Starts the runtime a {@linkcode chooseSandbox} call settled on. */
export async function startRuntime(choice: SandboxChoice): Promise<Runtime> {
  // Made before the workspace, so a temporary one's marker names the session its container is
  // labelled with: the reaper removes a folder only when the two agree.
  const sessionId = newSessionId();
  try {
    await choice.options.prepare();
  } catch (error) {
    if (choice.kind === "docker") choice.client.close();
    throw error;
  }
  const workspace = await Workspace.open(choice.options.workspace, [], sessionId);
  try {
    if (choice.kind === "local") return LocalRuntime.create(choice.options, workspace);
    const [runtime] = await Promise.all([
      DockerRuntime.create(choice.client, choice.options, workspace, sessionId),
      reapStaleContainers(choice.client).catch(() => 0),
    ]);
    return runtime;
  } catch (error) {
    await workspace.dispose();
    if (choice.kind === "docker") choice.client.close();
    asSandboxError(error);
  }
}

/**
 * Creates a runtime: a Docker container, or the host.
 *
 * @example
 * ```ts
 * import { createRuntime } from "./mod.ts";
 * const rt = await createRuntime({ docker: false });
 * console.log((await rt.bash("python3 -c 'print(6*7)'")).stdout); // "42\n"
 * await rt.cleanup();
 * ```
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  return await startRuntime(await chooseSandbox(options));
}
