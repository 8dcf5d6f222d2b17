/**
 * The `sandbox` check: a container made by the runtime itself, from the settings of a run (so
 * it is what a session gets), starts; a command in it runs as the expected uid, under the
 * memory and pids limits, with no capabilities and no network (unless the settings give them);
 * and the container is removed at the end.
 *
 * @module
 */

import { DockerClient, type DockerEndpoint, DockerNotFoundError } from "../docker/mod.ts";
import { DockerRuntime, newSessionId } from "../runtime/docker_runtime.ts";
import { SyncLimitError } from "../runtime/errors.ts";
import type { ResolvedRuntimeOptions } from "../runtime/options.ts";
import { Workspace } from "../runtime/workspace.ts";
import type { CheckOutcome } from "./check.ts";

/** What the `sandbox` check found; `workspaceWritable` is what the command saw in `/workspace`. */
export interface SandboxProbe {
  outcome: CheckOutcome;
  /** Whether the sandbox's user could make a file in the workspace; undefined when not run. */
  workspaceWritable?: boolean;
  /** The uid commands ran as, when they ran. */
  uid?: number;
  /** The container's id, when one was made (it is removed by then). */
  containerId?: string;
}

/** What {@linkcode checkSandbox} needs. */
export interface SandboxCheckInput {
  /** The engine that answered the `engine` check. */
  endpoint: DockerEndpoint;
  /** The runtime options of a run, resolved: the sandbox policy and the image among them. */
  options: ResolvedRuntimeOptions;
  /** How long each engine call may take. */
  timeoutMs: number;
}

/** What the probe command prints, one `key=value` a line. */
const PROBE = [
  'echo "uid=$(id -u)"',
  'echo "memory=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || ' +
  'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo unknown)"',
  'echo "pids=$(cat /sys/fs/cgroup/pids.max 2>/dev/null || ' +
  'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || echo unknown)"',
  "sed -n 's/^CapEff:[[:space:]]*/capeff=/p; s/^CapBnd:[[:space:]]*/capbnd=/p' /proc/self/status",
  'echo "net=$(ls /sys/class/net 2>/dev/null | tr "\\n" " ")"',
  'f="/workspace/.pygent-doctor-$$"; if (: > "$f") 2>/dev/null; then rm -f "$f"; ' +
  "echo writable=yes; else echo writable=no; fi",
].join("\n");

/**
 * Starts a session's container, probes it, removes it.
 *
 * @example
 * ```ts ignore
 * import { DockerClient } from "../docker/mod.ts";
 * import { resolveRuntimeOptions } from "../runtime/options.ts";
 * import { checkSandbox } from "./sandbox_check.ts";
 * const { endpoint } = await DockerClient.connect();
 * const probe = await checkSandbox({ endpoint, options: resolveRuntimeOptions(), timeoutMs: 8_000 });
 * console.log(probe.outcome.summary);
 * ```
 */
