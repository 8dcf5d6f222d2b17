// Containers of sessions killed outright are removed at the next start (issue #4).
import assert from "node:assert/strict";
import { OWNER_LABEL, reapStaleContainers, SESSION_LABEL } from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";

async function containerOwnedBy(owner: string): Promise<string> {
  return await withClient(async (c) => {
    const id = await c.createContainer({
      Image: TEST_IMAGE,
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["read _"],
      OpenStdin: true,
      Labels: { [SESSION_LABEL]: "reaptest", [OWNER_LABEL]: owner },
    });
    await c.startContainer(id);
    return id;
  });
}

dockerTest(
  "a container whose owner process is gone is removed; a live owner's is kept",
  async () => {
    const dead = new Deno.Command("true").spawn();
    await dead.status;
    const staleId = await containerOwnedBy(`${Deno.hostname()}:${dead.pid}`);
    const liveId = await containerOwnedBy(`${Deno.hostname()}:${Deno.ppid}`);
    const otherHostId = await containerOwnedBy(`some-other-host:${dead.pid}`);
    try {
      await withClient((c) => reapStaleContainers(c));
      const exists = (id: string) =>
        withClient((c) => c.inspectContainer(id).then(() => true, () => false));
      assert.equal(await exists(staleId), false);
      assert.equal(await exists(liveId), true);
      assert.equal(await exists(otherHostId), true);
    } finally {
      await withClient(async (c) => {
        for (const id of [staleId, liveId, otherHostId]) {
          await c.removeContainer(id).catch(() => {});
        }
      });
    }
  },
);
