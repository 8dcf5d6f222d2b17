/**
 * The engines of a batch's pool: each a `DOCKER_HOST`-style URL with, for `tcp://`, TLS of its
 * own or Docker's variables; checked to answer before the first task starts.
 *
 * @module
 */

import {
  DockerClient,
  type DockerEndpoint,
  DockerError,
  dockerHostUrl,
  DockerTlsFilesError,
  DockerUnavailableError,
  type EnvLookup,
  parseDockerHost,
} from "../docker/mod.ts";
import { BatchSetupError, NoEngineError } from "./errors.ts";

/** One engine as the user wrote it (`--engines`, or an entry of the config's `engines`). */
export interface EngineSpec {
  /** `unix:///path` or `tcp://host:port`. */
  url: string;
  /** The folder of its `ca.pem`, `cert.pem` and `key.pem`: TLS with these. */
  certPath?: string;
  /** `false`: plain tcp whatever `DOCKER_TLS_VERIFY` says; `true`: TLS. */
  tlsVerify?: boolean;
  /** The config file it was written in, as shown to the user, so errors say where to fix it. */
  file?: string;
}

/** An engine of the pool. */
export interface PoolEngine {
  /** How results and the progress name it: its URL. */
  name: string;
  /** Where it listens, TLS included. */
  endpoint: DockerEndpoint;
}

/**
 * The endpoint of an engine: its own `cert_path`/`tls_verify` when it has them, else
 * `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` as for any `tcp://` engine.
 *
 * @throws {BatchSetupError} For a URL that is not an engine's, or TLS files that cannot be read.
 *
 * @example
 * ```ts
 * import { engineEndpoint } from "./engines.ts";
 * const endpoint = engineEndpoint({ url: "tcp://127.0.0.1:2375", tlsVerify: false }, () => "1");
 * console.log(endpoint); // { transport: "tcp", hostname: "127.0.0.1", port: 2375 }
 * ```
 */
export function engineEndpoint(spec: EngineSpec, getEnv: EnvLookup): DockerEndpoint {
  try {
    return parseDockerHost(spec.url, getEnv, {
      verify: spec.tlsVerify,
      certPath: spec.certPath,
      certPathSetting: `cert_path of the engine ${spec.url}${spec.file ? ` in ${spec.file}` : ""}`,
    });
  } catch (cause) {
    if (!(cause instanceof DockerError)) throw cause;
    // TLS files' errors name the engine already.
    const message = cause instanceof DockerTlsFilesError
      ? cause.message
      : `The engine ${spec.url} cannot be used: ${cause.message}`;
    throw new BatchSetupError(message, { cause });
  }
}

/**
 * The engines to run on, each checked to answer: those named (an engine that does not answer is
 * left out, with a notice), or with none named the engine a session would use.
 *
 * @throws {NoEngineError} When no engine answers: batch runs tasks in containers only.
 * @throws {BatchSetupError} For an engine named twice, or one that cannot be used as written.
 */
export async function findEngines(
  specs: readonly EngineSpec[],
  getEnv: EnvLookup,
  notice: (message: string) => void,
): Promise<PoolEngine[]> {
  if (specs.length === 0) {
    try {
      const client = await DockerClient.connect({ env: getEnv });
      client.close();
      const endpoint = client.endpoint;
      return [{ name: dockerHostUrl(endpoint), endpoint }];
    } catch (cause) {
      if (!(cause instanceof DockerError)) throw cause;
      throw new NoEngineError(
        `pygent batch runs its tasks in containers only, and no engine can be used: ${cause.message}`,
        { cause },
      );
    }
  }
  const named = specs.map((spec) => ({ name: spec.url, endpoint: engineEndpoint(spec, getEnv) }));
  const seen = new Set<string>();
  for (const engine of named) {
    if (seen.has(engine.name)) {
      throw new BatchSetupError(`The engine ${engine.name} is named twice; name each engine once.`);
    }
    seen.add(engine.name);
  }
  const answers = await Promise.all(named.map(async (engine) => {
    try {
      (await DockerClient.connect({ endpoint: engine.endpoint })).close();
      return undefined;
    } catch (error) {
      if (!(error instanceof DockerError)) throw error;
      return error instanceof DockerUnavailableError ? error.attempts.join("; ") : error.message;
    }
  }));
  const live = named.filter((engine, index) => {
    const why = answers[index];
    if (why !== undefined) notice(`The engine ${engine.name} does not answer (${why}): left out.`);
    return why === undefined;
  });
  if (live.length === 0) {
    throw new NoEngineError(
      `No engine of the pool answers (${named.map((engine) => engine.name).join(", ")}): ` +
        "pygent batch runs its tasks in containers only. Start them, or name others with --engines.",
    );
  }
  return live;
}
