/**
 * Finding the engine the way Docker users expect: `DOCKER_HOST` first, then
 * the system socket, then the per-user sockets of the common Docker distributions.
 *
 * @module
 */

import { DockerError } from "./errors.ts";

/** TLS material for a `tcp://` engine, read from its folder (`DOCKER_CERT_PATH` or its own). */
export interface DockerTls {
  /** PEM of the CA that signed the engine's certificate. */
  caCert: string;
  /** PEM client certificate. */
  cert: string;
  /** PEM client key. */
  key: string;
  /** The folder the three were read from, so errors can name the files. */
  certPath?: string;
}

/** Where an engine listens. */
export type DockerEndpoint =
  | { transport: "unix"; path: string }
  | { transport: "tcp"; hostname: string; port: number; tls?: DockerTls };

/** A tcp endpoint's `HOST:PORT`, an IPv6 address in brackets (`[::1]:2375`). */
export function hostAndPort(endpoint: { hostname: string; port: number }): string {
  const host = endpoint.hostname.includes(":") ? `[${endpoint.hostname}]` : endpoint.hostname;
  return `${host}:${endpoint.port}`;
}

/**
 * The endpoint as a user would write it in `DOCKER_HOST`: `unix:///PATH` or `tcp://HOST:PORT`.
 *
 * @example
 * ```ts
 * import { dockerHostUrl } from "./endpoint.ts";
 * console.log(dockerHostUrl({ transport: "tcp", hostname: "::1", port: 2375 })); // "tcp://[::1]:2375"
 * ```
 */
export function dockerHostUrl(endpoint: DockerEndpoint): string {
  return endpoint.transport === "unix"
    ? `unix://${endpoint.path}`
    : `tcp://${hostAndPort(endpoint)}`;
}

/** The endpoint as a user would write it in `DOCKER_HOST`, with " (TLS)" when it speaks TLS. */
export function formatEndpoint(endpoint: DockerEndpoint): string {
  return `${dockerHostUrl(endpoint)}${
    endpoint.transport === "tcp" && endpoint.tls ? " (TLS)" : ""
  }`;
}

/** A `DOCKER_HOST` value that cannot be used. */
export class DockerHostError extends DockerError {
  /**
   * Creates a `DockerHostError`.
   * @param message What is wrong with the value and what to write instead.
   */
  constructor(message: string) {
    super(message);
    this.name = "DockerHostError";
  }
}

/** TLS files of a `tcp://` engine that cannot be read. */
export class DockerTlsFilesError extends DockerHostError {
  /**
   * Creates a `DockerTlsFilesError`.
   * @param message The engine, the file, and the setting that names its folder.
   */
  constructor(message: string) {
    super(message);
    this.name = "DockerTlsFilesError";
  }
}

/**
 * An engine's own TLS settings, which win over `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`
 * (`pygent batch`'s engines in the config file).
 */
export interface OwnTls {
  /** `false`: plain tcp; `true`: TLS; undefined: TLS with `certPath`, else `DOCKER_TLS_VERIFY`. */
  verify?: boolean;
  /** The folder of `ca.pem`, `cert.pem` and `key.pem`; undefined: Docker's. */
  certPath?: string;
  /**
   * The setting that gave `certPath`, as the user would fix it (e.g. `cert_path of the engine
   * tcp://h:2376 in ~/.config/pygent/config.toml`).
   */
  certPathSetting?: string;
}

/** Reads an environment variable; injectable so tests and callers can pass their own. */
export type EnvLookup = (name: string) => string | undefined;

const defaultEnv: EnvLookup = (name) => Deno.env.get(name);

/**
 * The endpoints to try, in order. With `DOCKER_HOST` set, only that one.
 *
 * @example
 * ```ts
 * import { candidateEndpoints } from "./endpoint.ts";
 * const [first] = candidateEndpoints((n) => n === "DOCKER_HOST" ? "tcp://10.0.0.2:2375" : undefined);
 * console.log(first); // { transport: "tcp", hostname: "10.0.0.2", port: 2375 }
 * ```
 */
