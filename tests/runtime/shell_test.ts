// The long-lived shell's behaviour, the same on Docker and on the host (issue #7).
import assert from "node:assert/strict";
import { createRuntime, type Runtime } from "../../lib/runtime/mod.ts";
import { dockerTest, hostTest, TEST_IMAGE } from "../support/docker.ts";

/** `docker-copy`: Docker in copy mode, the workspace copied in rather than mounted. */
type Kind = "docker" | "docker-copy" | "local";

function shellTest(name: string, fn: (rt: Runtime, kind: Kind) => Promise<void>): void {
  for (const kind of ["docker", "docker-copy", "local"] as const) {
    const body = async () => {
      const rt = await createRuntime({
        docker: kind !== "local",
        image: TEST_IMAGE,
        sync: kind === "docker-copy" ? "copy" : "bind",
      });
      try {
        await fn(rt, kind);
      } finally {
        await rt.cleanup();
      }
    };
    const title = `${kind}: ${name}`;
    if (kind !== "local") dockerTest(title, body);
    else hostTest(title, body);
  }
}

shellTest("the working directory persists between calls", async (rt) => {
  await rt.bash("mkdir -p sub/dir && cd sub/dir");
  const r = await rt.bash("pwd");
  assert.equal(r.stdout, `${rt.kind === "docker" ? "/workspace" : rt.workspace}/sub/dir\n`);
});

shellTest("a new session starts in the workspace", async (rt) => {
  const r = await rt.bash("pwd");
  assert.equal(r.stdout.trim(), rt.kind === "docker" ? "/workspace" : rt.workspace);
});

shellTest("variables, exported or not, persist between calls", async (rt) => {
  await rt.bash("PLAIN=one; export EXPORTED=two");
  const r = await rt.bash('echo "$PLAIN $EXPORTED"; sh -c \'echo "child:$EXPORTED"\'');
  assert.equal(r.stdout, "one two\nchild:two\n");
});

shellTest("functions and aliases persist between calls", async (rt) => {
  await rt.bash("greet() { echo \"hello $1\"; }; alias hi='echo aliased'");
  const r = await rt.bash("greet world; hi");
  assert.equal(r.stdout, "hello world\naliased\n");
});

shellTest("output without a trailing newline comes back exactly", async (rt) => {
  const r = await rt.bash("printf 'no newline'");
  assert.equal(r.stdout, "no newline");
  assert.equal(r.stderr, "");
});

shellTest("NUL bytes and invalid UTF-8 pass through without breaking the call", async (rt) => {
  const r = await rt.bash("printf 'a\\000b\\377c'");
  assert.equal(r.stdout, "a\0b\uFFFDc");
  assert.equal(r.exitCode, 0);
});

shellTest("stdout and stderr stay apart", async (rt) => {
  const r = await rt.bash("echo out; echo err >&2; echo out2");
  assert.equal(r.stdout, "out\nout2\n");
  assert.equal(r.stderr, "err\n");
});

shellTest("the command's own exit code is returned", async (rt) => {
  assert.equal((await rt.bash("(exit 3)")).exitCode, 3);
  assert.equal((await rt.bash("false")).exitCode, 1);
  assert.equal((await rt.bash("true")).exitCode, 0);
});

shellTest("output that prints a fake end marker cannot end the call early", async (rt) => {
  const r = await rt.bash(
    "echo '__pygent_run'; printf '%s:0\\n' deadbeefdeadbeefdeadbeefdeadbeef; echo after",
  );
  assert.equal(r.stdout, "__pygent_run\ndeadbeefdeadbeefdeadbeefdeadbeef:0\nafter\n");
});

shellTest("each command gets an empty stdin", async (rt) => {
  const r = await rt.bash('cat; read line; echo "read:$? [$line]"');
  assert.equal(r.stdout, "read:1 []\n");
});

