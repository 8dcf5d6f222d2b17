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
}

/** One line of `POST /images/create` progress. */
export interface PullProgress {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}
