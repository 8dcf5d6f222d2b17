// Copy mode (issue 15, §1): the workspace copied into a container with no bind mount, and
// each side's changes brought to the other between steps, never writing outside the workspace.
import assert from "node:assert/strict";
import { createTar } from "../../lib/docker/mod.ts";
import { CopySync, type CopyTarget } from "../../lib/runtime/copy_sync.ts";
import {
  LazyRuntime,
  type RuntimeEvent,
  SyncLimitError,
  syncModeFor,
} from "../../lib/runtime/mod.ts";
import { testAgent, toolResults } from "../agent/_helpers.ts";
import { dockerTest, TEST_IMAGE, withClient, withWaitingContainer } from "../support/docker.ts";
import { finishExec } from "../../lib/runtime/root_channel.ts";
import { copyRuntime, exists, layout, names, rootChannel } from "./_copy_layout.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { EngineProxy } from "../support/engine_proxy.ts";
import { DockerConnectionError } from "../../lib/docker/mod.ts";

/** Rejects after `ms`, for a call that must not hang (a hang fails the test, not the run). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

dockerTest("a copy mode container has no bind mount at all", async () => {
  await using dir = await layout({ "a.txt": "a", ".git/config": "[core]\n" });
  await using rt = await copyRuntime(dir.workspace);
  await rt.bash("true");
  const info = await withClient((c) => c.inspectContainer(rt.containerId!)) as unknown as {
    HostConfig: { Binds: string[] | null };
    Mounts: { Type: string }[];
  };
  assert.deepEqual(info.HostConfig.Binds ?? [], []);
  assert.deepEqual(info.Mounts.filter((m) => m.Type !== "tmpfs"), []);
  assert.equal(rt.sandbox.kind === "docker" && rt.sandbox.sync, "copy");
});

dockerTest(
  "the upload leaves out .gitignore'd paths at every level, .pygentignore's and .git",
  async () => {
    await using dir = await layout({
      ".gitignore": "*.log\n",
      ".pygentignore": "secrets/\n",
      "app.log": "x",
      "src/.gitignore": "gen/\n!keep.log\n",
      "src/main.py": "print(1)\n",
      "src/keep.log": "kept",
      "src/gen/out.py": "x",
      "secrets/key": "k",
      ".git/HEAD": "ref: refs/heads/main\n",
    });
    await using rt = await copyRuntime(dir.workspace);
    const r = await rt.bash("find . -mindepth 1 | sort");
    assert.equal(
      r.stdout,
      [
        "./.gitignore",
        "./.pygentignore",
        "./src",
        "./src/.gitignore",
        "./src/keep.log",
        "./src/main.py",
      ]
        .join("\n") + "\n",
    );
  },
);

dockerTest(
  "uploaded files belong to the host user, with their modes and symlinks kept",
  async () => {
    await using dir = await layout({ "run.sh": "#!/bin/sh\necho ran\n" });
    await Deno.chmod(`${dir.workspace}/run.sh`, 0o750);
    await Deno.symlink("run.sh", `${dir.workspace}/latest`);
    await using rt = await copyRuntime(dir.workspace);
    const r = await rt.bash("stat -c '%n %u:%g %a %F' . run.sh latest; readlink latest; ./latest");
    const owner = `${Deno.uid()}:${Deno.gid()}`;
    assert.equal(
      r.stdout,
      `. ${owner} ${(Deno.statSync(dir.workspace).mode! & 0o777).toString(8)} directory\n` +
        `run.sh ${owner} 750 regular file\nlatest ${owner} 777 symbolic link\nrun.sh\nran\n`,
    );
  },
);

dockerTest(
  "a workspace over the limit is refused, with its size, the limit and what to do",
  async () => {
    await using dir = await layout({ "big.bin": "x".repeat(3 * 1024 * 1024) });
    await assert.rejects(
      copyRuntime(dir.workspace, { syncLimitBytes: 1024 * 1024 }),
      (error: Error) => {
        assert.ok(error instanceof SyncLimitError);
        assert.match(
          error.message,
          /The workspace is 3\.0 MiB, over the copy mode limit of 1\.0 MiB/,
        );
        assert.match(error.message, /\.pygentignore/);
        assert.match(error.message, /syncLimitBytes/);
        return true;
      },
    );
  },
);

dockerTest("a sync brings back new, changed, deleted and mode-changed files", async () => {
  await using dir = await layout({ "keep.txt": "same", "edit.txt": "old", "gone.txt": "bye" });
  await Deno.writeTextFile(`${dir.workspace}/tool.sh`, "echo\n");
  await using rt = await copyRuntime(dir.workspace);
  await rt.bash(
    "echo new > sub/new.txt 2>/dev/null || { mkdir sub; echo new > sub/new.txt; }\n" +
      "echo changed > edit.txt; rm gone.txt; chmod 755 tool.sh; ln -s edit.txt link",
  );
  const report = await rt.sync();
  assert.deepEqual(report.toHost.sort(), [
    "edit.txt",
    "gone.txt",
    "link",
    "sub",
    "sub/new.txt",
    "tool.sh",
  ]);
  assert.deepEqual(report.toContainer, []);
  assert.equal(await Deno.readTextFile(`${dir.workspace}/sub/new.txt`), "new\n");
  assert.equal(await Deno.readTextFile(`${dir.workspace}/edit.txt`), "changed\n");
  assert.equal(exists(`${dir.workspace}/gone.txt`), false);
  assert.equal(Deno.statSync(`${dir.workspace}/tool.sh`).mode! & 0o777, 0o755);
  assert.equal(Deno.readLinkSync(`${dir.workspace}/link`), "edit.txt");
  assert.equal(Deno.statSync(`${dir.workspace}/sub/new.txt`).uid, Deno.uid());
  assert.deepEqual(await rt.sync(), { toContainer: [], toHost: [], conflicts: [], refused: [] });
});

dockerTest("host edits made between steps reach the container", async () => {
  await using dir = await layout({ "a.txt": "one", "b.txt": "b" });
  await using rt = await copyRuntime(dir.workspace);
  await Deno.writeTextFile(`${dir.workspace}/a.txt`, "two");
  await Deno.remove(`${dir.workspace}/b.txt`);
  await Deno.mkdir(`${dir.workspace}/new`);
  await Deno.writeTextFile(`${dir.workspace}/new/c.txt`, "c");
  const report = await rt.sync();
  assert.deepEqual(report.toContainer, ["a.txt", "b.txt", "new", "new/c.txt"]);
  const r = await rt.bash("cat a.txt new/c.txt; ls; stat -c %u new/c.txt");
  assert.equal(r.stdout, `twoca.txt\nnew\n${Deno.uid()}\n`);
});

dockerTest(
  "a file changed on both sides keeps the host's, the sandbox's beside it, with a notice",
  async () => {
    await using dir = await layout({ "both.txt": "base" });
    const events: RuntimeEvent[] = [];
    await using rt = await copyRuntime(dir.workspace, { onEvent: (e) => events.push(e) });
    await rt.bash("echo sandbox > both.txt");
    await Deno.writeTextFile(`${dir.workspace}/both.txt`, "host");
    const report = await rt.sync();
    assert.deepEqual(report.conflicts, ["both.txt"]);
    assert.equal(await Deno.readTextFile(`${dir.workspace}/both.txt`), "host");
    assert.equal(await Deno.readTextFile(`${dir.workspace}/both.txt.pygent-conflict`), "sandbox\n");
    assert.equal((await rt.bash("cat both.txt")).stdout, "host");
    const notice = events.find((e) => e.type === "notice" && /both\.txt/.test(e.message));
    assert.ok(notice && notice.type === "notice");
    assert.match(notice.message, /host's version was kept.*both\.txt\.pygent-conflict/s);
  },
);

dockerTest("a second conflict on the same file keeps the first one's copy", async () => {
  await using dir = await layout({ "both.txt": "base" });
  await using rt = await copyRuntime(dir.workspace);
  for (const round of ["one", "two"]) {
    await rt.bash(`echo sandbox-${round} > both.txt`);
    await Deno.writeTextFile(`${dir.workspace}/both.txt`, `host-${round}`);
    await rt.sync();
  }
  assert.equal(await Deno.readTextFile(`${dir.workspace}/both.txt`), "host-two");
  assert.equal(
    await Deno.readTextFile(`${dir.workspace}/both.txt.pygent-conflict`),
    "sandbox-one\n",
  );
  assert.equal(
    await Deno.readTextFile(`${dir.workspace}/both.txt.pygent-conflict-2`),
    "sandbox-two\n",
  );
});

dockerTest(
  "a symlink made in the sandbox comes back as a link and is never written through",
  async () => {
    await using dir = await layout();
    await using rt = await copyRuntime(dir.workspace);
    await rt.bash(`ln -s ${dir.outside} escape; ln -s ../outside rel`);
    await rt.sync();
    assert.equal(Deno.readLinkSync(`${dir.workspace}/escape`), dir.outside);
    // Next step, the same names become folders with files in them.
    await rt.bash("rm escape rel; mkdir escape rel; echo pwn > escape/f; echo pwn > rel/f");
    await rt.sync();
    assert.deepEqual(await names(dir.outside), []);
    assert.equal(await Deno.readTextFile(`${dir.workspace}/escape/f`), "pwn\n");
    assert.equal(Deno.lstatSync(`${dir.workspace}/rel`).isDirectory, true);
  },
);

dockerTest(
  "a file under a parent that is a symlink on the host is refused, not written through",
  async () => {
    await using dir = await layout();
    await Deno.symlink("../outside", `${dir.workspace}/lnk`);
    const events: RuntimeEvent[] = [];
    await using rt = await copyRuntime(dir.workspace, { onEvent: (e) => events.push(e) });
    await rt.bash("rm lnk; mkdir lnk; echo pwn > lnk/f");
    // The user re-points the link meanwhile: the link stays, and lnk/f has no folder to go to.
    await Deno.remove(`${dir.workspace}/lnk`);
    await Deno.symlink(dir.outside, `${dir.workspace}/lnk`);
    const report = await rt.sync();
    assert.deepEqual(report.refused.sort(), ["lnk", "lnk/f"]);
    assert.equal(Deno.readLinkSync(`${dir.workspace}/lnk`), dir.outside);
    assert.deepEqual(await names(dir.outside), []);
    assert.ok(events.some((e) => e.type === "notice" && /lnk\/f/.test(e.message)));
  },
);

dockerTest(
  "a folder made in the sandbox where the host changed the file replaces neither",
  async () => {
    await using dir = await layout({ "f": "base" });
    await using rt = await copyRuntime(dir.workspace);
    await rt.bash("rm f; mkdir f; echo inside > f/in");
    await Deno.writeTextFile(`${dir.workspace}/f`, "host");
    const report = await rt.sync();
    assert.deepEqual(report.refused.sort(), ["f", "f/in"]);
    assert.equal(await Deno.readTextFile(`${dir.workspace}/f`), "host");
    assert.equal((await rt.bash("cat f/in")).stdout, "inside\n");
  },
);

dockerTest(".git, .pygent and ignored paths made in the sandbox never reach the host", async () => {
  await using dir = await layout({ ".gitignore": "build/\n", ".git/HEAD": "ref\n" });
  await using rt = await copyRuntime(dir.workspace, { user: "root" });
  await rt.bash(
    "mkdir -p .git/hooks .pygent build sub/.git/hooks; echo pwn > .git/hooks/pre-commit\n" +
      "echo 'network = true' > .pygent/config.toml; echo x > build/out; echo pwn > sub/.git/hooks/x\n" +
      "echo ok > fine.txt",
  );
  const report = await rt.sync();
  assert.deepEqual(report.toHost, ["fine.txt", "sub"]);
  assert.deepEqual(await names(dir.workspace), [".git", ".gitignore", "fine.txt", "sub"]);
  assert.deepEqual(await names(`${dir.workspace}/.git`), ["HEAD"]);
  assert.deepEqual(await names(`${dir.workspace}/sub`), []);
});

dockerTest(
  "fifos are refused, and files over the limit stay in the sandbox, each with a notice",
  async () => {
    await using dir = await layout();
    const events: RuntimeEvent[] = [];
    await using rt = await copyRuntime(dir.workspace, {
      syncLimitBytes: 1024 * 1024,
      onEvent: (e) => events.push(e),
    });
    await rt.bash("mkfifo pipe; head -c 2000000 /dev/zero > big.bin");
    const report = await rt.sync();
    assert.deepEqual(report.refused.sort(), ["big.bin", "pipe"]);
    assert.deepEqual(await names(dir.workspace), []);
    const said = events.filter((e) => e.type === "notice").map((e) =>
      e.type === "notice" && e.message
    );
    assert.ok(
      said.some((m) => /What the sandbox changed is 1\.9 MiB, over .* 1\.0 MiB/.test(String(m))),
    );
    assert.ok(said.some((m) => /Not brought back.*pipe/.test(String(m))));
  },
);

dockerTest("a replaced container gets the workspace again", async () => {
  await using dir = await layout({ "a.txt": "host" });
  await using rt = await copyRuntime(dir.workspace);
  await rt.bash("echo synced > b.txt");
  await rt.sync();
  const oldId = rt.containerId!;
  await withClient((c) => c.removeContainer(oldId));
  const r = await rt.bash("cat a.txt b.txt");
  assert.notEqual(rt.containerId, oldId);
  assert.equal(r.stdout, "hostsynced\n");
  assert.match(r.notice ?? "", /copied into it as of the last sync/);
});

dockerTest(
  "cleanup brings the sandbox's last changes home before removing the container",
  async () => {
    await using dir = await layout();
    const rt = await copyRuntime(dir.workspace);
    await rt.bash("echo last > last.txt");
    await rt.cleanup();
    assert.equal(await Deno.readTextFile(`${dir.workspace}/last.txt`), "last\n");
  },
);

dockerTest(
  "a sync on an engine that stopped answering fails within the engine timeout, naming it",
  async () => {
    await using dir = await layout({ "a.txt": "a" });
    const proxy = await EngineProxy.start();
    const rt = await copyRuntime(dir.workspace, {
      getEnv: (name) => proxy.env(name),
      engineTimeoutMs: 1_000,
    });
    try {
      await rt.bash("true");
      proxy.frozen = true;
      const error = await within(5_000, rt.sync()).catch((e) => e);
      assert.ok(error.cause instanceof DockerConnectionError, String(error));
      assert.match(error.message, new RegExp(proxy.path));
    } finally {
      proxy.frozen = false;
      await rt.cleanup();
      proxy.close();
    }
  },
);

dockerTest("cleanup on an engine that stopped answering still removes the container", async () => {
  await using dir = await layout({ "a.txt": "a" });
  const proxy = await EngineProxy.start();
  const said: string[] = [];
  const rt = await copyRuntime(dir.workspace, {
    getEnv: (name) => proxy.env(name),
    engineTimeoutMs: 1_000,
    onEvent: (event) => {
      if (event.type !== "notice") return;
      said.push(event.message);
      // The engine answers again once the last sync gave up: the removal must still be made.
      proxy.frozen = false;
    },
  });
  try {
    await rt.bash("true");
    const id = rt.containerId!;
    proxy.frozen = true;
    await within(8_000, rt.cleanup());
    assert.ok(said.some((m) => /last changes could not be copied back/.test(m)), String(said));
    await withClient(async (c) => {
      await assert.rejects(c.inspectContainer(id), /No such container|not found/i);
    });
  } finally {
    proxy.frozen = false;
    await rt.cleanup();
    proxy.close();
  }
});

dockerTest("after step() the step's changes are on the host", async () => {
  await using dir = await layout({ "in.txt": "3\n" });
  await using server = await OpenAIServer.start([
    {
      kind: "message",
      toolCalls: [{ name: "bash", arguments: '{"cmd":"echo $(( $(cat in.txt) * 2 )) > out.txt"}' }],
    },
    { kind: "message", content: "Done." },
    { kind: "message", toolCalls: [{ name: "bash", arguments: '{"cmd":"cat in.txt"}' }] },
    { kind: "message", content: "Read it." },
  ]);
  await using ag = testAgent(server, {
    runtimeOptions: { docker: true, image: TEST_IMAGE, workspace: dir.workspace, sync: "copy" },
  });
  await ag.step("Double the number");
  assert.equal(await Deno.readTextFile(`${dir.workspace}/out.txt`), "6\n");
  // The user's edit between steps is what the next step sees.
  await Deno.writeTextFile(`${dir.workspace}/in.txt`, "5\n");
  await ag.step("Read it again");
  assert.deepEqual(toolResults(server.requests[3]).at(-1), "5\n[exit code 0]");
});

/**
 * Runs `fn` with a `CopySync` of `workspace` into a real container, whose `/workspace` first
 * holds `imageFiles` (as an image's own would); `beforeWrite` runs as root in the container
 * just before each write there, as a background job of the sandbox could.
 */