export function candidateEndpoints(env: EnvLookup = defaultEnv): DockerEndpoint[] {
  const host = env("DOCKER_HOST");
  if (host) return [parseDockerHost(host, env)];
  if (Deno.build.os === "windows") return [];
  const home = env("HOME");
  const runtimeDir = env("XDG_RUNTIME_DIR");
  const paths = ["/var/run/docker.sock"];
  if (home) {
    paths.push(
      `${home}/.docker/run/docker.sock`,
      `${home}/.colima/default/docker.sock`,
      `${home}/.orbstack/run/docker.sock`,
      `${home}/.rd/docker.sock`,
    );
  }
  if (runtimeDir) paths.push(`${runtimeDir}/docker.sock`, `${runtimeDir}/podman/podman.sock`);
  return paths.map((path) => ({ transport: "unix", path }));
}

/**
 * Parses a `DOCKER_HOST` value (`unix://PATH` or `tcp://HOST:PORT`), with TLS per `own`, else
 * per `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`. Empty variables count as unset, as for docker.
 *
 * @throws {DockerTlsFilesError} For TLS files that cannot be read.
 * @throws {DockerHostError} For a value that is not an engine's address.
 */
export function parseDockerHost(
  value: string,
  env: EnvLookup = defaultEnv,
  own: OwnTls = {},
): DockerEndpoint {
  if (value.startsWith("unix://")) {
    const path = value.slice("unix://".length);
    if (!path.startsWith("/")) {
      throw new DockerHostError(
        `DOCKER_HOST=${value}: a unix socket needs an absolute path, e.g. unix:///var/run/docker.sock`,
      );
    }
    return { transport: "unix", path };
  }
  if (value.startsWith("tcp://")) {
    // As docker: any non-empty DOCKER_TLS_VERIFY (even "0") turns TLS on, an empty one does not.
    const verify = own.verify ?? (own.certPath !== undefined || !!env("DOCKER_TLS_VERIFY"));
    let url: URL;
    try {
      url = new URL(value.replace(/^tcp:/, "http:"));
    } catch {
      throw new DockerHostError(
        `DOCKER_HOST=${value} is not a valid address; write tcp://HOST:PORT`,
      );
    }
    const port = url.port ? Number(url.port) : verify ? 2376 : 2375;
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    return {
      transport: "tcp",
      hostname,
      port,
      ...(verify ? { tls: readTls(value, env, own) } : {}),
    };
  }
  if (value.startsWith("npipe://")) {
    throw new DockerHostError(
      `DOCKER_HOST=${value}: Deno cannot open Windows named pipes. In Docker Desktop enable ` +
        '"Expose daemon on tcp://localhost:2375 without TLS" and set DOCKER_HOST=tcp://localhost:2375, ' +
        "or run on the host with --no-docker.",
    );
  }
  throw new DockerHostError(
    `DOCKER_HOST=${value} is not supported; use unix:///path/to/docker.sock or tcp://HOST:PORT`,
  );
}

/**
 * The one reader of TLS files: from the engine's own folder, else `DOCKER_CERT_PATH`, else
 * `~/.docker`; an error names the engine and the setting to change.
 */
function readTls(url: string, env: EnvLookup, own: OwnTls): DockerTls {
  // An empty DOCKER_CERT_PATH falls back to ~/.docker, as docker's does.
  const dir = own.certPath || env("DOCKER_CERT_PATH") ||
    `${env("HOME") ?? env("USERPROFILE") ?? "."}/.docker`;
  const setting = own.certPath
    ? own.certPathSetting ?? "the engine's cert_path"
    : "DOCKER_CERT_PATH";
  const read = (file: string) => {
    try {
      return Deno.readTextFileSync(`${dir}/${file}`);
    } catch (cause) {
      throw new DockerTlsFilesError(
        `TLS to ${url}: ${dir}/${file} cannot be read (${(cause as Error).message}); ` +
          `set ${setting} to the folder holding ca.pem, cert.pem and key.pem`,
      );
    }
  };
  return { caCert: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem"), certPath: dir };
}
