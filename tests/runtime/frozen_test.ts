// Runtime.frozen: host-side work on the workspace with no process of the sandbox running.
import assert from "node:assert/strict";
import { createRuntime, type DockerRuntime, LazyRuntime } from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";

/** Starts a background loop in the sandbox that appends a line to `ticks` every 20 ms. */
async function ticking(rt: { bash(cmd: string): Promise<unknown> }): Promise<void> {
  await rt.bash("(while true; do echo t >> ticks; sleep 0.02; done) >/dev/null 2>&1 &");
}

async function lines(file: string): Promise<number> {
  return (await Deno.readTextFile(file)).split("\n").length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

dockerTest("frozen() stops every process of the container, background ones too", async () => {
  await using rt = await createRuntime({ docker: true, image: TEST_IMAGE }) as DockerRuntime;
  await ticking(rt);
  await sleep(200);
  const ticks = `${rt.workspace}/ticks`;
  const during = await rt.frozen(async () => {
    const first = await lines(ticks);
    await sleep(300);
    return { first, second: await lines(ticks) };
  });
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
  const ticks = `${rt.workspace}/ticks`;
  const during = await rt.frozen(async () => {
    const first = await lines(ticks);
    await sleep(300);
    return { first, second: await lines(ticks) };
  });
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
