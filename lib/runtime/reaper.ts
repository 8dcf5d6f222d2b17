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
 * Removes Pygent containers whose owning process on this host has ended, with
 * their temporary workspaces: only a folder Pygent made for the container's
 * session (see {@linkcode temporaryFolderOf}), never one that labels alone name.
 * Returns how many containers were removed.
 */
export async function reapStaleContainers(client: DockerClient): Promise<number> {
  const host = Deno.hostname();
  const containers = await client.listContainers({ label: [OWNER_LABEL] });
  let removed = 0;
  for (const container of containers) {
    const owner = container.Labels[OWNER_LABEL] ?? "";
    const colon = owner.lastIndexOf(":");
    const pid = Number(owner.slice(colon + 1));
    if (owner.slice(0, colon) !== host || !Number.isInteger(pid) || pid === Deno.pid) continue;
    if (await processAlive(pid)) continue;
    await client.removeContainer(container.Id).then(() => removed++, () => {});
    const workspace = container.Labels[WORKSPACE_LABEL];
    const session = container.Labels[SESSION_LABEL];
    if (container.Labels[TEMPORARY_WORKSPACE_LABEL] !== "true" || !workspace || !session) continue;
    const folder = await temporaryFolderOf(workspace, session);
    if (folder) await Deno.remove(folder, { recursive: true }).catch(() => {});
  }
  return removed;
}