async function withRealSync(
  workspace: string,
  imageFiles: string,
  fn: (sync: CopySync, id: string) => Promise<void>,
  beforeWrite = "true",
) {
  await withClient((client) =>
    withWaitingContainer(client, "copy-sync", async (id) => {
      const channel = rootChannel(client, {
        ms: 15_000,
        error: () => new Error("the engine stopped answering"),
      });
      try {
        await channel.run(id, `mkdir -p /workspace && cd /workspace && ${imageFiles}`);
        const sync = new CopySync({
          workspace,
          workdir: "/workspace",
          readOnlyPaths: [".git"],
          owner: undefined,
          limitBytes: 1 << 20,
          target: {
            run: (id, script, maxBytes) => channel.run(id, script, maxBytes),
            putArchive: (id, tar, size) => client.putArchive(id, "/", tar, size),
            runAsUser: async (id, script, input) => {
              await channel.run(id, beforeWrite);
              const execId = await client.createExec(id, {
                Cmd: ["/bin/sh", "-c", script],
                User: "0:0",
                AttachStdin: true,
                AttachStdout: true,
                AttachStderr: true,
              });
              await finishExec(
                await client.startExec(execId),
                input,
                15_000,
                async () => (await client.inspectExec(execId)).ExitCode ?? -1,
              );
            },
          },
          onEvent: () => {},
        });
        await fn(sync, id);
      } finally {
        channel.close();
      }
    })
  );
}

