// Runtime.frozen: host-side work on the workspace with no process of the sandbox running.
import assert from "node:assert/strict";
import { sandboxPolicy } from "../../lib/policy/sandbox_policy.ts";
import { createRuntime, type DockerRuntime, LazyRuntime } from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";

/** Starts a background loop in the sandbox that appends a line to `ticks` every 20 ms. */
async function ticking(rt: { bash(cmd: string): Promise<unknown> }): Promise<void> {
  await rt.bash("(while true; do echo t >> ticks; sleep 0.02; done) >/dev/null 2>&1 &");
}

async function lines(file: string): Promise<number> {
  return (await Deno.readTextFile(file)).split("\n").length;
}

/** Lines of `ticks` as a freeze began and `ms` later, inside it. */
function ticksWhileFrozen(
  rt: DockerRuntime,
  ms: number,
): Promise<{ first: number; second: number }> {
  const ticks = `${rt.workspace}/ticks`;
  return rt.frozen(async () => {
    const first = await lines(ticks);
    await sleep(ms);
    return { first, second: await lines(ticks) };
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

dockerTest("frozen() stops every process of the container, background ones too", async () => {
  await using rt = await createRuntime({ docker: true, image: TEST_IMAGE }) as DockerRuntime;
  await ticking(rt);
  await sleep(200);
  const ticks = `${rt.workspace}/ticks`;
  const during = await ticksWhileFrozen(rt, 300);
  assert.equal(during.second, during.first, "nothing was written while frozen");
  await sleep(300);
  assert.ok(await lines(ticks) > during.second, "the loop goes on after");
  assert.equal((await rt.bash("echo back")).stdout, "back\n");
});

dockerTest("frozen() lets the processes go on when its work fails", async () => {
  await using rt = await createRuntime({ docker: true, image: TEST_IMAGE }) as DockerRuntime;
  await ticking(rt);
  await assert.rejects(rt.frozen(() => Promise.reject(new Error("git failed"))), /git failed/);
  const ticks = `${rt.workspace}/ticks`;
  const before = await lines(ticks);
  await sleep(300);
  assert.ok(await lines(ticks) > before, "the loop goes on");
  assert.equal((await rt.bash("echo back")).stdout, "back\n");
});

dockerTest("frozen() stops a loop that forks all the time, its newest children too", async () => {
  await using rt = await createRuntime({ docker: true, image: TEST_IMAGE }) as DockerRuntime;
  await rt.bash("(while true; do (echo t >> ticks); done) >/dev/null 2>&1 &");
  await sleep(200);
  const during = await ticksWhileFrozen(rt, 300);
  assert.equal(during.second, during.first);
});

Deno.test("frozen() on a lazy runtime that has not started just runs the work", async () => {
  const rt = new LazyRuntime({ docker: false });
  try {
    assert.equal(await rt.frozen(() => Promise.resolve(42)), 42);
    assert.equal(rt.started, false);
  } finally {
    await rt.cleanup();
  }
});

dockerTest("frozen() holds against processes that keep continuing the others", async () => {
  await using rt = await createRuntime({ docker: true, image: TEST_IMAGE }) as DockerRuntime;
  await ticking(rt);
  await rt.bash(
    "for i in 1 2 3; do (while true; do kill -CONT -1 2>/dev/null; done) >/dev/null 2>&1 & done",
  );
  await sleep(200);
  for (let round = 0; round < 3; round++) {
    const during = await ticksWhileFrozen(rt, 200).catch((error: Error) => error);
    // Stopped, or refused without running the work: never run beside the sandbox.
    if (during instanceof Error) assert.match(during.message, /Could not stop the sandbox's/);
    else assert.equal(during.second, during.first, `round ${round}`);
  }
});

/**
 * A process of the sandbox that ptraces the controller shell and makes each of its kill(2)
 * calls a no-op that "succeeds" (x86_64 system call numbers and registers).
 */
const SWALLOW_KILLS = `
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
class Regs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_ulonglong) for n in ("r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx "
        "rdx rsi rdi orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs").split()]
def controller():
    for p in os.listdir("/proc"):
        try:
            ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
            if ppid == 0 and open(f"/proc/{p}/cmdline").read() == "/bin/sh\\0": return int(p)
        except (OSError, ValueError): pass
pid = None
while not pid:
    pid = controller(); time.sleep(0.05)
assert libc.ptrace(0x4206, pid, None, ctypes.c_void_p(1)) == 0
libc.ptrace(0x4207, pid, None, None); os.waitpid(pid, 0)
open("/tmp/tracing", "w").write(str(pid))
libc.ptrace(24, pid, None, None)
entering, skipped = True, False
while True:
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status): break
    sig = os.WSTOPSIG(status)
    if sig == 0x85:
        r = Regs(); libc.ptrace(12, pid, None, ctypes.byref(r))
        if entering and r.orig_rax == 62:
            r.orig_rax = ctypes.c_ulonglong(-1).value; skipped = True
            libc.ptrace(13, pid, None, ctypes.byref(r))
        elif not entering and skipped:
            r.rax = 0; skipped = False; libc.ptrace(13, pid, None, ctypes.byref(r))
        entering = not entering
        libc.ptrace(24, pid, None, None)
    else:
        libc.ptrace(24, pid, None, ctypes.c_void_p(0 if sig in (5, 19, 20, 21, 22) else sig))
`;

dockerTest(
  "frozen() refuses when a process of the sandbox swallows the controller's signals",
  async () => {
    if (Deno.build.arch !== "x86_64") {
      console.warn("skipped: the tracer is written for x86_64 system calls");
      return;
    }
    await using rt = await createRuntime({ docker: true, image: TEST_IMAGE }) as DockerRuntime;
    await ticking(rt);
    // The controller starts with the first freeze; the tracer waits for it, then holds it.
    await rt.frozen(() => Promise.resolve());
    await rt.writeFile("tracer.py", SWALLOW_KILLS);
    await rt.bash(
      "(python3 tracer.py >/dev/null 2>&1 &); for i in $(seq 50); do [ -e /tmp/tracing ] && break; sleep 0.1; done; cat /tmp/tracing",
    );
    let ran = false;
    await assert.rejects(
      rt.frozen(() => {
        ran = true;
        return Promise.resolve();
      }),
      /Could not stop the sandbox's processes/,
    );
    assert.equal(ran, false, "the work did not run beside the sandbox");
  },
);

/** Tries to ptrace and to signal each of root's processes in the container: a row for each. */
const PROBE = `import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
for p in sorted(int(d) for d in os.listdir("/proc") if d.isdigit()):
    if os.stat(f"/proc/{p}").st_uid != 0: continue
    traced = libc.ptrace(0x4206, p, None, None) == 0
    try:
        os.kill(p, 0); signalled = True
    except PermissionError:
        signalled = False
    print(p, "ptrace" if traced else "-", "signal" if signalled else "-")
`;

dockerTest(
  "the sandbox's commands can neither ptrace nor signal init, the keep-alive or the controller",
  async () => {
    // A user of its own, as for anyone who is not root (the tests may run as root).
    await using rt = await createRuntime({
      docker: true,
      image: TEST_IMAGE,
      sandbox: sandboxPolicy({
        network: false,
        user: "host",
        hostUser: { uid: 4321, gid: 4321 },
        memoryBytes: 512 * 1024 * 1024,
        pidsLimit: 256,
        cpus: undefined,
        env: {},
      }),
    }) as DockerRuntime;
    await rt.frozen(() => Promise.resolve()); // the controller starts
    // In /tmp: the workspace is the test process's, which this user cannot write.
    await rt.bash(`cat > /tmp/probe.py <<'PROBE'\n${PROBE}PROBE`);
    const probe = await rt.bash("id -u; python3 /tmp/probe.py");
    const [uid, ...rows] = probe.stdout.trim().split("\n");
    assert.equal(uid, "4321", probe.stderr);
    assert.ok(rows.length >= 3, `init, the keep-alive and the controller: ${probe.stdout}`);
    for (const row of rows) assert.match(row, /^\d+ - -$/, `root's process ${row}`);
  },
);