export async function checkSandbox(input: SandboxCheckInput): Promise<SandboxProbe> {
  const { options } = input;
  const policy = options.sandbox;
  const sessionId = newSessionId();
  let client: DockerClient | undefined;
  let runtime: DockerRuntime | undefined;
  let containerId: string | undefined;
  let startMs = 0;
  let output: string;
  let enforcesLimits = true;
  try {
    client = await DockerClient.connect({
      endpoint: input.endpoint,
      timeoutMs: input.timeoutMs,
      requestTimeoutMs: input.timeoutMs,
    });
    const workspace = await Workspace.open(options.workspace, [], sessionId);
    const started = performance.now();
    try {
      runtime = await DockerRuntime.create(client, options, workspace, sessionId);
    } catch (error) {
      await workspace.dispose();
      throw error;
    }
    startMs = performance.now() - started;
    containerId = runtime.containerId;
    enforcesLimits = (await client.isolation()).enforcesLimits;
    const result = await runtime.bash(PROBE, { timeoutMs: input.timeoutMs });
    output = result.stdout;
  } catch (error) {
    if (!runtime) client?.close();
    await runtime?.cleanup().catch(() => {});
    return {
      outcome: {
        status: "fail",
        summary: `a container with the session's settings did not start: ${firstLine(error)}`,
        // A workspace too big to copy is not the engine's fault: docker info would not help.
        remediation: error instanceof SyncLimitError
          ? "Leave out what the sandbox does not need in a .pygentignore file, raise " +
            "--sync-limit, or use --sync bind with an engine on this machine."
          : "Run docker info and check its warnings; try a container by hand " +
            `(docker run --rm ${options.image} true).`,
      },
    };
  }
  const removed = await runtime.cleanup()
    .then(() => isGone(input.endpoint, containerId, input.timeoutMs))
    .catch(() => false);
  const found = Object.fromEntries(
    output.split("\n").filter((line) => line.includes("=")).map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1).trim()];
    }),
  );
  const problems: string[] = [];
  const facts: string[] = [
    `started in ${(startMs / 1000).toFixed(1)} s`,
    runtime.sandbox.kind === "docker" && runtime.sandbox.sync === "copy"
      ? "workspace copied in (sync copy)"
      : "workspace mounted (sync bind)",
  ];

  const expectedUid = policy.user === "root" ? 0 : policy.hostUser?.uid;
  const uid = Number(found.uid);
  if (expectedUid !== undefined && uid !== expectedUid) {
    problems.push(`commands ran as uid ${found.uid}, not ${expectedUid}`);
  } else facts.push(`uid ${found.uid}`);

  const memory = Number(found.memory);
  if (found.memory === "unknown" || !Number.isFinite(memory)) {
    facts.push("memory limit not readable inside");
  } else if (memory !== policy.memoryBytes) {
    problems.push(`the memory limit is ${found.memory}, not ${policy.memoryBytes}`);
  } else facts.push(`memory ${mebibytes(memory)}`);

  if (found.pids === "unknown" || found.pids === undefined) {
    facts.push("pids limit not readable inside");
  } else if (Number(found.pids) !== policy.pidsLimit) {
    problems.push(`the pids limit is ${found.pids}, not ${policy.pidsLimit}`);
  } else facts.push(`${policy.pidsLimit} pids`);

  if (policy.user === "root") {
    facts.push("root with Docker's default capabilities (as configured)");
  } else if (/^0+$/.test(found.capeff ?? "") && onlyKill(found.capbnd ?? "")) {
    // KILL stays in the bounding set for root's processes (the freeze's controller), never in
    // the commands' effective set.
    facts.push("no capabilities");
  } else {
    problems.push(`capabilities remain (CapEff ${found.capeff}, CapBnd ${found.capbnd})`);
  }

  const interfaces = (found.net ?? "").split(" ").filter(Boolean);
  const outside = interfaces.filter((name) => name !== "lo");
  if (!policy.network && outside.length > 0) {
    problems.push(`it has a network (${outside.join(", ")})`);
  } else facts.push(policy.network ? "network on (as configured)" : "no network");

  if (removed) facts.push("removed");
  else problems.push(`container ${containerId?.slice(0, 12)} was not removed`);

  const writable = found.writable === undefined ? undefined : found.writable === "yes";
  if (problems.length > 0) {
    return {
      outcome: {
        status: "fail",
        summary: `${problems.join("; ")} (${facts.join(", ")})`,
        remediation: enforcesLimits
          ? "The engine did not apply the sandbox's settings: check docker info's " +
            "warnings (cgroups, user namespaces) or use another engine."
          : "This engine is rootless on cgroup v1, where memory and pids limits cannot be " +
            "enforced: use a rootful engine, or cgroup v2, for them.",
      },
      workspaceWritable: writable,
      uid,
      containerId,
    };
  }
  return {
    outcome: { status: "ok", summary: facts.join(", ") },
    workspaceWritable: writable,
    uid,
    containerId,
  };
}

async function isGone(
  endpoint: DockerEndpoint,
  id: string | undefined,
  timeoutMs: number,
): Promise<boolean> {
  if (id === undefined) return true;
  const client = await DockerClient.connect({ endpoint, timeoutMs, requestTimeoutMs: timeoutMs });
  try {
    await client.inspectContainer(id);
    return false;
  } catch (error) {
    return error instanceof DockerNotFoundError;
  } finally {
    client.close();
  }
}

function mebibytes(bytes: number): string {
  return bytes % (1024 ** 3) === 0 ? `${bytes / 1024 ** 3} GiB` : `${bytes / 1024 ** 2} MiB`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

/** True for a capability mask that holds nothing but CAP_KILL (bit 5). */
function onlyKill(mask: string): boolean {
  return /^[0-9a-f]+$/i.test(mask) && (BigInt(`0x${mask}`) & ~0x20n) === 0n;
}