shellTest("a timeout kills the command tree but spares the shell and its state", async (rt) => {
  // The pid file lives in the workspace, which goes with the runtime.
  const pidFile = `${rt.kind === "docker" ? "/workspace" : rt.workspace}/bg-pid`;
  await rt.bash("cd /");
  const r = await rt.bash(
    `sh -c 'sleep 300 & echo $! > ${pidFile}; wait' & sleep 300; echo not-reached`,
    { timeoutMs: 500 },
  );
  assert.equal(r.timedOut, true);
  assert.doesNotMatch(r.stdout, /not-reached/);
  assert.doesNotMatch(r.stderr, /Killed/);
  const pwd = await rt.bash("pwd");
  assert.equal(pwd.stdout, "/\n");
  // A zombie waiting for its parent to reap it counts as gone.
  const alive = await rt.bash(
    `s=$(cut -d' ' -f3 /proc/$(cat ${pidFile})/stat 2>/dev/null); ` +
      '[ -n "$s" ] && [ "$s" != Z ] && echo alive || echo gone',
  );
  assert.equal(alive.stdout, "gone\n");
});

shellTest("a timeout stops a loop that never leaves the shell", async (rt) => {
  await rt.bash("cd /tmp");
  const r = await rt.bash("while :; do :; done", { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.equal((await rt.bash("pwd")).stdout, "/tmp\n");
});

shellTest(
  "`exit` returns its code and the next call runs in a fresh shell with a notice",
  async (rt) => {
    await rt.bash("cd /tmp; FOO=bar");
    const ended = await rt.bash("exit 7");
    assert.equal(ended.exitCode, 7);
    assert.match(ended.notice ?? "", /fresh shell/);
    const next = await rt.bash('pwd; echo "[$FOO]"');
    assert.equal(next.stdout, `${rt.kind === "docker" ? "/workspace" : rt.workspace}\n[]\n`);
    assert.match(next.notice ?? "", /fresh shell/);
  },
);

shellTest("`kill -9 $$` returns promptly and the shell comes back", async (rt) => {
  const killed = await rt.bash("kill -9 $$", { timeoutMs: 10_000 });
  assert.equal(killed.exitCode, 137);
  assert.equal(killed.timedOut, false);
  assert.equal((await rt.bash("echo back")).stdout, "back\n");
});

shellTest("`exec` into another program ends the call when it exits", async (rt) => {
  const r = await rt.bash("exec sh -c 'echo replaced; exit 4'");
  assert.equal(r.stdout, "replaced\n");
  assert.equal(r.exitCode, 4);
  assert.equal((await rt.bash("echo ok")).stdout, "ok\n");
});

shellTest("a background job does not hold the call open", async (rt) => {
  const started = performance.now();
  const r = await rt.bash("sleep 60 & echo started", { timeoutMs: 20_000 });
  assert.equal(r.stdout, "started\n");
  assert.equal(r.timedOut, false);
  assert.ok(performance.now() - started < 10_000);
  await rt.bash("kill %1 2>/dev/null; true");
});

shellTest("concurrent calls never mix their output", async (rt) => {
  const calls = Array.from(
    { length: 8 },
    (_, i) => rt.bash(`for n in 1 2 3; do echo ${i}-$n; sleep 0.01; done; echo e${i} >&2`),
  );
  const results = await Promise.all(calls);
  results.forEach((r, i) => {
    assert.equal(r.stdout, `${i}-1\n${i}-2\n${i}-3\n`);
    assert.equal(r.stderr, `e${i}\n`);
  });
});

shellTest("reset starts a fresh shell in the workspace", async (rt) => {
  await rt.bash("cd /tmp; X=1");
  await rt.reset();
  const r = await rt.bash('pwd; echo "[$X]"');
  assert.equal(r.stdout, `${rt.kind === "docker" ? "/workspace" : rt.workspace}\n[]\n`);
});

shellTest("a flood of output keeps a bounded head and tail with a marker", async (rt) => {
  const r = await rt.bash("head -c 30000000 /dev/zero | tr '\\0' x; echo; echo END", {
    timeoutMs: 60_000,
  });
  assert.equal(r.exitCode, 0);
  assert.ok(r.stdout.length < 1024 * 1024 + 200, `kept ${r.stdout.length} chars`);
  assert.match(r.stdout, /^x+\n\[\.\.\. \d+ bytes omitted \.\.\.\]\nx+\nEND\n$/);
  const omitted = Number(/(\d+) bytes omitted/.exec(r.stdout)![1]);
  assert.equal(
    omitted + r.stdout.replace(/\n\[\.\.\. \d+ bytes omitted \.\.\.\]\n/, "").length,
    30_000_005,
  );
});

shellTest("a timeout spares background jobs that earlier commands left running", async (rt) => {
  const tag = `${Math.floor(Math.random() * 1e6)}.5`;
  // The jobs start right before the command that times out: nothing tells them apart by time.
  await rt.bash(`(sleep 1${tag} &); nohup sleep 2${tag} >/dev/null 2>&1 &`);
  const pids = `for f in /proc/[0-9]*/cmdline; do case "$(tr '\\0' ' ' < $f 2>/dev/null)" in ` +
    `"sleep 1${tag} "|"sleep 2${tag} ") p=\${f#/proc/}; echo \${p%/cmdline};; esac; done`;
  try {
    const timedOut = await rt.bash("sleep 30", { timeoutMs: 500 });
    assert.equal(timedOut.timedOut, true);
    assert.equal((await rt.bash(pids)).stdout.trim().split("\n").length, 2);
  } finally {
    await rt.bash(`kill $(${pids}) 2>/dev/null; true`);
  }
});

shellTest("arrays, associative arrays and `declare` persist between calls", async (rt) => {
  await rt.bash("declare -a arr=(a b c); declare -A m; m[k]=v; n=5");
  const r = await rt.bash('echo "${#arr[@]} ${arr[1]} ${m[k]} $((n+1))"');
  assert.equal(r.stdout, "3 b v 6\n");
});

shellTest("the user's own USR1 trap runs and the command goes on", async (rt) => {
  await rt.bash("trap 'echo got' USR1");
  const r = await rt.bash("kill -USR1 $$; echo after");
  assert.deepEqual([r.stdout, r.exitCode, r.timedOut], ["got\nafter\n", 0, false]);
});

shellTest(
  "the user's traps, ERR included, are set, listed and removed as in a terminal",
  async (rt) => {
    await rt.bash("trap 'echo failed' ERR; trap 'echo bye' USR2");
    const r = await rt.bash("false; trap -p ERR USR2");
    assert.equal(r.stdout, "failed\ntrap -- 'echo failed' ERR\ntrap -- 'echo bye' SIGUSR2\n");
    const removed = await rt.bash("trap - ERR; false; trap -p ERR");
    assert.equal(removed.stdout, "");
  },
);

shellTest("a timeout still stops a loop after the user trapped USR1", async (rt) => {
  await rt.bash("trap 'echo got' USR1; cd /tmp");
  const r = await rt.bash("while :; do :; done", { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.equal((await rt.bash("pwd; kill -USR1 $$")).stdout, "/tmp\ngot\n");
});

shellTest("a script's own report of a killed job is kept", async (rt) => {
  await rt.writeFile("build.sh", "echo building\nsh -c 'kill -9 $$'\necho built\n");
  const r = await rt.bash("bash build.sh");
  assert.equal(r.stdout, "building\nbuilt\n");
  assert.match(r.stderr, /^build\.sh: line 2: +\d+ Killed +sh -c 'kill -9 \$\$'$/m);
});

shellTest("the shell's own report of a command killed by SIGKILL is left out", async (rt) => {
  const r = await rt.bash("sh -c 'kill -9 $$'");
  assert.equal(r.exitCode, 137);
  assert.doesNotMatch(r.stderr, /Killed/);
});

shellTest(
  "a shell that died between calls: the next command runs in a fresh shell and gives its output",
  async (rt) => {
    await rt.bash("(sleep 0.3; kill -9 $$) >/dev/null 2>&1 &");
    await new Promise((r) => setTimeout(r, 800));
    const r = await rt.bash("echo two");
    assert.deepEqual([r.stdout, r.stderr, r.exitCode], ["two\n", "", 0]);
    assert.match(r.notice ?? "", /fresh shell/);
  },
);

shellTest("`set -e` and a background job do not hold the call", async (rt) => {
  await rt.bash("set -e");
  const r = await rt.bash("sleep 30 & echo bg", { timeoutMs: 10_000 });
  assert.deepEqual([r.stdout, r.exitCode, r.timedOut], ["bg\n", 0, false]);
  assert.equal(r.notice, undefined);
  await rt.bash("kill %1");
});

shellTest(
  "`set -u`, `set -f` and a changed IFS leave `trap` and the next calls working",
  async (rt) => {
    await rt.bash("set -euf; IFS=:");
    const r = await rt.bash("trap 'echo bye' USR2; trap -p USR2; echo $-");
    assert.match(r.stdout, /^trap -- 'echo bye' SIGUSR2\n.*e.*\n$/);
    assert.equal(r.notice, undefined);
    assert.equal((await rt.bash("echo still")).stdout, "still\n");
  },
);

shellTest(
  "a timeout inside a function stops the whole command: nothing after it runs",
  async (rt) => {
    const r = await rt.bash("f() { sleep 20; }; f; echo AFTER > ran", { timeoutMs: 500 });
    assert.equal(r.timedOut, true);
    await assert.rejects(rt.readFile("ran"), /No such file/);
    assert.equal((await rt.bash("echo next")).stdout, "next\n");
  },
);

shellTest("the shell's own report of a command stopped on a later line is left out", async (rt) => {
  const r = await rt.bash("echo one\necho two\nsleep 20", { timeoutMs: 500 });
  assert.equal(r.timedOut, true);
  assert.equal(r.stdout, "one\ntwo\n");
  assert.doesNotMatch(r.stderr, /Killed/);
});

shellTest("`exec 2>&1` sends stderr to stdout and the call still ends", async (rt) => {
  const r = await rt.bash("exec 2>&1; echo err >&2; echo out", { timeoutMs: 10_000 });
  assert.deepEqual([r.stdout, r.stderr, r.timedOut], ["err\nout\n", "", false]);
  assert.equal((await rt.bash("echo again >&2")).stdout, "again\n");
});

shellTest(
  "functions named like builtins the protocol uses cost that call, not the session",
  async (rt) => {
    // Without its builtins the shell cannot say the call ended: it times out, and a fresh shell
    // takes over (the default timeout would make the test wait 30 s for the same outcome).
    await rt.bash("printf() { :; }; command() { :; }", { timeoutMs: 2_000 });
    const r = await rt.bash("echo fine", { timeoutMs: 10_000 });
    assert.deepEqual([r.stdout, r.timedOut], ["fine\n", false]);
  },
);

shellTest(
  "a background job with its output redirected does not hold up a shell that exits",
  async (rt) => {
    await rt.bash("sleep 60 >/dev/null 2>&1 &");
    const started = performance.now();
    const r = await rt.bash("exit 7", { timeoutMs: 10_000 });
    assert.deepEqual([r.exitCode, r.timedOut], [7, false]);
    assert.ok(performance.now() - started < 2_000, `took ${performance.now() - started} ms`);
  },
);

shellTest("a timeout inside a file the command sourced stops the whole command", async (rt) => {
  await rt.writeFile("inner.sh", "sleep 20\n");
  const r = await rt.bash(". ./inner.sh; echo OUTER > outer.txt", { timeoutMs: 500 });
  assert.equal(r.timedOut, true);
  await assert.rejects(rt.readFile("outer.txt"), /No such file/);
});

shellTest("`set -x` traces the user's commands, and hardly any of Pygent's", async (rt) => {
  await rt.bash("set -x");
  const r = await rt.bash("echo hi");
  assert.equal(r.stdout, "hi\n");
  assert.match(r.stderr, /^\++ echo hi$/m);
  assert.doesNotMatch(r.stderr, /__pygent_(a|z|guard|last)|local -/);
});
