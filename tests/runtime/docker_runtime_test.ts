// The Docker runtime against a real engine: the container as created, files, limits and faults.
import assert from "node:assert/strict";
import { type DockerClient, dropsAllCapabilities } from "../../lib/docker/mod.ts";
import {
  createRuntime,
  type DockerRuntime,
  PathOutsideWorkspaceError,
  type Runtime,
  SandboxLostError,
  SESSION_LABEL,
} from "../../lib/runtime/mod.ts";
import { containersLabelled, dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";
import { EngineProxy } from "../support/engine_proxy.ts";

async function dockerRuntime(options: Parameters<typeof createRuntime>[0] = {}) {
  return await createRuntime({ docker: true, image: TEST_IMAGE, ...options }) as DockerRuntime;
}

async function inspect(rt: DockerRuntime) {
  return await withClient((c) => c.inspectContainer(rt.containerId!));
}

dockerTest("python runs in the container and prints its result", async () => {
  await using rt = await dockerRuntime();
  const r = await rt.bash("python3 -c 'print(6*7)'", { timeoutMs: 30_000 });
  assert.deepEqual([r.stdout, r.stderr, r.exitCode, r.timedOut], ["42\n", "", 0, false]);
  assert.equal(rt.kind, "docker");
  assert.ok(r.durationMs >= 0);
});

dockerTest("the container is named and labelled for its session", async () => {
  await using rt = await dockerRuntime();
  const info = await inspect(rt);
  assert.match(info.Name, /^\/pygent-[0-9a-f]{8}$/);
  assert.equal(info.Config.Labels?.[SESSION_LABEL], info.Name.slice("/pygent-".length));
  assert.equal(info.Config.Labels?.["pygent.workspace"], rt.workspace);
  assert.match(info.Config.Labels?.["pygent.version"] ?? "", /^\d+\.\d+\.\d+/);
});

dockerTest("the container is locked down by default", async () => {
  await using rt = await dockerRuntime();
  const { HostConfig: host, Config: config } = await inspect(rt);
  assert.ok(dropsAllCapabilities(host.CapDrop), `CapDrop ${host.CapDrop}`);
  // KILL for root's processes (the freeze's controller) when the commands are another user's.
  assert.deepEqual(host.CapAdd ?? [], Deno.uid() === 0 ? [] : ["KILL"]);
  assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
  assert.equal(host.Privileged, false);
  assert.deepEqual(host.Devices ?? [], []);
  assert.equal(host.NetworkMode, "none");
  assert.equal(host.Memory, 512 * 1024 * 1024);
  assert.equal(host.MemorySwap, host.Memory);
  assert.equal(host.PidsLimit, 256);
  assert.equal(host.Init, true);
  assert.ok(host.Tmpfs && "/tmp" in host.Tmpfs);
  // Podman reads the bind back with its options (`:rw,rprivate,rbind`).
  assert.deepEqual(host.Binds?.map((b) => b.split(":").slice(0, 2).join(":")), [
    `${rt.workspace}:/workspace`,
  ]);
  assert.ok(!(host.Binds ?? []).some((b) => b.includes("docker.sock")));
  assert.equal(config.User, "0:0", "init and the keep-alive process, out of the commands' reach");
  assert.equal((await rt.bash("id -u; id -g")).stdout, `${Deno.uid()}\n${Deno.gid()}\n`);
  assert.equal(config.WorkingDir, "/workspace");
});

dockerTest("options loosen the defaults: network, memory, pids, cpus, root", async () => {
  await using rt = await dockerRuntime({
    network: true,
    memoryBytes: 256 * 1024 * 1024,
    pidsLimit: 64,
    cpus: 1.5,
    user: "root",
  });
  const { HostConfig: host, Config: config } = await inspect(rt);
  assert.equal(host.NetworkMode, "bridge");
  assert.equal(host.Memory, 256 * 1024 * 1024);
  assert.equal(host.MemorySwap, 256 * 1024 * 1024);
  assert.equal(host.PidsLimit, 64);
  assert.equal(host.NanoCpus, 1_500_000_000);
  assert.equal(config.User, "0:0");
  assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
  assert.equal((await rt.bash("id -u")).stdout, "0\n");
});

dockerTest("the container gets none of the host's environment, only named variables", async () => {
  Deno.env.set("PYGENT_TEST_SECRET", "must-not-leak");
  try {
    await using rt = await dockerRuntime({ env: { GREETING: "hello" } });
    const r = await rt.bash("env");
    assert.doesNotMatch(r.stdout, /must-not-leak|OPENAI_API_KEY/);
    assert.match(r.stdout, /^GREETING=hello$/m);
    assert.match(r.stdout, /^HOME=\/tmp$/m);
  } finally {
    Deno.env.delete("PYGENT_TEST_SECRET");
  }
});

dockerTest("HOME is writable for a uid the image does not know", async () => {
  await using rt = await dockerRuntime();
  const r = await rt.bash(
    "mkdir -p ~/.cache/tool && echo ok > ~/.cache/tool/x && cat ~/.cache/tool/x",
  );
  assert.equal(r.stdout, "ok\n");
});

dockerTest("there is no network by default", async () => {
  await using rt = await dockerRuntime();
  const r = await rt.bash(
    "python3 -c 'import socket; socket.create_connection((\"1.1.1.1\", 53), timeout=2)'",
  );
  assert.notEqual(r.exitCode, 0);
  assert.match(r.stderr, /Network is unreachable|OSError/);
});

dockerTest("a timeout kills the command and its processes are gone", async () => {
  await using rt = await dockerRuntime();
  const r = await rt.bash("echo before; sleep 300 & sleep 300", { timeoutMs: 500 });
  assert.equal(r.timedOut, true);
  assert.equal(r.stdout, "before\n");
  const ps = await rt.bash(
    "for s in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $s; echo; done | grep -c '^sleep 300' || true",
  );
  assert.equal(ps.stdout.trim(), "0");
});

dockerTest("files written by the API are seen by commands and the other way round", async () => {
  await using rt = await dockerRuntime();
  await rt.writeFile("src/app.py", "print(1)\n");
  assert.equal((await rt.bash("python3 src/app.py")).stdout, "1\n");
  await rt.bash("printf 'made inside' > /workspace/out.txt");
  assert.equal(await rt.readFile("out.txt"), "made inside");
  assert.equal(await rt.readFile("/workspace/out.txt"), "made inside");
});

dockerTest("paths outside the workspace are refused", async () => {
  await using rt = await dockerRuntime();
  for (const path of ["../escape.txt", "/etc/passwd", "a/../../x"]) {
    await assert.rejects(rt.writeFile(path, "x"), PathOutsideWorkspaceError);
    await assert.rejects(rt.readFile(path), PathOutsideWorkspaceError);
  }
});

dockerTest("symlinks made in the container never lead the file tools out", async () => {
  await using rt = await dockerRuntime();
  await rt.bash("ln -s / rootlink; ln -s /etc/passwd pw; mkdir d; ln -s /etc d/etc");
  await assert.rejects(rt.readFile("pw"), PathOutsideWorkspaceError);
  await assert.rejects(rt.readFile("rootlink/etc/passwd"), PathOutsideWorkspaceError);
  await assert.rejects(rt.writeFile("pw", "owned"), PathOutsideWorkspaceError);
  await assert.rejects(rt.writeFile("d/etc/evil", "owned"), PathOutsideWorkspaceError);
  await assert.rejects(
    rt.writeFile("rootlink/tmp/pygent-escape", "owned"),
    PathOutsideWorkspaceError,
  );
  await assert.rejects(Deno.stat("/tmp/pygent-escape"), Deno.errors.NotFound);
});

dockerTest("cleanup removes the container and the temporary workspace, twice safely", async () => {
  const rt = await dockerRuntime();
  const name = rt.containerName;
  const workspace = rt.workspace;
  await rt.cleanup();
  await rt.cleanup();
  assert.deepEqual(await containersLabelled(SESSION_LABEL, name.slice("pygent-".length)), []);
  await assert.rejects(Deno.stat(workspace), Deno.errors.NotFound);
});

dockerTest("a given workspace is used in place and never deleted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rt = await dockerRuntime({ workspace: dir });
    await rt.bash("echo kept > kept.txt");
    await rt.cleanup();
    assert.equal(await Deno.readTextFile(`${dir}/kept.txt`), "kept\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

dockerTest(
  "the workspace's .git and .pygent are read-only in the container: what the host runs or trusts",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "pygent-protected-" });
    try {
      await Deno.mkdir(`${dir}/.git/hooks`, { recursive: true });
      await Deno.mkdir(`${dir}/.pygent`);
      await Deno.writeTextFile(`${dir}/.pygent/config.toml`, 'image = "x"\n');
      await using rt = await dockerRuntime({ workspace: dir });
      const hook = await rt.bash("printf 'touch /tmp/pwned' > .git/hooks/post-commit");
      assert.match(hook.stderr, /Read-only file system/);
      const config = await rt.bash("echo 'sandbox = \"host\"' >> .pygent/config.toml");
      assert.match(config.stderr, /Read-only file system/);
      await assert.rejects(rt.writeFile(".pygent/config.toml", 'approval = "never"\n'));
      assert.notEqual((await rt.bash("rm -rf .pygent .git")).exitCode, 0);
      assert.equal(await Deno.readTextFile(`${dir}/.pygent/config.toml`), 'image = "x"\n');
      await assert.rejects(Deno.stat(`${dir}/.git/hooks/post-commit`), Deno.errors.NotFound);
      // The rest of the workspace is as writable as ever.
      assert.equal((await rt.bash("echo ok > src.txt && cat src.txt")).stdout, "ok\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dockerTest(
  "a .git that is a symlink is not bound: it would bring its target into the container",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "pygent-protected-" });
    const outside = await Deno.makeTempDir({ prefix: "pygent-outside-" });
    try {
      await Deno.writeTextFile(`${outside}/secret`, "s3cret");
      await Deno.symlink(outside, `${dir}/.git`);
      await using rt = await dockerRuntime({ workspace: dir });
      const r = await rt.bash("cat .git/secret");
      assert.notEqual(r.exitCode, 0);
      assert.doesNotMatch(r.stdout, /s3cret/);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(outside, { recursive: true });
    }
  },
);

