// The Docker runtime's file operations, which open files inside the sandbox (issue 11, item 7).
import assert from "node:assert/strict";
import { editFileTool } from "../../lib/agent/tools/edit_file.ts";
import { ContainerFiles } from "../../lib/runtime/container_files.ts";
import {
  createRuntime,
  type DockerRuntime,
  MAX_READ_BYTES,
  PathOutsideWorkspaceError,
  type Runtime,
  RuntimeError,
  SandboxLostError,
  Workspace,
} from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";
import { ensureUser, noUserReason, runAs } from "../support/user.ts";

const asUserScript = new URL("./container_files_as_user_script.ts", import.meta.url).pathname;

async function dockerRuntime(options: Parameters<typeof createRuntime>[0] = {}) {
  return await createRuntime({ docker: true, image: TEST_IMAGE, ...options }) as DockerRuntime;
}

/**
 * A file-tool test, run in both sync modes (`make` starts a runtime in the one at hand): the
 * tools work inside the container, with or without the workspace mounted.
 */
function filesTest(name: string, fn: (make: typeof dockerRuntime) => Promise<void>): void {
  for (const sync of ["bind", "copy"] as const) {
    dockerTest(`${sync}: ${name}`, () => fn((options = {}) => dockerRuntime({ sync, ...options })));
  }
}

/** A workspace file as the host has it once the sandbox's changes are back (copy mode: a sync). */
async function hostBytes(rt: Runtime, path: string): Promise<Uint8Array> {
  await rt.sync();
  return await Deno.readFile(`${rt.workspace}/${path}`);
}

async function hostText(rt: Runtime, path: string): Promise<string> {
  return new TextDecoder().decode(await hostBytes(rt, path));
}

/** A workspace folder with an `outside` folder beside it, which nothing may ever reach. */
async function besideOutside(): Promise<{ base: string; workspace: string; outside: string }> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-files-" }));
  await Deno.mkdir(`${base}/workspace`);
  await Deno.mkdir(`${base}/outside`);
  return { base, workspace: `${base}/workspace`, outside: `${base}/outside` };
}

async function entries(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
}

