/**
 * Removing containers that sessions killed outright left behind: only those
 * whose owner process, on this host, is gone.
 *
 * @module
 */

import type { DockerClient } from "../docker/mod.ts";
import { OWNER_LABEL, TEMPORARY_WORKSPACE_LABEL, WORKSPACE_LABEL } from "./docker_runtime.ts";

/** True when process `pid` of this host still exists. */
export function processAlive(pid: number): boolean {
  if (Deno.build.os === "windows") return true; // No way to ask without a signal: keep it.
  try {
    // SIGCONT is harmless to a running process and only asks whether it exists.
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}

/**
 * Removes Pygent containers whose owning process on this host has ended, with
 * their temporary workspaces. Returns how many containers were removed.
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
    if (processAlive(pid)) continue;
    await client.removeContainer(container.Id).then(() => removed++, () => {});
    const workspace = container.Labels[WORKSPACE_LABEL];
    if (container.Labels[TEMPORARY_WORKSPACE_LABEL] === "true" && isPygentTempDir(workspace)) {
      await Deno.remove(workspace, { recursive: true }).catch(() => {});
    }
  }
  return removed;
}

/** Only folders named like the ones Pygent makes are ever removed. */
function isPygentTempDir(path: string | undefined): path is string {
  return !!path && /[\\/]pygent-[^\\/]+$/.test(path);
}