dockerTest(
  "the first upload brings none of the image's own workspace files to the host",
  async () => {
    await using dir = await layout({ "a.txt": "host" });
    await withRealSync(
      dir.workspace,
      "echo image > a.txt && echo image > own.txt",
      async (sync, id) => {
        const report = await sync.upload(id);
        assert.deepEqual(report.toHost, []);
        assert.deepEqual(await names(dir.workspace), ["a.txt"]);
        // Nor later: they are in the starting record.
        assert.deepEqual((await sync.sync(id)).toHost, []);
      },
    );
  },
);

dockerTest(
  "a background job's change made while host edits are copied in is pulled next time",
  async () => {
    await using dir = await layout({ "a.txt": "a" });
    await withRealSync(
      dir.workspace,
      "true",
      async (sync, id) => {
        await sync.upload(id);
        await Deno.writeTextFile(`${dir.workspace}/a.txt`, "edited");
        await sync.sync(id);
        await sync.sync(id);
        assert.equal(await Deno.readTextFile(`${dir.workspace}/bg.txt`), "bg\n");
      },
      "[ -e /workspace/a.txt.seen ] || { echo bg > /workspace/bg.txt; touch /workspace/a.txt.seen; }",
    );
  },
);

dockerTest(
  "a sync refused for the host's changes pulls nothing, so no false conflict follows",
  async () => {
    await using dir = await layout({ "a.txt": "a" });
    await using rt = await copyRuntime(dir.workspace, { syncLimitBytes: 1 << 20 });
    await rt.bash("echo sandbox > c.txt");
    await Deno.writeFile(`${dir.workspace}/big.bin`, new Uint8Array(2 << 20));
    await assert.rejects(rt.sync(), SyncLimitError);
    await Deno.remove(`${dir.workspace}/big.bin`);
    await rt.sync();
    assert.equal(await Deno.readTextFile(`${dir.workspace}/c.txt`), "sandbox\n");
    assert.ok(!exists(`${dir.workspace}/c.txt${".pygent-conflict"}`));
  },
);

