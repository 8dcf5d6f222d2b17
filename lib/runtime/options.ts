/**
 * Sandbox settings as one plain value: validated once at the edge (API
 * options, flags, environment variables) and passed down unchanged.
 *
 * @module
 */

import { REQUEST_TIMEOUT_MS } from "../docker/mod.ts";
import { ConfigError } from "../errors.ts";
import { type SandboxPolicy, sandboxPolicy } from "../policy/sandbox_policy.ts";
import type { RuntimeEvent } from "./runtime.ts";

/** The image used when none is given. */
export const DEFAULT_IMAGE = "python:3.12-slim";
/** Default container memory limit: 512 MiB (swap is held to the same figure). */
export const DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024;
/** Default limit on processes in the container. */
export const DEFAULT_PIDS_LIMIT = 256;
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
  if (sandbox.cpus !== undefined) positive("cpus", sandbox.cpus, MIN_CPUS);
  if (!resolved.image.trim()) throw new ConfigError("The image name is empty.");
  for (const name of Object.keys(sandbox.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ConfigError(`${JSON.stringify(name)} is not a valid environment variable name.`);
    }
  }
  return resolved;
}

function positive(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError(`${name} must be a number of at least ${min}; got ${value}.`);
  }
}
