// Copy mode against a hostile sandbox (issue 15): what the sandbox's user does in the container
// must never reach outside the host workspace, into the host's .git or .pygent, or make the
// root commands of the sync act for it in the container.
import assert from "node:assert/strict";
import { createTar } from "../../lib/docker/mod.ts";
import { CopySync } from "../../lib/runtime/copy_sync.ts";
import type { DockerRuntime, RuntimeEvent, RuntimeOptions } from "../../lib/runtime/mod.ts";
import { sandboxPolicy } from "../../lib/policy/sandbox_policy.ts";
import { dockerTest, withClient } from "../support/docker.ts";
import { copyRuntime, exists, layout, names } from "./_copy_layout.ts";

/** The uid the sandbox runs as: not root, whoever runs the tests. */
const SANDBOX_UID = 4321;

/** A copy mode runtime whose commands run as {@linkcode SANDBOX_UID}. */
async function hostileRuntime(workspace: string, options: RuntimeOptions = {}) {
  return await copyRuntime(workspace, {
    sandbox: sandboxPolicy({
      network: false,
      user: "host",
      hostUser: { uid: SANDBOX_UID, gid: SANDBOX_UID },
      memoryBytes: 512 * 1024 * 1024,
      pidsLimit: 256,
      cpus: undefined,
      env: {},
    }),
    ...options,
  });
}

