// What depends on the user, run as real non-root users (issue #8).
import assert from "node:assert/strict";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";
import { ensureUser, noUserReason, runAs } from "../support/user.ts";

const script = new URL("./as_user_script.ts", import.meta.url).pathname;

async function userWorkspace(uid: number, gid: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pygent-owner-" });
  await Deno.chown(dir, uid, gid);
  return dir;
}

dockerTest("files made in the container belong to the host user, who it runs as", async () => {
  assert.equal(noUserReason, undefined, noUserReason);
  const user = await ensureUser("pygent-tester", true);
  const dir = await userWorkspace(user.uid, user.gid);
  try {
    const out = await runAs(user, script, [dir, TEST_IMAGE]);
    const report = JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "{}");
    assert.equal(report.ok, true, `${out.stdout}\n${out.stderr}`);
    assert.deepEqual(report.id, [String(user.uid), String(user.gid), "/tmp"]);
    for (const name of ["made-by-command", "made-dir", "made-by-api.txt"]) {
      const info = await Deno.stat(`${dir}/${name}`);
      assert.equal(info.uid, user.uid, `${name} belongs to uid ${info.uid}`);
      assert.equal(info.gid, user.gid);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

dockerTest("a user outside the docker group gets an error that says how to get in", async () => {
  assert.equal(noUserReason, undefined, noUserReason);
  const user = await ensureUser("pygent-outsider", false);
  const dir = await userWorkspace(user.uid, user.gid);
  try {
    const out = await runAs(user, script, [dir, TEST_IMAGE]);
    const report = JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "{}");
    assert.equal(report.ok, false);
    assert.match(report.error, /permission denied.*docker group/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