dockerTest("a fork bomb is held by the pids limit and the session goes on", async () => {
  await using rt = await dockerRuntime({ pidsLimit: 64 });
  const bomb = await rt.bash("b() { b | b & }; b; sleep 60", { timeoutMs: 2_000 });
  assert.equal(bomb.timedOut, true);
  const started = performance.now();
  const next = await rt.bash("echo alive; ls /proc | grep -c '^[0-9]'", { timeoutMs: 10_000 });
  assert.equal(next.stdout.split("\n")[0], "alive");
  assert.ok(Number(next.stdout.split("\n")[1]) < 10, `processes left: ${next.stdout}`);
  assert.ok(performance.now() - started < 5_000);
});

dockerTest(
  "a fork bomb that returns at once leaves the session able to start processes",
  async () => {
    await using rt = await dockerRuntime({ pidsLimit: 64 });
    const bomb = await rt.bash("b() { b | b & }; b", { timeoutMs: 10_000 });
    assert.equal(bomb.timedOut, false);
    const started = performance.now();
    const next = await rt.bash("/bin/echo survived; ls /proc | grep -c '^[0-9]'", {
      timeoutMs: 10_000,
    });
    assert.ok(performance.now() - started < 5_000, `took ${performance.now() - started} ms`);
    assert.equal(next.stdout.split("\n")[0], "survived");
    assert.ok(Number(next.stdout.split("\n")[1]) < 64, `processes left: ${next.stdout}`);
  },
);