/** Runs `script` as the container's root (not the sandbox): to set up or look at the container. */
async function asRoot(rt: DockerRuntime, script: string): Promise<string> {
  return await withClient(async (client) => {
    const id = await client.createExec(rt.containerId!, {
      Cmd: ["/bin/sh", "-c", script],
      User: "0:0",
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await client.startExec(id);
    let out = "";
    for await (const frame of stream.frames()) out += new TextDecoder().decode(frame.data);
    return out;
  });
}

dockerTest(
  "a file deleted on the host is deleted in the sandbox of a user who is not root",
  async () => {
    await using dir = await layout({ "a/x.txt": "x", "b.txt": "b" });
    await using rt = await hostileRuntime(dir.workspace);
    await Deno.remove(`${dir.workspace}/b.txt`);
    await Deno.remove(`${dir.workspace}/a`, { recursive: true });
    const report = await rt.sync();
    assert.deepEqual(report.toContainer, ["a", "a/x.txt", "b.txt"]);
    assert.equal((await rt.bash("ls -A")).stdout, "");
  },
);

dockerTest(
  "a host deletion under a folder the sandbox swapped for a link to /etc deletes nothing there",
  async () => {
    await using dir = await layout({ "a/victim": "x" });
    const events: RuntimeEvent[] = [];
    await using rt = await hostileRuntime(dir.workspace, { onEvent: (e) => events.push(e) });
    await asRoot(rt, "echo root > /etc/victim");
    await rt.bash("rm -r a; ln -s /etc a");
    await Deno.remove(`${dir.workspace}/a/victim`);
    await rt.sync();
    assert.equal(await asRoot(rt, "cat /etc/victim"), "root\n");
    assert.ok(events.some((e) =>
      e.type === "notice" &&
      /could not be copied into the sandbox.*a\/victim.*Permission denied/.test(e.message)
    ));
  },
);

dockerTest(
  "a host edit under a folder the sandbox swapped for a link to /etc is not written there",
  async () => {
    await using dir = await layout({ "a/victim": "x", "a/other": "o" });
    await using rt = await hostileRuntime(dir.workspace);
    await rt.bash("rm -r a; ln -s /etc a");
    await Deno.writeTextFile(`${dir.workspace}/a/victim`, "host");
    await rt.sync();
    assert.equal(await asRoot(rt, "test -e /etc/victim && echo there || echo absent"), "absent\n");
  },
);

/**
 * Swaps folder `a` (holding the sandbox's own `a/b`) and a link to a folder only root can read,
 * as fast as it can: the root `tar` of a sync may open `a/b` through the link.
 */
const SWAPPER = `
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
os.makedirs("a", exist_ok=True)
with open("a/b", "w") as f: f.write("mine")
os.symlink("/secret", "c")
n = 0
while True:
    libc.renameat2(-100, b"a", -100, b"c", 2)
    n += 1
    if n % 1000 == 0:
        try: os.utime("a/b")
        except OSError: pass
`;

dockerTest(
  "a root-only file swapped in by a link while the sync reads never comes to the host",
  async () => {
    await using dir = await layout();
    await using rt = await hostileRuntime(dir.workspace);
    await asRoot(rt, "mkdir -m 700 /secret; echo TOPSECRET > /secret/b");
    await rt.bash(
      `cat > /tmp/swap.py <<'EOF'\n${SWAPPER}EOF\nsetsid python3 /tmp/swap.py >/dev/null 2>&1 &`,
    );
    for (let i = 0; i < 40; i++) {
      await rt.sync().catch(() => {});
      for (const name of ["a/b", "c/b"]) {
        const text = await Deno.readTextFile(`${dir.workspace}/${name}`).catch(() => "");
        assert.doesNotMatch(text, /TOPSECRET/, `round ${i}: ${name}`);
      }
    }
  },
);

dockerTest(
  ".pygent and .git made at any depth in the sandbox never reach the host",
  async () => {
    await using dir = await layout({ "sub/keep.txt": "k" });
    await using rt = await hostileRuntime(dir.workspace);
    await rt.bash(
      "mkdir -p sub/.pygent deep/er/.pygent sub/.git/hooks; echo 'network = true' > sub/.pygent/config.toml\n" +
        "echo x > deep/er/.pygent/config.toml; echo pwn > sub/.git/hooks/pre-commit; echo ok > deep/ok",
    );
    await rt.sync();
    assert.deepEqual(await names(`${dir.workspace}/sub`), ["keep.txt"]);
    assert.deepEqual(await names(`${dir.workspace}/deep/er`), []);
  },
);

dockerTest(
  "a folder the sandbox made read-only comes back with its files, writable by its owner",
  async () => {
    await using dir = await layout();
    await using rt = await hostileRuntime(dir.workspace);
    await rt.bash("mkdir d; echo in > d/f; chmod 555 d");
    const report = await rt.sync();
    assert.deepEqual(report.toHost, ["d", "d/f"]);
    assert.equal(Deno.statSync(`${dir.workspace}/d`).mode! & 0o777, 0o755);
    assert.equal(await Deno.readTextFile(`${dir.workspace}/d/f`), "in\n");
  },
);

dockerTest(
  "names with newlines, tabs, backslashes, marker-like text and bytes that are not UTF-8",
  async () => {
    await using dir = await layout();
    await using rt = await hostileRuntime(dir.workspace);
    await rt.bash(
      String.raw`mkdir 'x
y'; printf 'a\n0000 0 \n' > 'x
y/f	\'; printf 'z' > "$(printf 'bad\377')"; ln -s "$(printf '../outside\n.')" 'l
'; printf '%0250d' 0 > "$(printf '%0250d' 0)"`,
    );
    const report = await rt.sync();
    assert.equal(await Deno.readTextFile(`${dir.workspace}/x\ny/f\t\\`), "a\n0000 0 \n");
    assert.equal(Deno.readLinkSync(`${dir.workspace}/l\n`), "../outside\n.");
    assert.deepEqual(await names(dir.outside), []);
    assert.ok(exists(`${dir.workspace}/${"0".repeat(250)}`));
    assert.ok(report.refused.length <= 1, String(report.refused));
  },
);

dockerTest(
  "a host symlink to a file outside the workspace is copied as a link, never its content",
  async () => {
    await using dir = await layout();
    await Deno.writeTextFile(`${dir.outside}/secret`, "HOSTSECRET");
    await Deno.symlink(`${dir.outside}/secret`, `${dir.workspace}/abs`);
    await Deno.symlink("../outside", `${dir.workspace}/reldir`);
    await using rt = await hostileRuntime(dir.workspace);
    await Deno.symlink(`${dir.outside}/secret`, `${dir.workspace}/later`);
    await rt.sync();
    const r = await rt.bash(
      "cat abs reldir/secret later 2>&1; grep -r HOSTSECRET . ; readlink abs later",
    );
    assert.doesNotMatch(r.stdout, /HOSTSECRET/);
    assert.match(r.stdout, /outside\/secret\n.*outside\/secret\n$/s);
  },
);

/** Like {@linkcode SWAPPER}, the link to a 256 MiB sparse file of the sandbox's own. */
const GROWER = SWAPPER.replace(
  'os.symlink("/secret", "c")',
  'os.makedirs("/tmp/big", exist_ok=True)\n' +
    'with open("/tmp/big/b", "w") as f: f.truncate(256 << 20)\n' +
    'os.symlink("/tmp/big", "c")',
);

dockerTest(
  "a file that grows between the listing and the copy is not read into the host's memory",
  async () => {
    await using dir = await layout();
    const limit = 1024 * 1024;
    await using rt = await hostileRuntime(dir.workspace, { syncLimitBytes: limit });
    await rt.bash(
      `cat > /tmp/grow.py <<'EOF'\n${GROWER}EOF\nsetsid python3 /tmp/grow.py >/dev/null 2>&1 &`,
    );
    let most = 0;
    for (let i = 0; i < 25; i++) {
      const before = Deno.memoryUsage().rss;
      await rt.sync().catch(() => {});
      most = Math.max(most, Deno.memoryUsage().rss - before);
      for (const name of ["a/b", "c/b"]) {
        const size = await Deno.stat(`${dir.workspace}/${name}`).then((s) => s.size, () => 0);
        assert.ok(size <= limit, `round ${i}: ${name} is ${size} bytes`);
      }
    }
    assert.ok(most < 64 * 1024 * 1024, `the host took ${most} bytes more in one sync`);
  },
);

dockerTest(
  "a file list too large to hold is refused with what to do, before anything is copied",
  async () => {
    await using dir = await layout();
    await using rt = await hostileRuntime(dir.workspace);
    // 40 000 names of about 3 800 bytes each: 150 MB of file list from a few seconds' work.
    const long = "d".repeat(250);
    const setup = await rt.bash(
      `for i in $(seq 15); do mkdir ${long} && cd ${long} || exit 1; done; ` +
        "seq 40000 | xargs touch && echo made",
      { timeoutMs: 120_000 },
    );
    assert.equal(setup.stdout, "made\n", setup.stderr);
    await assert.rejects(rt.sync(), /more than 128 MiB of file names.*--sync bind/s);
    assert.deepEqual(await names(dir.workspace), []);
  },
);

Deno.test("a link and a file under it in one listing: the file is never written through the link", async () => {
  await using dir = await layout();
  const find = `l 777 0 0 1.0 l\0${dir.outside}\0f 644 3 0 1.0 l/f\0\0`;
  const tar = createTar([
    { name: "l", type: "symlink", linkName: dir.outside },
    { name: "l/f", content: new TextEncoder().encode("pwn") },
  ]);
  const hostile = new CopySync({
    workspace: dir.workspace,
    workdir: "/workspace",
    readOnlyPaths: [".git", ".pygent"],
    owner: undefined,
    limitBytes: 1024,
    target: {
      run: (_id, script) =>
        Promise.resolve(
          script.startsWith("find ") ? new TextEncoder().encode(find) : tar,
        ),
      putArchive: () => Promise.resolve(),
      runAsUser: () => Promise.resolve(),
    },
    onEvent: () => {},
  });
  const report = await hostile.sync("c");
  assert.deepEqual(report.refused, ["l/f"]);
  assert.equal(Deno.readLinkSync(`${dir.workspace}/l`), dir.outside);
  assert.deepEqual(await names(dir.outside), []);
});

Deno.test(
  "host files swapped for links to outside files, or gone, between the scan and the read are not uploaded",
  async () => {
    await using dir = await layout({
      "a.txt": "a",
      "d/f.txt": "f",
      "gone.txt": "g",
      "ok.txt": "ok",
    });
    await Deno.writeTextFile(`${dir.outside}/secret`, "HOSTSECRET");
    await Deno.mkdir(`${dir.outside}/d`);
    await Deno.writeTextFile(`${dir.outside}/d/f.txt`, "HOSTSECRET");
    let uploaded = new Uint8Array();
    let swapped = 0;
    const events: RuntimeEvent[] = [];
    const sync = new CopySync({
      workspace: dir.workspace,
      workdir: "/workspace",
      readOnlyPaths: [".git", ".pygent"],
      owner: undefined,
      limitBytes: 1 << 20,
      target: {
        // The container's listing comes after the host's scan, before the upload reads.
        run: async () => {
          if (swapped++ > 0) return new Uint8Array();
          await Deno.remove(`${dir.workspace}/a.txt`);
          await Deno.symlink(`${dir.outside}/secret`, `${dir.workspace}/a.txt`);
          await Deno.rename(`${dir.workspace}/d`, `${dir.base}/d-moved`);
          await Deno.symlink(`${dir.outside}/d`, `${dir.workspace}/d`);
          await Deno.remove(`${dir.workspace}/gone.txt`);
          return new Uint8Array();
        },
        putArchive: async (_id, tar) => {
          uploaded = new Uint8Array(await new Response(tar).arrayBuffer());
        },
        runAsUser: () => Promise.resolve(),
      },
      onEvent: (e) => events.push(e),
    });
    const report = await sync.upload("c");
    assert.doesNotMatch(new TextDecoder().decode(uploaded), /HOSTSECRET/);
    assert.deepEqual(report.toContainer, ["d", "ok.txt"]);
    const notice = events.find((e) => e.type === "notice");
    assert.ok(notice?.type === "notice");
    assert.match(notice.message, /a\.txt could not be read on the host \(it was replaced/);
    assert.match(notice.message, /d\/f\.txt could not be read on the host/);
    assert.match(notice.message, /gone\.txt could not be read on the host \(No such file/);
  },
);

/** Writes to `log` without a pause, between 4 and 8 MiB long. */
const WRITER = `
import os
fd = os.open("log", os.O_WRONLY | os.O_CREAT, 0o644)
os.ftruncate(fd, 4 << 20)
while True:
    os.lseek(fd, 0, os.SEEK_END)
    os.write(fd, b"x" * 4096)
    if os.lseek(fd, 0, os.SEEK_CUR) > 8 << 20:
        os.ftruncate(fd, 4 << 20)
`;

dockerTest("a file being written while the sync copies it does not fail the sync", async () => {
  await using dir = await layout();
  await using rt = await hostileRuntime(dir.workspace);
  await rt.bash(
    `cat > /tmp/w.py <<'EOF'\n${WRITER}EOF\nsetsid python3 /tmp/w.py >/dev/null 2>&1 &`,
  );
  for (let i = 0; i < 8; i++) await rt.sync();
});

/** Stops every `tar` of its own user as soon as it sees one. */
const STOPPER = `
import os, signal
while True:
    for p in os.listdir("/proc"):
        try:
            if p.isdigit() and open(f"/proc/{p}/comm").read() == "tar\\n":
                os.kill(int(p), signal.SIGSTOP)
        except OSError:
            pass
`;

dockerTest(
  "a sync whose copy into the container the sandbox stops ends, with a notice",
  async () => {
    await using dir = await layout();
    const events: RuntimeEvent[] = [];
    await using rt = await hostileRuntime(dir.workspace, {
      engineTimeoutMs: 3000,
      onEvent: (e) => events.push(e),
    });
    await rt.bash(
      `cat > /tmp/stop.py <<'EOF'\n${STOPPER}EOF\nsetsid python3 /tmp/stop.py >/dev/null 2>&1 &`,
    );
    const stopped = () =>
      events.some((e) =>
        e.type === "notice" &&
        /could not be copied into the sandbox.*did nothing for 3 s/.test(e.message)
      );
    // A copy that takes a while, for the stopper to see it; a few tries, as it may still miss.
    for (let round = 0; round < 5 && !stopped(); round++) {
      await Deno.writeFile(`${dir.workspace}/big.bin`, new Uint8Array(32 << 20).fill(round));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<"hung">((resolve) => {
        timer = setTimeout(() => resolve("hung"), 20_000);
      });
      const outcome = await Promise.race([rt.sync().then(() => "ended"), gaveUp]);
      clearTimeout(timer);
      assert.equal(outcome, "ended", `round ${round}`);
    }
    assert.ok(stopped());
  },
);
