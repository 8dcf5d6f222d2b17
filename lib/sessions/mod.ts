/**
 * The session store: every session written as it goes, one JSON Lines file
 * each under `$XDG_DATA_HOME/pygent/sessions/`, read back (repaired when a kill
 * cut it) to be resumed, listed and removed.
 *
 * @example
 * ```ts ignore
 * import { listSessions, sessionsDir } from "./mod.ts";
 * const dir = sessionsDir((name) => Deno.env.get(name));
 * for (const session of await listSessions(dir)) console.log(session.id);
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./session_file.ts";
export * from "../session_id.ts";
export * from "./session_store.ts";
export * from "./session_writer.ts";
export * from "./sessions_dir.ts";
