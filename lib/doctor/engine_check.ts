/**
 * The `engine` check: every endpoint a session would try, in the same order, until one answers;
 * which one did, and its engine and API versions.
 *
 * @module
 */

import {
  candidateEndpoints,
  DockerClient,
  DockerConnectionError,
  type DockerEndpoint,
  DockerError,
  DockerUnavailableError,
  type EnvLookup,
  formatEndpoint,
} from "../docker/mod.ts";
import type { SandboxMode } from "../config/mod.ts";
import type { CheckOutcome } from "./check.ts";

/** One endpoint tried, and why it did not answer. */
export interface EndpointAttempt {
  endpoint: DockerEndpoint;
  /** `unix:///path: why`, as the client words it. */
  problem: string;
}

/** What the `engine` check found: its outcome, and the client of the engine that answered. */
export interface EngineProbe {
  outcome: CheckOutcome;
  /** Connected to the engine that answered; the caller closes it. */
  client?: DockerClient;
  /** The endpoints that did not answer, in the order tried. */
  failed: EndpointAttempt[];
}

/** What {@linkcode checkEngine} needs. */
export interface EngineCheckInput {
  /** Reads `DOCKER_HOST` and the other variables that say where the engine is. */
  getEnv: EnvLookup;
  /** The `sandbox` setting: what a missing engine means for a session. */
  sandbox: SandboxMode;
  /** How long each endpoint, and each later call, may take. */
  timeoutMs: number;
}

/**
 * Tries each endpoint as a session would and reports the first that answers.
 *
 * @example
 * ```ts ignore
 * import { checkEngine } from "./engine_check.ts";
 * const probe = await checkEngine({ getEnv: Deno.env.get, sandbox: "auto", timeoutMs: 2_000 });
 * console.log(probe.outcome.summary); // "Docker 27.3.1 (API 1.47) at unix:///var/run/docker.sock"
 * probe.client?.close();
 * ```
 */
export async function checkEngine(input: EngineCheckInput): Promise<EngineProbe> {
  let endpoints: DockerEndpoint[];
  try {
    endpoints = candidateEndpoints(input.getEnv);
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    return { outcome: noEngine(input.sandbox, error.message, "Fix DOCKER_HOST"), failed: [] };
  }
  const failed: EndpointAttempt[] = [];
  for (const endpoint of endpoints) {
    try {
      const client = await DockerClient.connect({
        endpoint,
        env: input.getEnv,
        timeoutMs: input.timeoutMs,
        requestTimeoutMs: input.timeoutMs,
      });
      const { engine } = client;
      const before = failed.length === 0
        ? ""
        : `; tried before it: ${failed.map((attempt) => attempt.problem).join("; ")}`;
      const negotiated = client.apiVersion === engine.ApiVersion
        ? ""
        : `, used at ${client.apiVersion}`;
      return {
        outcome: {
          status: "ok",
          summary: `Docker ${engine.Version} (API ${engine.ApiVersion}${negotiated}, ` +
            `${engine.Os}/${engine.Arch}) at ${formatEndpoint(endpoint)}${before}`,
        },
        client,
        failed,
      };
    } catch (error) {
      if (error instanceof DockerUnavailableError) {
        const problem = (error.attempts[0] ?? formatEndpoint(endpoint))
          .replace(/permission denied.*/, "permission denied (see permission)");
        failed.push({ endpoint, problem });
        continue;
      }
      if (error instanceof DockerConnectionError) {
        return { outcome: tlsMismatch(input.sandbox, error), failed };
      }
      if (!(error instanceof DockerError)) throw error;
      // An engine answered, but too old to use.
      return { outcome: noEngine(input.sandbox, error.message, "Upgrade the engine"), failed };
    }
  }
  const tried = failed.length === 0
    ? "no endpoint to try on this platform (set DOCKER_HOST=tcp://localhost:2375)"
    : `tried ${failed.map((attempt) => attempt.problem).join("; ")}`;
  const denied = failed.some((attempt) => attempt.problem.includes("permission denied"));
  return {
    outcome: noEngine(
      input.sandbox,
      `no Docker engine answered: ${tried}`,
      denied
        ? "Let this user open the engine's socket (see permission)"
        : "Start Docker (dockerd, Docker Desktop, Colima, OrbStack or Podman) or point DOCKER_HOST " +
          "at its socket (unix:///path or tcp://host:port)",
    ),
    failed,
  };
}

/**
 * An engine is there but the TLS settings do not fit it. A session stops on this in auto mode
 * too (see `chooseSandbox`): a `DOCKER_HOST` the user set is theirs to fix, not a reason to run
 * on the host.
 */
function tlsMismatch(sandbox: SandboxMode, error: DockerConnectionError): CheckOutcome {
  const found = `${error.endpoint}: ${error.problem}`;
  if (sandbox === "host") return noEngine(sandbox, found, error.remedy.replace(/\.$/, ""));
  return {
    status: "fail",
    summary: `${found}; a session cannot start`,
    remediation: `${error.remedy} Or pass --no-docker to run on the host on purpose.`,
  };
}

/** The outcome without an engine: what it means for a session depends on the sandbox mode. */
function noEngine(sandbox: SandboxMode, found: string, fix: string): CheckOutcome {
  if (sandbox === "host") {
    return {
      status: "warn",
      summary: `${found}; not needed: sandbox = host, commands run on the host`,
      remediation: `${fix} to isolate commands in a container (--sandbox auto or docker).`,
    };
  }
  const meaning = sandbox === "auto"
    ? "in auto mode commands would run on the host, NOT isolated"
    : "sandbox = docker: a session cannot start";
  return {
    status: "fail",
    summary: `${found}; ${meaning}`,
    remediation: `${fix}; or pass --no-docker to run on the host on purpose.`,
  };
}
