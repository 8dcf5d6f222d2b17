/**
 * Sandbox settings as one plain value: validated once at the edge (API
 * options, flags, environment variables) and passed down unchanged.
 *
 * @module
 */

import { type DockerEndpoint, REQUEST_TIMEOUT_MS } from "../docker/mod.ts";
import { ConfigError } from "../errors.ts";
import { type SandboxPolicy, sandboxPolicy } from "../policy/sandbox_policy.ts";
import type { RuntimeEvent } from "./runtime.ts";

/** The image used when none is given. */
export const DEFAULT_IMAGE = "python:3.12-slim";
/** Default container memory limit: 512 MiB (swap is held to the same figure). */
export const DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024;
/** Default limit on processes in the container. */
export const DEFAULT_PIDS_LIMIT = 256;
/** Default most bytes of workspace copied into (and back from) a container in copy mode: 512 MiB. */
export const DEFAULT_SYNC_LIMIT_BYTES = 512 * 1024 * 1024;
/**
 * How the workspace reaches the container: `"bind"` mounts the host folder (the engine must run
 * on this machine); `"copy"` uploads it at the start and brings changes back after each step
 * (any engine, a remote one too).
 */
export type SyncMode = "bind" | "copy";
/** The smallest memory limit the engine accepts: 6 MiB. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
/** The smallest pids limit that still leaves room for the shell and its helpers. */
export const MIN_PIDS_LIMIT = 8;
/** The smallest CPU limit: a hundredth of a CPU. */
export const MIN_CPUS = 0.01;

/**
 * Options of {@linkcode createRuntime}. Everything is optional; unset values are the defaults
 * (the runtime reads no `PYGENT_*` variable: the command line's loader does, and passes values).
 */
export interface RuntimeOptions {
  /** `true`: Docker or an error. `false`: the host. Unset: Docker when an engine answers, else the host. */
  docker?: boolean;
  /** Container image. Default `python:3.12-slim`. */
  image?: string;
  /** Host folder to work in, used in place and never deleted. Default: a fresh temporary folder. */
  workspace?: string;
  /**
   * Runs as the sandbox starts, before the workspace is opened: makes a workspace that does not
   * exist yet (a git worktree). A failure fails the start, and the next start calls it again.
   */
  prepare?: () => Promise<void>;
  /** Give the container a network. Default false. */
  network?: boolean;
  /** Container memory limit in bytes (swap held to the same). Default 512 MiB. */
  memoryBytes?: number;
  /** Most processes the container may hold. Default 256. */
  pidsLimit?: number;
  /** CPU limit, in CPUs (e.g. 1.5). Default: none. */
  cpus?: number;
  /**
   * `"host"` (default): the container runs as the host user's uid:gid, so files it
   * makes belong to you. `"root"`: root in the container, with Docker's default
   * capabilities, for tasks such as `apt-get`.
   */
  user?: "host" | "root";
  /** Variables given to the sandbox; nothing else of the host's environment crosses over. */
  env?: Record<string, string>;
  /**
   * The whole sandbox policy at once, as a settings loader builds it with `sandboxPolicy()`;
   * `network`, `memoryBytes`, `pidsLimit`, `cpus`, `user` and `env` must then be left unset.
   */
  sandbox?: SandboxPolicy;
  /** Bytes of output kept per command, both streams together (head and tail). Default 1 MiB. */
  outputLimit?: number;
  /**
   * How long the engine may take to answer one request (an API call, an exec's start, a new
   * shell's first line) before the call fails with a `DockerConnectionError`. Default 15 000.
   */
  engineTimeoutMs?: number;
  /** Receives notices (e.g. the fallback to the host) and image pull progress. */
  onEvent?: (event: RuntimeEvent) => void;
  /**
   * The engine to use, skipping the usual lookup (`DOCKER_HOST`, then the sockets); for callers
   * that already know it, such as a batch spreading sessions over several engines.
   */
  endpoint?: DockerEndpoint;
  /**
   * How the workspace reaches the container (see {@linkcode SyncMode}). Default: `"bind"` for an
   * engine on a unix socket, `"copy"` for a `tcp://` one.
   */
  sync?: SyncMode;
  /** Copy mode: the most bytes of workspace copied in, or brought back at once. Default 512 MiB. */
  syncLimitBytes?: number;
  /**
   * Where Docker's own variables (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`) are read
   * from, to find the engine; defaults to `Deno.env`.
   */
  getEnv?: (name: string) => string | undefined;
  /** The platform to behave as; defaults to `Deno.build.os`. For tests of other platforms. */
  os?: typeof Deno.build.os;
}

