/**
 * Removing containers that sessions killed outright left behind: only those
 * whose owner process, on this host, is gone.
 *
 * @module
 */

import type { DockerClient } from "../docker/mod.ts";
import {
  OWNER_LABEL,
  SESSION_LABEL,
  TEMPORARY_WORKSPACE_LABEL,
  WORKSPACE_LABEL,
} from "./docker_runtime.ts";
import { temporaryFolderOf } from "./workspace.ts";

/**
 * True when process `pid` of this host still exists. Asked without a signal
 * (a SIGCONT would resume a session suspended with Ctrl-Z). On Windows there
 * is no cheap way to ask, so every owner counts as alive there.
 */
export async function processAlive(pid: number): Promise<boolean> {
  if (Deno.build.os === "linux") {
    return await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
  }
  if (Deno.build.os === "windows") return true;
  const { success } = await new Deno.Command("ps", {
    args: ["-p", String(pid)],
    stdout: "null",
    stderr: "null",
  }).output();
  return success;
}

/**
 * True when one of `names` (as the engine lists them, with a leading `/`) is the name Pygent
 * gives a container of `session`: `pygent-<session>`, or `pygent-<session>-<N>` (N ≥ 2) for
 * a replacement. Labels alone do not say a container is Pygent's: a container run from an
 * image committed from one inherits them all; its name it does not.
 */
function _namedBySession(names: readonly string[], session: string): boolean {
  if (!/^[0-9a-f]{8}$/.test(session)) return false;
  const name = new RegExp(`^/pygent-${session}(?:-(?:[2-9]|[1-9][0-9]+))?$`);
  return names.some((n) => name.test(n));
}

/**
 * Removes Pygent containers whose owning process on this host has ended, with
 * their temporary workspaces: only a folder Pygent made for the container's
 * session (see {@linkcode temporaryFolderOf}), never one that labels alone name.
 * A container counts as Pygent's only under the name Pygent gives it
 * (`pygent-<session>`, `pygent-<session>-2`…): one run from an image that
 * carries Pygent's labels is the user's, and stays. Returns how many containers
 * were removed.
 */
export async function reapStaleContainers(client: DockerClient): Promise<number> {
  const host = Deno.hostname();
  const containers = await client.listContainers({ label: [OWNER_LABEL] });
  let removed = 0;
  for (const container of containers) {
    const session = container.Labels[SESSION_LABEL];
    if (session === undefined || !_namedBySession(container.Names, session)) continue;
    const owner = container.Labels[OWNER_LABEL] ?? "";
    const colon = owner.lastIndexOf(":");
    const pid = Number(owner.slice(colon + 1));
    if (owner.slice(0, colon) !== host || !Number.isInteger(pid) || pid === Deno.pid) continue;
    if (await processAlive(pid)) continue;
    await client.removeContainer(container.Id).then(() => removed++, () => {});
    const workspace = container.Labels[WORKSPACE_LABEL];
    if (container.Labels[TEMPORARY_WORKSPACE_LABEL] !== "true" || !workspace) continue;
    const folder = await temporaryFolderOf(workspace, session);
    if (folder) await Deno.remove(folder, { recursive: true }).catch(() => {});
  }
  return removed;
}
