// Nothing waits forever on a hung engine: a socket that accepts and never answers fails the
// call with the endpoint's name, and a cancel returns at once (issue 11, item 4).
import assert from "node:assert/strict";
import { DockerConnectionError, REQUEST_TIMEOUT_MS } from "../../lib/docker/mod.ts";
import {
  createRuntime,
  type Runtime,
  SandboxUnavailableError,
  WORKSPACE_LABEL,
} from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";
import { EngineProxy, type ExecStartMode } from "../support/engine_proxy.ts";

/** The runtime's error for an engine that stopped answering, with the client's own as cause. */
function lostEngine(error: unknown): boolean {
  return error instanceof SandboxUnavailableError && error.cause instanceof DockerConnectionError;
}

const HANGS: [ExecStartMode, string][] = [
  ["silent", "the exec's start gets no answer"],
  ["half-head", "the upgrade's answer stops half-way"],
  ["mute-after-head", "the new shell never prints its first line"],
];

/**
 * A session through the proxy whose shell has just died, so that the next command needs a
 * new exec: the proxy then answers that exec's start as `mode` says.
 */
async function sessionNeedingNewShell(
  proxy: EngineProxy,
  mode: ExecStartMode,
  engineTimeoutMs?: number,
): Promise<Runtime> {
  const rt = await createRuntime({
    docker: true,
    image: TEST_IMAGE,
    getEnv: (name) => proxy.env(name),
    ...(engineTimeoutMs ? { engineTimeoutMs } : {}),
  });
  await rt.bash("(sleep 0.2; kill -9 $$) >/dev/null 2>&1 &");
  await new Promise((r) => setTimeout(r, 600));
  proxy.execStart = mode;
  return rt;
}

async function cleanUp(proxy: EngineProxy, rt: Runtime) {
  proxy.execStart = "forward";
  proxy.frozen = false;
  await rt.cleanup();
  proxy.close();
}

/** Runs a command, cancels it 300 ms in, and checks that the call gives up within 1 s. */
async function assertCancelledWithinASecond(rt: Runtime) {
  const cancel = new AbortController();
  const running = rt.bash("echo never", { signal: cancel.signal });
  await new Promise((r) => setTimeout(r, 300));
  const cancelled = performance.now();
  cancel.abort(new Error("cancelled by the test"));
  await assert.rejects(running, /cancelled by the test/);
  assert.ok(performance.now() - cancelled < 1_000, `took ${performance.now() - cancelled} ms`);
}

for (const [mode, what] of HANGS) {
  dockerTest(`a hung engine fails the command within the engine timeout when ${what}`, async () => {
    const proxy = await EngineProxy.start();
    const rt = await sessionNeedingNewShell(proxy, mode, 1_000);
    try {
      const started = performance.now();
      const error = await rt.bash("echo never").then(() => undefined, (e) => e);
      assert.ok(lostEngine(error), `got ${error}`);
      assert.match(error.message, new RegExp(`unix://${proxy.path}`));
      assert.ok(performance.now() - started < 4_000, `took ${performance.now() - started} ms`);
    } finally {
      await cleanUp(proxy, rt);
    }
  });

  dockerTest(`a cancel returns within 1 s when ${what}`, async () => {
    const proxy = await EngineProxy.start();
    const rt = await sessionNeedingNewShell(proxy, mode);
    try {
      await assertCancelledWithinASecond(rt);
    } finally {
      await cleanUp(proxy, rt);
    }
  });
}

dockerTest(
  "by default a hung engine fails an exec's start after 15 s, naming the endpoint",
  async () => {
    assert.equal(REQUEST_TIMEOUT_MS, 15_000);
    const proxy = await EngineProxy.start();
    const rt = await sessionNeedingNewShell(proxy, "silent");
    try {
      const started = performance.now();
      const error = await rt.bash("echo never").then(() => undefined, (e) => e);
      const took = performance.now() - started;
      assert.ok(lostEngine(error), `got ${error}`);
      assert.match(error.message, new RegExp(`unix://${proxy.path}.*within 15000 ms`));
      assert.ok(took >= 14_000 && took < 17_000, `took ${took} ms`);
    } finally {
      await cleanUp(proxy, rt);
    }
  },
);

dockerTest("after a hung start the session goes on once the engine answers again", async () => {
  const proxy = await EngineProxy.start();
  const rt = await sessionNeedingNewShell(proxy, "silent", 1_000);
  try {
    await assert.rejects(rt.bash("echo never"), lostEngine);
    proxy.execStart = "forward";
    const r = await rt.bash("echo back");
    assert.equal(r.stdout, "back\n");
  } finally {
    await cleanUp(proxy, rt);
  }
});

dockerTest(
  "a cancel returns within 1 s when the engine hangs as a dead shell is looked up",
  async () => {
    const proxy = await EngineProxy.start();
    const rt = await sessionNeedingNewShell(proxy, "forward");
    try {
      proxy.frozen = true;
      await assertCancelledWithinASecond(rt);
    } finally {
      await cleanUp(proxy, rt);
    }
  },
);

dockerTest("a container made by an engine too slow to answer its create is removed", async () => {
  const proxy = await EngineProxy.start();
  const workspace = await Deno.makeTempDir({ prefix: "pygent-slow-create-" });
  try {
    proxy.loseCreateAnswers = true;
    await assert.rejects(
      createRuntime({
        docker: true,
        image: TEST_IMAGE,
        workspace,
        engineTimeoutMs: 1_000,
        getEnv: (name) => proxy.env(name),
      }),
      lostEngine,
    );
    // The engine did make it; Pygent removed it by its name.
    const left = await withClient((c) =>
      c.listContainers({ label: [`${WORKSPACE_LABEL}=${workspace}`] })
    );
    assert.deepEqual(left.map((c) => c.Names), []);
  } finally {
    proxy.close();
    await withClient(async (c) => {
      for (const { Id } of await c.listContainers({ label: [`${WORKSPACE_LABEL}=${workspace}`] })) {
        await c.removeContainer(Id);
      }
    });
    await Deno.remove(workspace, { recursive: true });
  }
});