// Bind mode only: in copy mode no host path is in the container to be led to.
dockerTest("a folder swapped for a symlink in a race never leads a write out", async () => {
  const { base, workspace, outside } = await besideOutside();
  try {
    await using rt = await dockerRuntime({ workspace });
    // Both ways a host-side open would be led out: a relative target, and the host's own path.
    const swapper = `
import os, shutil, time
end = time.time() + 60
while time.time() < end:
    for target in ("../outside", ${JSON.stringify(outside)}):
        try:
            os.mkdir("d")
        except OSError:
            pass
        shutil.rmtree("d", ignore_errors=True)
        try:
            os.symlink(target, "d")
        except OSError:
            pass
        try:
            os.unlink("d")
        except OSError:
            pass
`;
    await rt.writeFile(".swapper.py", swapper);
    await rt.bash("python3 .swapper.py >/dev/null 2>&1 &");
    let written = 0;
    let refused = 0;
    const started = performance.now();
    for (let i = 0; i < 60 || performance.now() - started < 4_000; i++) {
      try {
        await rt.writeFile(`d/x${i % 3}`, "x");
        written++;
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        refused++;
      }
      assert.deepEqual(await entries(outside), [], `after ${written + refused} writes`);
    }
    assert.deepEqual((await entries(base)).sort(), ["outside", "workspace"]);
    assert.ok(written + refused >= 60);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

filesTest(
  "a symlink is resolved as the container sees it: /workspace is the workspace",
  async (make) => {
    await using rt = await make();
    await rt.bash("printf inside > real.txt; ln -s /workspace/real.txt link");
    assert.equal(await rt.readFile("link"), "inside");
    await rt.writeFile("link", "through the link");
    assert.equal(await hostText(rt, "real.txt"), "through the link");
  },
);

// Bind mode only: copy mode's files come back written by Pygent (copy_sync_test.ts).
dockerTest("files written through the sandbox belong to the host user, even as root", async () => {
  assert.equal(noUserReason, undefined, noUserReason);
  const user = await ensureUser("pygent-tester", true);
  for (const mode of ["default", "root"]) {
    const dir = await Deno.makeTempDir({ prefix: "pygent-files-owner-" });
    await Deno.chown(dir, user.uid, user.gid);
    try {
      const out = await runAs(user, asUserScript, [dir, TEST_IMAGE, mode]);
      const report = JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "{}");
      assert.equal(report.ok, true, `${out.stdout}\n${out.stderr}`);
      assert.equal(report.sandboxUid, mode === "root" ? "0" : String(user.uid));
      assert.equal(report.text, "two\n");
      for (
        const name of ["made-by-api.txt", "made-dir", "made-dir/inner", "made-dir/inner/file.txt"]
      ) {
        const info = await Deno.stat(`${dir}/${name}`);
        assert.deepEqual([info.uid, info.gid], [user.uid, user.gid], `${mode}: ${name}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

filesTest(
  "edit_file reads and writes through the sandbox, a byte-order mark kept",
  async (make) => {
    await using rt = await make();
    await rt.bash(
      "mkdir src; printf '\\357\\273\\277print(1)\\n' > src/real.py; ln -s /workspace/src/real.py app.py",
    );
    const result = await editFileTool.run({ path: "app.py", old: "print(1)", new: "print(2)" }, {
      runtime: rt,
      timeoutMs: 30_000,
    });
    assert.equal(result, "Edited app.py at line 1.");
    const bytes = await hostBytes(rt, "src/real.py");
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(new TextDecoder().decode(bytes.subarray(3)), "print(2)\n");
  },
);

filesTest("a file that is not UTF-8 is refused, not altered", async (make) => {
  await using rt = await make();
  await rt.bash("printf 'caf\\351\\n' > latin1.txt");
  await assert.rejects(rt.readFile("latin1.txt"), /latin1\.txt is not UTF-8 text/);
});

filesTest("a file over 16 MiB is refused with its size", async (make) => {
  await using rt = await make();
  await rt.bash(
    `head -c ${MAX_READ_BYTES + 1} /dev/zero > exact; head -c 17000000 /dev/zero > big`,
  );
  await assert.rejects(rt.readFile("exact"), /exact is 16\.0 MiB, too big to read whole/);
  await assert.rejects(rt.readFile("big"), /big is 16\.2 MiB, too big to read whole/);
  await rt.bash(`head -c ${MAX_READ_BYTES} /dev/zero | tr '\\0' a > limit`);
  assert.equal((await rt.readFile("limit")).length, MAX_READ_BYTES);
});

filesTest("a FIFO is refused without blocking, for reads and writes", async (make) => {
  await using rt = await make();
  await rt.bash("mkfifo pipe");
  await assert.rejects(rt.readFile("pipe"), /pipe is not a regular file \(a pipe, socket/);
  await assert.rejects(rt.writeFile("pipe", "x"), /pipe is not a regular file; only regular files/);
});

filesTest("a folder is neither read nor written as a file", async (make) => {
  await using rt = await make();
  await rt.bash("mkdir -p src/lib");
  await assert.rejects(rt.readFile("src"), /src is a folder, not a file/);
  await assert.rejects(rt.writeFile("src/lib", "x"), /src\/lib is not a regular file/);
  await assert.rejects(rt.readFile("."), /is the workspace folder, not a file/);
});

filesTest("a missing file is named, and a write makes its parent folders", async (make) => {
  await using rt = await make();
  await assert.rejects(rt.readFile("nope/app.py"), /No such file: nope\/app\.py/);
  await rt.writeFile("nope/deeper/app.py", "print(1)\n");
  assert.equal(await hostText(rt, "nope/deeper/app.py"), "print(1)\n");
  await rt.bash("printf x > plain");
  await assert.rejects(
    rt.writeFile("plain/app.py", "x"),
    /Cannot write plain\/app\.py: plain is a file/,
  );
});

filesTest("symlinks that lead to one another are refused", async (make) => {
  await using rt = await make();
  await rt.bash("ln -s a b; ln -s b a");
  await assert.rejects(rt.readFile("a"), PathOutsideWorkspaceError);
  await assert.rejects(rt.writeFile("a/x", "x"), PathOutsideWorkspaceError);
});

filesTest("a big write refused before its content is read ends promptly", async (make) => {
  await using rt = await make();
  await rt.bash("ln -s /etc/passwd pw");
  const big = new Uint8Array(20_000_000).fill(0x61);
  await assert.rejects(rt.writeFile("pw", big), PathOutsideWorkspaceError);
  await rt.writeFile("big.txt", big);
  assert.equal((await hostBytes(rt, "big.txt")).length, big.length);
});

// Bind mode only: copy mode's replacement gets the host's files as of the last sync
// (copy_sync_test.ts).
dockerTest(
  "a container removed from outside: the next file call goes on in a new one",
  async () => {
    await using rt = await dockerRuntime();
    await rt.writeFile("kept.txt", "kept");
    const oldId = rt.containerId!;
    await withClient((c) => c.removeContainer(oldId));
    assert.equal(await rt.readFile("kept.txt"), "kept");
    assert.notEqual(rt.containerId, oldId);
    const r = await rt.bash("cat kept.txt");
    assert.equal(r.stdout, "kept");
    assert.match(r.notice ?? "", /The sandbox container was gone/);
  },
);

filesTest("after cleanup the file tools fail with SandboxLostError", async (make) => {
  const rt = await make();
  await rt.cleanup();
  await assert.rejects(rt.readFile("a.txt"), SandboxLostError);
  await assert.rejects(rt.writeFile("a.txt", "x"), SandboxLostError);
});

filesTest("a read opens the file read-only: watchers see no close-write", async (make) => {
  await using rt = await make();
  // inotify through ctypes: the image has Python but no inotify-tools. "done" is written after
  // the read, so the watcher has seen every event of the read when it sees that one.
  const watcher = `
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
assert libc.inotify_add_watch(fd, b".", 0x8) >= 0  # IN_CLOSE_WRITE
open("ready", "x").close()
names = []
while "done" not in names:
    data = os.read(fd, 4096)
    while data:
        _, _, _, size = struct.unpack("iIII", data[:16])
        names.append(data[16:16 + size].rstrip(b"\\0").decode())
        data = data[16 + size:]
print(" ".join(n for n in names if n != "ready"))
`;
  await rt.bash("printf 'print(1)\\n' > app.py");
  await rt.writeFile(".watch.py", watcher);
  await rt.bash("python3 .watch.py > events 2>&1 &\nuntil [ -e ready ]; do sleep 0.05; done");
  assert.equal(await rt.readFile("app.py"), "print(1)\n");
  const r = await rt.bash("echo > done; wait; cat events");
  assert.equal(r.stdout.trim(), "done");
});

filesTest("a running executable is read, not reported missing", async (make) => {
  await using rt = await make();
  // Opening a running binary for writing fails with ETXTBSY; a read must not try to.
  await rt.bash(
    "cp /bin/sleep app; ./app 30 >/dev/null 2>&1 &\n" +
      'until [ "$(readlink /proc/$!/exe)" = "$PWD/app" ]; do :; done',
  );
  await assert.rejects(rt.readFile("app"), /app is not UTF-8 text/);
});

dockerTest("a file operation whose exec stalls ends at its deadline", async () => {
  await using rt = await dockerRuntime();
  await rt.bash("true");
  const containerId = rt.containerId!;
  await withClient(async (client) => {
    let stream: Awaited<ReturnType<typeof client.startExec>> | undefined;
    const files = new ContainerFiles({
      workspace: await Workspace.open(rt.workspace, ["/workspace"]),
      workdir: "/workspace",
      // Never ends, and never says a status: what a hung engine looks like from here.
      startExec: async () => {
        const execId = await client.createExec(containerId, {
          Cmd: ["sleep", "30"],
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
        });
        stream = await client.startExec(execId);
        return { containerId, stream };
      },
      assertRunning: async () => {},
      deadlineMs: 500,
    });
    for (const call of [() => files.readFile("a.txt"), () => files.writeFile("a.txt", "x")]) {
      const started = performance.now();
      await assert.rejects(call(), RuntimeError, "did not finish within 500 ms");
      const took = performance.now() - started;
      assert.ok(took >= 500 && took < 1_500, `took ${took} ms`);
      // The stream was closed: reading it ends at once.
      assert.deepEqual(await Array.fromAsync(stream!.frames()), []);
    }
  });
});

Deno.test("a file operation whose exec never starts ends at its deadline", async () => {
  const workspace = await Workspace.open();
  try {
    let startSignal: AbortSignal | undefined;
    const files = new ContainerFiles({
      workspace,
      workdir: "/workspace",
      startExec: (_body, signal) => {
        startSignal = signal;
        return new Promise(() => {});
      },
      assertRunning: async () => {},
      deadlineMs: 200,
    });
    await assert.rejects(files.readFile("a.txt"), RuntimeError, "did not finish within 200 ms");
    assert.equal(startSignal?.aborted, true);
  } finally {
    await workspace.dispose();
  }
});