dockerTest("a command that fills the pids limit has its processes swept, and says so", async () => {
  await using rt = await dockerRuntime({ pidsLimit: 64 });
  // The bomb runs while the command waits on a FIFO with a builtin, which needs no free pid.
  const bomb = await rt.bash("mkfifo /tmp/wait; b() { b | b & }; b; read -t 3 <> /tmp/wait", {
    timeoutMs: 20_000,
  });
  assert.equal(bomb.timedOut, false);
  assert.match(
    bomb.notice ?? "",
    /^The command left \d+ processes that filled the pids limit; they were killed\.$/,
  );
  const next = await rt.bash("/bin/echo survived");
  assert.equal(next.stdout, "survived\n");
});

dockerTest("background jobs that leave room under the pids limit are kept", async () => {
  await using rt = await dockerRuntime({ pidsLimit: 64 });
  const started = await rt.bash("for i in 1 2 3 4 5; do sleep 300 & done");
  assert.equal(started.notice, undefined);
  const r = await rt.bash("jobs -r | wc -l");
  assert.equal(r.stdout.trim(), "5");
  assert.equal(r.notice, undefined);
});

dockerTest(
  "after the container is removed from outside, concurrent calls share one new container",
  async () => {
    await using rt = await dockerRuntime();
    await rt.bash("echo first");
    const oldId = rt.containerId!;
    const session = (await inspect(rt)).Config.Labels?.[SESSION_LABEL];
    await withClient((c) => c.removeContainer(oldId));
    const [command, written] = await Promise.allSettled([
      rt.bash("echo second"),
      rt.writeFile("concurrent.txt", "x"),
    ]);
    assert.equal(command.status, "fulfilled", String((command as PromiseRejectedResult).reason));
    assert.equal(written.status, "fulfilled", String((written as PromiseRejectedResult).reason));
    assert.equal((await rt.bash("cat concurrent.txt")).stdout, "x");
    const containers = await containersLabelled(SESSION_LABEL, session);
    assert.deepEqual(containers, [rt.containerId]);
    assert.notEqual(rt.containerId, oldId);
  },
);

