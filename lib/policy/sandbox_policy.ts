/**
 * The sandbox policy: everything that decides how locked down a session's
 * container is (network, user, limits, environment, mounts), as one plain value
 * built once at the edge and turned into a container config by the runtime.
 *
 * @module
 */

/** A uid and gid on the host. */
export interface HostUser {
  readonly uid: number;
  readonly gid: number;
}

/** Something the container sees besides its image: the workspace, or a scratch tmpfs. */
export interface SandboxMount {
  /** `"workspace"`: the session's workspace folder; `"tmpfs"`: an empty in-memory folder. */
  readonly kind: "workspace" | "tmpfs";
  /** Where it appears inside the container. */
  readonly target: string;
  /** True when the container cannot write to it. */
  readonly readOnly: boolean;
}

/** How locked down a sandbox is. */
export interface SandboxPolicy {
  /** Whether the container has a network. */
  readonly network: boolean;
  /**
   * Who commands run as: `"host"`, the host user's uid:gid with no capabilities (files made
   * belong to the user); `"root"`, root with Docker's default capabilities.
   */
  readonly user: "host" | "root";
  /**
   * The host user, whom files written by the file tools belong to; undefined where the host has
   * no uids (Windows), and commands then run as the image's user.
   */
  readonly hostUser: HostUser | undefined;
  /** Memory limit in bytes (swap held to the same). */
  readonly memoryBytes: number;
  /** Most processes the container may hold. */
  readonly pidsLimit: number;
  /** CPU limit in CPUs; undefined for none. */
  readonly cpus: number | undefined;
  /** Variables given to the sandbox; nothing else of the host's environment crosses over. */
  readonly env: Readonly<Record<string, string>>;
  /** What the container sees besides its image. */
  readonly mounts: readonly SandboxMount[];
  /**
   * Paths in the workspace the sandbox can read but never change, when they exist: what the
   * host later runs or trusts (`.git`: hooks and config run by the host's git; `.pygent`: the
   * project's config, which a trusted folder's next session reads in full).
   */
  readonly readOnlyPaths: readonly string[];
}

/** The workspace paths a sandbox cannot change: the repository's `.git` and Pygent's `.pygent`. */
export const READ_ONLY_PATHS: readonly string[] = [".git", ".pygent"];

/** Where the workspace appears inside the container. */
export const CONTAINER_WORKDIR = "/workspace";

/** What {@linkcode sandboxPolicy} needs; the rest has locked-down values. */
export interface SandboxPolicyInput {
  network: boolean;
  user: "host" | "root";
  memoryBytes: number;
  pidsLimit: number;
  cpus: number | undefined;
  env: Readonly<Record<string, string>>;
  /** Default: this process's uid and gid ({@linkcode currentHostUser}). */
  hostUser?: HostUser | undefined;
}

/**
 * Builds a sandbox policy: the workspace read-write at `/workspace` (but its `.git` and
 * `.pygent`), a tmpfs at `/tmp`, and the given network, user, limits and environment.
 *
 * @example
 * ```ts
 * import { sandboxPolicy } from "./sandbox_policy.ts";
 * const policy = sandboxPolicy({
 *   network: false, user: "host", memoryBytes: 512 * 1024 ** 2, pidsLimit: 256, cpus: undefined,
 *   env: {},
 * });
 * console.log(policy.mounts.map((m) => m.target)); // ["/workspace", "/tmp"]
 * ```
 */
export function sandboxPolicy(input: SandboxPolicyInput): SandboxPolicy {
  return {
    network: input.network,
    user: input.user,
    hostUser: "hostUser" in input ? input.hostUser : currentHostUser(),
    memoryBytes: input.memoryBytes,
    pidsLimit: input.pidsLimit,
    cpus: input.cpus,
    env: { ...input.env },
    mounts: [
      { kind: "workspace", target: CONTAINER_WORKDIR, readOnly: false },
      { kind: "tmpfs", target: "/tmp", readOnly: false },
    ],
    readOnlyPaths: READ_ONLY_PATHS,
  };
}

/**
 * This process's uid and gid, or undefined where the host has none (Windows).
 *
 * @example
 * ```ts
 * import { currentHostUser } from "./sandbox_policy.ts";
 * console.log(currentHostUser()); // e.g. { uid: 1000, gid: 1000 }
 * ```
 */
export function currentHostUser(): HostUser | undefined {
  const uid = Deno.uid();
  const gid = Deno.gid();
  return uid === null || gid === null ? undefined : { uid, gid };
}
