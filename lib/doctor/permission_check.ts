/**
 * The `permission` check: whether this user can open the engine's socket, and when not, who the
 * user is, which group the socket belongs to, and how to get in.
 *
 * @module
 */

import type { DockerEndpoint } from "../docker/mod.ts";
import { formatEndpoint } from "../docker/mod.ts";
import type { CheckOutcome } from "./check.ts";
import type { EngineProbe } from "./engine_check.ts";
import { groupOf, processGroups, userName } from "./unix_accounts.ts";

/** What {@linkcode checkPermission} needs. */
export interface PermissionCheckInput {
  /** What the `engine` check found. */
  engine: EngineProbe;
  /** The endpoint that answered, when one did. */
  answered: DockerEndpoint | undefined;
}

/**
 * Opens the socket of the engine that answered, or of the first one that exists and refused.
 *
 * @example
 * ```ts ignore
 * import { checkEngine } from "./engine_check.ts";
 * import { checkPermission } from "./permission_check.ts";
 * const engine = await checkEngine({ getEnv: Deno.env.get, sandbox: "auto", timeoutMs: 2_000 });
 * const outcome = await checkPermission({ engine, answered: engine.client?.endpoint });
 * console.log(outcome.status, outcome.summary);
 * ```
 */
export async function checkPermission(input: PermissionCheckInput): Promise<CheckOutcome> {
  const who = await describeUser();
  if (input.answered?.transport === "tcp") {
    return {
      status: "ok",
      summary: `the engine answers at ${formatEndpoint(input.answered)}: no socket to open`,
    };
  }
  if (input.answered?.transport === "unix") {
    return { status: "ok", summary: `${input.answered.path} opened as ${who}` };
  }
  for (const { endpoint } of input.engine.failed) {
    if (endpoint.transport !== "unix") continue;
    const opened = await openSocket(endpoint.path);
    if (opened === "missing") continue;
    if (opened === "denied") return await denied(endpoint.path, who);
    return {
      status: "warn",
      summary: `${endpoint.path} opens as ${who}, but no engine answered there`,
      remediation: "See engine: the engine behind the socket did not answer.",
    };
  }
  const endpoint = input.engine.failed[0]?.endpoint;
  return {
    status: "warn",
    summary: endpoint?.transport === "tcp"
      ? `not checked: the engine is to be reached at ${formatEndpoint(endpoint)}, no socket`
      : "not checked: no Docker socket found",
    remediation: "See engine: once an engine answers, run pygent doctor again.",
  };
}

async function openSocket(path: string): Promise<"opened" | "denied" | "missing" | "other"> {
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
    return "opened";
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) return "denied";
    if (error instanceof Deno.errors.NotFound) return "missing";
    return "other";
  }
}

async function denied(path: string, who: string): Promise<CheckOutcome> {
  let owner = "";
  let group: Awaited<ReturnType<typeof groupOf>>;
  try {
    const info = await Deno.stat(path);
    group = info.gid === null ? undefined : await groupOf(info.gid);
    const groupName = group?.name ?? (info.gid === null ? "?" : String(info.gid));
    const mode = info.mode === null ? "" : `, mode ${(info.mode & 0o777).toString(8)}`;
    owner = ` (group ${groupName}${mode})`;
  } catch {
    // The folder itself may be closed to us: say what we know.
  }
  const name = group?.name ?? "docker";
  const me = Deno.uid() === null ? undefined : await userName(Deno.uid()!);
  const listed = me !== undefined && group !== undefined && group.members.includes(me);
  const held = group !== undefined && (await processGroups())?.includes(group.gid);
  const why = listed && !held
    ? `; you are listed in group ${name}, but this login does not hold it yet`
    : `; you are not in group ${name}`;
  return {
    status: "fail",
    summary: `${who} cannot open ${path}${owner}${why}`,
    remediation: listed && !held
      ? `Log out and in again (or run newgrp ${name}) so the group applies.`
      : `Add yourself to the socket's group: sudo usermod -aG ${name} $USER, then log out and ` +
        "in again; or use rootless Docker (dockerd-rootless-setuptool.sh install) with " +
        "DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock.",
  };
}

/** `user alice (uid 1000)`, or just the uid when it has no name here. */
async function describeUser(): Promise<string> {
  const uid = Deno.uid();
  if (uid === null) return "this user";
  const name = await userName(uid);
  return name === undefined ? `uid ${uid}` : `user ${name} (uid ${uid})`;
}