dockerTest(
  "a container removed while the session was idle: the next command runs in a new one",
  async () => {
    await using rt = await dockerRuntime();
    await rt.bash("echo one");
    await withClient((c) => c.removeContainer(rt.containerId!));
    const r = await rt.bash("echo two");
    assert.deepEqual([r.stdout, r.stderr, r.exitCode], ["two\n", "", 0]);
    assert.match(r.notice ?? "", /The sandbox container was gone .* a new one was started/);
  },
);

dockerTest(
  "a shell killed from outside just before a command: the command runs once, in a fresh shell",
  async () => {
    await using rt = await dockerRuntime();
    const pid = (await rt.bash("echo $$")).stdout.trim();
    await withClient(async (c) => {
      const exec = await c.createExec(rt.containerId!, {
        Cmd: ["sh", "-c", `kill -9 ${pid}`],
        // Attached, so the stream ends when the kill has been done.
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await c.startExec(exec);
      for await (const _ of stream.frames()) { /* until the kill is done */ }
      stream.close();
    });
    const r = await rt.bash("echo ran >> once.txt; echo two");
    assert.deepEqual([r.stdout, r.exitCode], ["two\n", 0]);
    assert.match(r.notice ?? "", /fresh shell/);
    assert.equal((await rt.bash("cat once.txt")).stdout, "ran\n");
  },
);

dockerTest("a command out of memory is killed and the result says so", async () => {
  await using rt = await dockerRuntime({ memoryBytes: 64 * 1024 * 1024 });
  const r = await rt.bash("python3 -c 'x = bytearray(512 * 1024 * 1024); print(len(x))'", {
    timeoutMs: 30_000,
  });
  assert.equal(r.exitCode, 137);
  assert.match(r.stderr, /out of memory.*64 MiB/);
  assert.equal((await rt.bash("echo still here")).stdout, "still here\n");
});

dockerTest("a plain SIGKILL is not reported as out of memory", async () => {
  await using rt = await dockerRuntime();
  const r = await rt.bash("sh -c 'kill -9 $$'");
  assert.equal(r.exitCode, 137);
  assert.doesNotMatch(r.stderr, /out of memory/);
});

dockerTest(
  "a container removed from outside gives a clear error, then a new one with a notice",
  async () => {
    await using rt = await dockerRuntime();
    await rt.bash("echo keep > kept.txt; cd /tmp");
    const oldId = rt.containerId!;
    // The rejection may come while the removal is awaited: attach the assertion at once.
    const running = assert.rejects(rt.bash("sleep 30", { timeoutMs: 20_000 }), SandboxLostError);
    await new Promise((r) => setTimeout(r, 200));
    await withClient((c) => c.removeContainer(oldId));
    await running;
    const next = await rt.bash("pwd; cat kept.txt");
    assert.equal(next.stdout, "/workspace\nkeep\n");
    assert.match(next.notice ?? "", /new one was started/);
    assert.notEqual(rt.containerId, oldId);
    // The new container's timeouts work like the first one's: the shell and its state survive.
    const newId = rt.containerId;
    await rt.bash("cd /tmp");
    assert.equal((await rt.bash("sleep 30", { timeoutMs: 500 })).timedOut, true);
    assert.equal((await rt.bash("pwd")).stdout, "/tmp\n");
    assert.equal(rt.containerId, newId);
  },
);

dockerTest(
  "the engine going away mid-command fails the call within seconds, naming it",
  async () => {
    const proxy = await EngineProxy.start();
    const rt = await dockerRuntime({ getEnv: (name) => proxy.env(name) });
    const id = rt.containerId!;
    try {
      const running = rt.bash("sleep 60", { timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 200));
      const cut = performance.now();
      proxy.close();
      await assert.rejects(running, new RegExp(`Docker engine at unix://${proxy.path}`));
      assert.ok(performance.now() - cut < 5_000);
      await assert.rejects(rt.cleanup(), /Docker engine/);
    } finally {
      proxy.close();
      // The container outlived the cut connection: remove it through the real socket.
      await withClient((c) => c.removeContainer(id));
    }
  },
);

export type { DockerClient, Runtime };