dockerTest(
  "a host edit the sandbox refused to take is not lost to the sandbox's later edit",
  async () => {
    await using dir = await layout({ "d/f.txt": "v1" });
    await using rt = await copyRuntime(dir.workspace);
    await rt.bash("chmod 555 d");
    await rt.sync();
    await Deno.writeTextFile(`${dir.workspace}/d/f.txt`, "host edit");
    await rt.sync();
    await rt.bash("chmod 755 d && echo sandbox > d/f.txt");
    await rt.sync();
    assert.equal(await Deno.readTextFile(`${dir.workspace}/d/f.txt`), "host edit");
    assert.equal(await Deno.readTextFile(`${dir.workspace}/d/f.txt.pygent-conflict`), "sandbox\n");
  },
);

dockerTest("a lazy runtime's sync while it is still starting returns at once", async () => {
  await using dir = await layout({ "a.txt": "a" });
  await using rt = new LazyRuntime({
    docker: true,
    image: TEST_IMAGE,
    workspace: dir.workspace,
    sync: "copy",
  });
  const starting = rt.start();
  const first = await Promise.race([
    rt.sync().then((report) => ({ report })),
    starting.then(() => "started"),
  ]);
  assert.deepEqual(first, { report: { toContainer: [], toHost: [], conflicts: [], refused: [] } });
  await starting;
});

