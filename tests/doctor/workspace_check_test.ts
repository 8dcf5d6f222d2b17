import assert from "node:assert/strict";
import { checkWorkspace } from "../../lib/doctor/workspace_check.ts";

Deno.test("checkWorkspace() is ok with no folder named when a temporary one can be made", async () => {
  const outcome = await checkWorkspace({ workspace: undefined, host: false });
  assert.equal(outcome.status, "ok");
  assert.match(outcome.summary, /temporary folder/);
});

Deno.test("checkWorkspace() is ok for a folder this user can write, and leaves nothing in it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const outcome = await checkWorkspace({ workspace: dir, host: true });
    assert.equal(outcome.status, "ok");
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkWorkspace() fails for a folder that does not exist", async () => {
  const outcome = await checkWorkspace({ workspace: "/nonexistent/pygent-ws", host: false });
  assert.equal(outcome.status, "fail");
  assert.match(outcome.summary, /\/nonexistent\/pygent-ws cannot be used/);
  assert.match(outcome.remediation ?? "", /--workspace/);
});

Deno.test("checkWorkspace() fails when the sandbox's user could not write to it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const outcome = await checkWorkspace({
      workspace: dir,
      host: false,
      sandbox: { writable: false, uid: 1234 },
    });
    assert.equal(outcome.status, "fail");
    assert.match(outcome.summary, /not writable by the sandbox's user \(uid 1234\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
