// Containers of sessions killed outright are removed at the next start (issue #4).
import assert from "node:assert/strict";
import {
  OWNER_LABEL,
  processAlive,
  reapStaleContainers,
  SESSION_LABEL,
  TEMPORARY_WORKSPACE_LABEL,
  WORKSPACE_LABEL,
} from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";

async function containerOwnedBy(owner: string, labels: Record<string, string> = {}) {
  return await withClient(async (c) => {
    const id = await c.createContainer({
      Image: TEST_IMAGE,
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["read _"],
      OpenStdin: true,
      Labels: { [SESSION_LABEL]: "reaptest", [OWNER_LABEL]: owner, ...labels },
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

dockerTest(
  "a dead session's temporary workspace goes with its container; a given one stays",
  async () => {
    const dead = new Deno.Command("true").spawn();
    await dead.status;
    const owner = `${Deno.hostname()}:${dead.pid}`;
    const temporary = await Deno.makeTempDir({ prefix: "pygent-" });
    const given = await Deno.makeTempDir({ prefix: "pygent-" });
    const ids = [
      await containerOwnedBy(owner, {
        [WORKSPACE_LABEL]: temporary,
        [TEMPORARY_WORKSPACE_LABEL]: "true",
      }),
      await containerOwnedBy(owner, { [WORKSPACE_LABEL]: given }),
    ];
    try {
      await withClient((c) => reapStaleContainers(c));
      await assert.rejects(Deno.stat(temporary), Deno.errors.NotFound);
      assert.equal((await Deno.stat(given)).isDirectory, true);
    } finally {
      await Deno.remove(given, { recursive: true });
      await withClient(async (c) => {
        for (const id of ids) await c.removeContainer(id).catch(() => {});
      });
    }
  },
);

Deno.test("asking whether a stopped process is alive does not resume it", async () => {
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  const state = async () => (await Deno.readTextFile(`/proc/${child.pid}/stat`)).split(") ")[1][0];
  try {
    Deno.kill(child.pid, "SIGSTOP");
    // A signal is delivered asynchronously: wait until the process shows as stopped.
    for (let i = 0; i < 100 && await state() !== "T"; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await state(), "T");
    assert.equal(await processAlive(child.pid), true);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await state(), "T");
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
  assert.equal(await processAlive(child.pid), false);
});
