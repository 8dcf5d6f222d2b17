/**
 * The parts of the Engine API's request and response bodies that Pygent uses,
 * typed after `docker-engine-api-v1.41.yaml`. Field names are the engine's.
 *
 * @module
 */

/** `HostConfig` of a container create request (the subset Pygent sets). */
export interface HostConfig {
  Binds?: string[];
  NetworkMode?: string;
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  PidsLimit?: number;
  CapDrop?: string[];
  CapAdd?: string[];
  SecurityOpt?: string[];
  Privileged?: boolean;
  Init?: boolean;
  Tmpfs?: Record<string, string>;
  ReadonlyRootfs?: boolean;
  Devices?: unknown[];
  AutoRemove?: boolean;
  /** The user namespace; Podman's `keep-id` maps the host user to the same uid inside. */
  UsernsMode?: string;
}

/** Body of `POST /containers/create`. */
export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[] | null;
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  OpenStdin?: boolean;
  AttachStdin?: boolean;
  Tty?: boolean;
  NetworkDisabled?: boolean;
  HostConfig?: HostConfig;
}

/** `GET /containers/{id}/json`, the fields Pygent reads. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Config: ContainerCreateBody & { Labels: Record<string, string> | null };
  HostConfig: HostConfig;
  State: {
    Status: string;
    Running: boolean;
    OOMKilled: boolean;
    ExitCode: number;
    Pid: number;
  };
}

/** One entry of `GET /containers/json`. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Labels: Record<string, string>;
  State: string;
}

/** `GET /images/{name}/json`, the fields Pygent reads. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  Config: { Env?: string[] | null; User?: string; WorkingDir?: string } | null;
}

/** Body of `POST /containers/{id}/exec`. */
export interface ExecCreateBody {
  Cmd: string[];
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Env?: string[];
  User?: string;
  WorkingDir?: string;
}

/** `GET /containers/{id}/top`: `ps` columns, and one row of values per process. */
export interface ContainerTop {
  Titles: string[];
  Processes: string[][];
}

/** One process of a container, as the engine's host sees it (`DockerClient.containerProcesses`). */
export interface ContainerProcess {
  /** Its pid on the engine's host (as `State.Pid` and an exec's `Pid` give it). */
  hostPid: string;
  /** Its state as `ps` prints it: `R`, `S`, `D`, `T` (stopped), `t` (traced), `Z`… */
  state: string;
}

/** `GET /exec/{id}/json`, the fields Pygent reads. */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
}

/** `GET /version`. */
export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os: string;
  Arch: string;
  /** What the engine is made of; Podman lists a "Podman Engine" component here. */
  Components?: { Name: string; Version: string }[];
  /** The engine's platform, e.g. "Docker Engine - Community" or Podman's "linux/amd64/debian-12". */
  Platform?: { Name: string };
}

/** How an engine isolates its containers: `DockerClient.isolation()`. */
export interface EngineIsolation {
  /** Podman's Docker-compatible API rather than Docker. */
  podman: boolean;
  /** The engine runs as a user, not root: a container's root is that user outside. */
  rootless: boolean;
  /**
   * Whether the engine enforces memory and pids limits. A rootless engine on cgroup v1 cannot
   * (Podman ignores them there, and still says it supports them in `GET /info`).
   */
  enforcesLimits: boolean;
}

/** `GET /info`, the fields Pygent reads: how the engine runs, and what it can enforce. */
export interface EngineInfo {
  /** e.g. `name=seccomp,profile=default`; rootless Docker lists `name=rootless`. */
  SecurityOptions?: string[] | null;
  /** Whether the engine can limit a container's memory; rootless on cgroup v1 cannot. */
  MemoryLimit?: boolean;
  /** Whether the engine can limit a container's number of processes. */
  PidsLimit?: boolean;
  /** `"1"` or `"2"`. */
  CgroupVersion?: string;
  /** Podman's own field: true for a rootless Podman. */
  Rootless?: boolean;
}

/** One line of `POST /images/create` progress. */
export interface PullProgress {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * The capabilities an engine gives a container by default (Docker's and Podman's set, without
 * the `CAP_` prefix): what `CapDrop: ["ALL"]` takes away.
 */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "NET_RAW",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];

/**
 * Whether a container's `HostConfig.CapDrop`, as an inspect reads it back, drops every
 * capability: Docker keeps `["ALL"]`, Podman answers the expanded list of its defaults.
 *
 * @example
 * ```ts
 * import { DEFAULT_CAPABILITIES, dropsAllCapabilities } from "./types.ts";
 * console.log(dropsAllCapabilities(["ALL"]), dropsAllCapabilities([...DEFAULT_CAPABILITIES]));
 * ```
 */
export function dropsAllCapabilities(capDrop: readonly string[] | null | undefined): boolean {
  const dropped = new Set((capDrop ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, "")));
  return dropped.has("ALL") || DEFAULT_CAPABILITIES.every((c) => dropped.has(c));
}