/** {@linkcode RuntimeOptions} with every default applied. */
export interface ResolvedRuntimeOptions {
  docker: boolean | undefined;
  image: string;
  workspace: string | undefined;
  prepare: () => Promise<void>;
  sandbox: SandboxPolicy;
  outputLimit: number;
  engineTimeoutMs: number;
  endpoint: DockerEndpoint | undefined;
  /** Undefined until the engine is known: see {@linkcode syncModeFor}. */
  sync: SyncMode | undefined;
  syncLimitBytes: number;
  onEvent: (event: RuntimeEvent) => void;
  getEnv: (name: string) => string | undefined;
  os: typeof Deno.build.os;
}

/** Applies the defaults, refusing values that cannot work. */
export function resolveRuntimeOptions(options: RuntimeOptions = {}): ResolvedRuntimeOptions {
  const resolved: ResolvedRuntimeOptions = {
    docker: options.docker,
    image: options.image ?? DEFAULT_IMAGE,
    workspace: options.workspace,
    prepare: options.prepare ?? (() => Promise.resolve()),
    sandbox: options.sandbox ?? sandboxPolicy({
      network: options.network ?? false,
      user: options.user ?? "host",
      memoryBytes: options.memoryBytes ?? DEFAULT_MEMORY_BYTES,
      pidsLimit: options.pidsLimit ?? DEFAULT_PIDS_LIMIT,
      cpus: options.cpus,
      env: options.env ?? {},
    }),
    outputLimit: options.outputLimit ?? 1024 * 1024,
    engineTimeoutMs: options.engineTimeoutMs ?? REQUEST_TIMEOUT_MS,
    endpoint: options.endpoint,
    sync: options.sync,
    syncLimitBytes: options.syncLimitBytes ?? DEFAULT_SYNC_LIMIT_BYTES,
    onEvent: options.onEvent ?? (() => {}),
    getEnv: options.getEnv ?? ((name: string) => Deno.env.get(name)),
    os: options.os ?? Deno.build.os,
  };
  if (options.sandbox) {
    const both = (["network", "memoryBytes", "pidsLimit", "cpus", "user", "env"] as const)
      .filter((key) => options[key] !== undefined);
    if (both.length > 0) {
      throw new ConfigError(
        `Give the sandbox settings either as "sandbox" or one by one, not both (${
          both.join(", ")
        }).`,
      );
    }
  }
  const { sandbox } = resolved;
  positive("memoryBytes", sandbox.memoryBytes, MIN_MEMORY_BYTES);
  positive("pidsLimit", sandbox.pidsLimit, MIN_PIDS_LIMIT);
  positive("outputLimit", resolved.outputLimit, 1024);
  positive("engineTimeoutMs", resolved.engineTimeoutMs, 1);
  positive("syncLimitBytes", resolved.syncLimitBytes, 1);
  if (resolved.sync !== undefined && resolved.sync !== "bind" && resolved.sync !== "copy") {
    throw new ConfigError(`sync must be "bind" or "copy"; got ${JSON.stringify(resolved.sync)}.`);
  }
  if (sandbox.cpus !== undefined) positive("cpus", sandbox.cpus, MIN_CPUS);
  if (!resolved.image.trim()) throw new ConfigError("The image name is empty.");
  for (const name of Object.keys(sandbox.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ConfigError(`${JSON.stringify(name)} is not a valid environment variable name.`);
    }
  }
  return resolved;
}

/**
 * The sync mode for an engine: the one asked for, else a bind mount for an engine on this
 * machine's socket and a copy for a `tcp://` one (whose file system is, in general, elsewhere).
 */
export function syncModeFor(asked: SyncMode | undefined, endpoint: DockerEndpoint): SyncMode {
  return asked ?? (endpoint.transport === "unix" ? "bind" : "copy");
}

function positive(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError(`${name} must be a number of at least ${min}; got ${value}.`);
  }
}