/** A container that answers with what a hostile sandbox could make up. */
function hostileTarget(find: string, tar: Uint8Array): CopyTarget {
  return {
    run: (_id, script) =>
      Promise.resolve(
        script.startsWith("find ")
          ? new TextEncoder().encode(find)
          : script.includes("| tar -c")
          ? tar
          : new Uint8Array(),
      ),
    putArchive: () => Promise.resolve(),
    runAsUser: () => Promise.resolve(),
  };
}

Deno.test("names with .. or absolute ones from the sandbox are refused, nothing written outside", async () => {
  await using dir = await layout();
  const content = new TextEncoder().encode("pwn");
  const evil = ["../outside/f", "/etc/x", "a/../../outside/g", "./h"];
  const find = evil.map((p) => `f 644 3 0 1.0 ${p}\0\0`).join("");
  const tar = createTar(evil.map((name) => ({ name, content })));
  const events: RuntimeEvent[] = [];
  const hostile = new CopySync({
    workspace: dir.workspace,
    workdir: "/workspace",
    readOnlyPaths: [".git", ".pygent"],
    owner: undefined,
    limitBytes: 1024,
    target: hostileTarget(find, tar),
    onEvent: (e) => events.push(e),
  });
  const report = await hostile.sync("c");
  assert.deepEqual(report.refused.sort(), [...evil].sort());
  assert.deepEqual(report.toHost, []);
  assert.deepEqual(await names(dir.outside), []);
  assert.deepEqual(await names(dir.workspace), []);
});

Deno.test("the sync mode defaults to a bind mount on a unix socket and a copy over tcp", () => {
  assert.equal(syncModeFor(undefined, { transport: "unix", path: "/var/run/docker.sock" }), "bind");
  assert.equal(syncModeFor(undefined, { transport: "tcp", hostname: "h", port: 2376 }), "copy");
  assert.equal(syncModeFor("copy", { transport: "unix", path: "/var/run/docker.sock" }), "copy");
  assert.equal(syncModeFor("bind", { transport: "tcp", hostname: "h", port: 2376 }), "bind");
});
