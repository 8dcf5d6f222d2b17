/**
 * The `workspace` check: the folder a run would work in exists and its sandbox's user can write
 * to it; with no folder named, that a temporary one can be made.
 *
 * @module
 */

import type { CheckOutcome } from "./check.ts";

/** What {@linkcode checkWorkspace} needs. */
export interface WorkspaceCheckInput {
  /** The workspace a run would use; undefined for a temporary one. */
  workspace: string | undefined;
  /** What the `sandbox` check's command found in `/workspace`, when it ran there. */
  sandbox?: { writable: boolean; uid: number };
  /** True when commands would run on the host: this user is then the one that writes. */
  host: boolean;
}

const PICK = "pick another folder (--workspace DIR, --cwd or PYGENT_WORKSPACE)";

/**
 * Checks the workspace folder.
 *
 * @example
 * ```ts
 * import { checkWorkspace } from "./workspace_check.ts";
 * const outcome = await checkWorkspace({ workspace: undefined, host: true });
 * console.log(outcome.status); // "ok"
 * ```
 */
export async function checkWorkspace(input: WorkspaceCheckInput): Promise<CheckOutcome> {
  const dir = input.workspace;
  if (dir === undefined) {
    try {
      const made = await Deno.makeTempDir({ prefix: "pygent-doctor-" });
      await Deno.remove(made);
      const parent = made.slice(0, made.lastIndexOf("/")) || made;
      return {
        status: "ok",
        summary: `none named: each session works in a new temporary folder in ${parent}, ` +
          "removed at its end (--cwd to work here)",
      };
    } catch (error) {
      return {
        status: "fail",
        summary: `no temporary folder can be made: ${(error as Error).message}`,
        remediation: `Set TMPDIR to a writable folder, or ${PICK}.`,
      };
    }
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    return {
      status: "fail",
      summary: `${dir} cannot be used: ${(error as Error).message}`,
      remediation: `Create it, or ${PICK}.`,
    };
  }
  if (!info.isDirectory) {
    return {
      status: "fail",
      summary: `${dir} is not a folder`,
      remediation: `${PICK[0].toUpperCase()}${PICK.slice(1)}.`,
    };
  }
  if (input.sandbox) {
    const { writable, uid } = input.sandbox;
    return writable
      ? { status: "ok", summary: `${dir} is writable by the sandbox's user (uid ${uid})` }
      : {
        status: "fail",
        summary: `${dir} is not writable by the sandbox's user (uid ${uid})`,
        remediation: `Make it writable for uid ${uid} (chown or chmod), --root, or ${PICK}.`,
      };
  }
  const problem = await hostWriteProblem(dir);
  const who = input.host ? "you (commands run on the host)" : "you";
  return problem === undefined ? { status: "ok", summary: `${dir} is writable by ${who}` } : {
    status: "fail",
    summary: `${dir} is not writable by ${who}: ${problem}`,
    remediation: `Make it writable (chown or chmod), or ${PICK}.`,
  };
}

/** Makes and removes a file in `dir`: undefined when that worked, else why not. */
async function hostWriteProblem(dir: string): Promise<string | undefined> {
  const name = `${dir}/.pygent-doctor-${crypto.randomUUID().slice(0, 8)}`;
  try {
    (await Deno.open(name, { createNew: true, write: true })).close();
    await Deno.remove(name);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
