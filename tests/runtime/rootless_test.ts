// Sessions in a rootless Podman, run as the engine's own non-root user (issue #15 §3).
import assert from "node:assert/strict";
import { TEST_IMAGE } from "../support/docker.ts";
import { noRootlessReason, rootlessTest, startRootlessPodman } from "../support/podman.ts";
import { runAs } from "../support/user.ts";

const script = new URL("./rootless_script.ts", import.meta.url).pathname;
/** On cgroup v1 (`/sys/fs/cgroup` a tmpfs of controllers) a rootless engine has no limits. */
const cgroupV1 =
  !(await Deno.stat("/sys/fs/cgroup/cgroup.controllers").then(() => true, () => false));

interface Report {
  ok: boolean;
  outcome?: { status: string; summary: string; remediation?: string };
  uid?: string;
  uidMap?: string[];
  notices: string[];
  error?: string;
}

/** Runs the script as the rootless engine's user in a workspace of theirs; returns its report. */
async function session(
  mode: "" | "root" | "doctor",
): Promise<{ report: Report; dir: string; uid: number }> {
  assert.equal(noRootlessReason, undefined, noRootlessReason);
  const podman = await startRootlessPodman("pygent-rootless");
  const { user } = podman;
  const dir = await Deno.makeTempDir({ prefix: "pygent-rootless-" });
  await Deno.chown(dir, user.uid, user.gid);
  try {
    const out = await runAs(user, script, [dir, TEST_IMAGE, podman.host, mode]);
    const report = JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "{}") as Report;
    assert.equal(report.ok, true, `${out.stdout}\n${out.stderr}`);
    return { report, dir, uid: user.uid };
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  } finally {
    await podman.stop();
  }
}

/** The first line of `/proc/self/uid_map` when there is no user namespace. */
const NO_USER_NAMESPACE = /^\s*0\s+0\s+4294967295\s*$/;

rootlessTest("in rootless Podman, what the commands write belongs to the host user", async () => {
  const { report, dir, uid } = await session("");
  try {
    assert.equal(report.uid, String(uid), "commands run as the host user's uid (keep-id)");
    for (const name of ["made-by-command", "made-by-command-dir", "made-by-command-by-api.txt"]) {
      assert.equal((await Deno.stat(`${dir}/${name}`)).uid, uid, `${name}'s owner`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

rootlessTest("in rootless Podman, --root is root only inside the user namespace", async () => {
  const { report, dir, uid } = await session("root");
  try {
    assert.equal(report.uid, "0");
    assert.doesNotMatch(report.uidMap?.[0] ?? "", NO_USER_NAMESPACE);
    // Root inside is the engine's user outside: nothing it writes is the real root's.
    assert.match(report.uidMap?.[0] ?? "", new RegExp(`^\\s*0\\s+${uid}\\s+1\\s*$`));
    for (const name of ["made-as-root", "made-as-root-dir", "made-as-root-by-api.txt"]) {
      assert.equal((await Deno.stat(`${dir}/${name}`)).uid, uid, `${name}'s owner`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

rootlessTest("a rootless engine on cgroup v1 is said not to enforce the limits", async () => {
  const { report, dir } = await session("");
  await Deno.remove(dir, { recursive: true });
  const said = report.notices.some((n) => /cannot enforce the sandbox's memory and pids/.test(n));
  assert.equal(said, cgroupV1, `notices: ${JSON.stringify(report.notices)}`);
});

rootlessTest("pygent doctor's sandbox check says why a rootless engine has no limits", async () => {
  const { report, dir } = await session("doctor");
  await Deno.remove(dir, { recursive: true });
  const outcome = report.outcome!;
  if (!cgroupV1) return assert.equal(outcome.status, "ok", outcome.summary);
  assert.equal(outcome.status, "fail");
  assert.match(outcome.summary, /the pids limit is|the memory limit is/);
  assert.match(outcome.summary, /no capabilities, no network/);
  assert.match(outcome.remediation ?? "", /rootless on cgroup v1/);
});
