// Choosing where commands run (issue #2).
import assert from "node:assert/strict";
import { DockerApiError, DockerUnavailableError } from "../../lib/docker/mod.ts";
import { sandboxPolicy } from "../../lib/policy/sandbox_policy.ts";
import {
  ConfigError,
  createRuntime,
  DEFAULT_IMAGE,
  DEFAULT_MEMORY_BYTES,
  LazyRuntime,
  type RuntimeEvent,
  SandboxUnavailableError,
} from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";

const missingSocket = "unix:///nonexistent/pygent-test.sock";

function envWith(vars: Record<string, string>) {
  return (name: string) => name in vars ? vars[name] : Deno.env.get(name);
}

Deno.test("auto falls back to the host with a notice when no engine answers", async () => {
  const events: RuntimeEvent[] = [];
  const rt = await createRuntime({
    getEnv: envWith({ DOCKER_HOST: missingSocket }),
    onEvent: (e) => events.push(e),
  });
  try {
    assert.equal(rt.kind, "local");
    assert.equal((await rt.bash("echo on-host")).stdout, "on-host\n");
    const notice = events.find((e) => e.type === "notice");
    assert.ok(notice && notice.type === "notice");
    assert.match(notice.message, /nonexistent\/pygent-test\.sock/);
    assert.match(notice.message, /NOT isolated/);
  } finally {
    await rt.cleanup();
  }
});

Deno.test("forced Docker with no engine fails, naming what it tried and how to fix it", async () => {
  const marker = await Deno.makeTempDir();
  try {
    await assert.rejects(
      createRuntime({ docker: true, getEnv: envWith({ DOCKER_HOST: missingSocket }) }),
      (error: Error) => {
        assert.ok(error instanceof SandboxUnavailableError);
        assert.ok(error.cause instanceof DockerUnavailableError);
        assert.match(error.message, /nonexistent\/pygent-test\.sock: no socket there/);
        assert.match(error.message, /DOCKER_HOST/);
        assert.match(error.message, /--no-docker/);
        return true;
      },
    );
  } finally {
    await Deno.remove(marker, { recursive: true });
  }
});

Deno.test("docker: true never falls back", async () => {
  await assert.rejects(
    createRuntime({ docker: true, getEnv: envWith({ DOCKER_HOST: missingSocket }) }),
    SandboxUnavailableError,
  );
});

Deno.test("docker: false runs on the host without asking the engine", async () => {
  const events: RuntimeEvent[] = [];
  const rt = await createRuntime({
    docker: false,
    getEnv: envWith({ DOCKER_HOST: missingSocket }),
    onEvent: (e) => events.push(e),
  });
  await rt.cleanup();
  assert.equal(rt.kind, "local");
  assert.deepEqual(events, []);
});

dockerTest("the runtime reads no PYGENT_* variable: the command line's loader does", async () => {
  const rt = new LazyRuntime({ getEnv: envWith({ PYGENT_USE_DOCKER: "0", PYGENT_IMAGE: "x:y" }) });
  try {
    const sandbox = await rt.describe();
    assert.equal(sandbox.kind, "docker");
    assert.equal(sandbox.kind === "docker" && sandbox.image, DEFAULT_IMAGE);
  } finally {
    await rt.cleanup();
  }
});

Deno.test("a sandbox policy and single sandbox options together are refused", async () => {
  await assert.rejects(
    createRuntime({
      docker: false,
      network: true,
      sandbox: sandboxPolicy({
        network: false,
        user: "host",
        memoryBytes: DEFAULT_MEMORY_BYTES,
        pidsLimit: 64,
        cpus: undefined,
        env: {},
      }),
    }),
    (error: Error) => error instanceof ConfigError && /not both \(network\)/.test(error.message),
  );
});

Deno.test("a DOCKER_HOST Deno cannot open is explained when Docker is forced", async () => {
  await assert.rejects(
    createRuntime({
      docker: true,
      getEnv: envWith({ DOCKER_HOST: "npipe:////./pipe/docker_engine" }),
    }),
    /tcp:\/\/localhost:2375/,
  );
});

Deno.test("a workspace that does not exist is refused with its path", async () => {
  await assert.rejects(
    createRuntime({ docker: false, workspace: "/nonexistent/pygent-ws" }),
    /Workspace \/nonexistent\/pygent-ws cannot be used/,
  );
});

dockerTest(
  "an image that cannot be pulled is an error with the engine's reason, not a fallback",
  async () => {
    const events: RuntimeEvent[] = [];
    await assert.rejects(
      createRuntime({ image: "localhost:1/pygent/missing:never", onEvent: (e) => events.push(e) }),
      (error: Error) => {
        assert.ok(error instanceof SandboxUnavailableError);
        assert.ok(error.cause instanceof DockerApiError);
        assert.match(error.message, /localhost:1/);
        return true;
      },
    );
    assert.ok(events.some((e) => e.type === "notice" && /Pulling image/.test(e.message)));
  },
);

dockerTest("the image option chooses the image", async () => {
  const rt = await createRuntime({ docker: true, image: TEST_IMAGE });
  try {
    assert.equal(rt.sandbox.kind === "docker" && rt.sandbox.image, TEST_IMAGE);
  } finally {
    await rt.cleanup();
  }
});

Deno.test("a lazy runtime starts nothing until used, and cleanup before use is a no-op", async () => {
  const rt = new LazyRuntime({ docker: false });
  assert.equal(rt.started, false);
  assert.throws(() => rt.kind, /not started/);
  await rt.cleanup();
});

Deno.test("a lazy runtime describes its sandbox before it starts", async () => {
  const rt = new LazyRuntime({ docker: false, os: "windows" });
  assert.deepEqual(await rt.describe(), { kind: "local", os: "windows", shell: "cmd.exe" });
  assert.equal(rt.started, false);
  await rt.cleanup();
});

Deno.test("a DOCKER_HOST that cannot be used is an error even in auto mode, not a fallback", async () => {
  await assert.rejects(
    createRuntime({ getEnv: envWith({ DOCKER_HOST: "ssh://me@buildbox" }) }),
    /DOCKER_HOST=ssh:\/\/me@buildbox is not supported/,
  );
});

dockerTest("a lazy runtime that failed to start tries again on the next call", async () => {
  let host = missingSocket;
  const rt = new LazyRuntime({
    docker: true,
    image: TEST_IMAGE,
    getEnv: (name) => name === "DOCKER_HOST" ? host : Deno.env.get(name),
  });
  try {
    await assert.rejects(rt.bash("true"), SandboxUnavailableError);
    host = "unix:///var/run/docker.sock";
    assert.equal((await rt.bash("echo up")).stdout, "up\n");
  } finally {
    await rt.cleanup();
  }
});

Deno.test("an endpoint given as an option is the one tried, whatever DOCKER_HOST says", async () => {
  await assert.rejects(
    createRuntime({
      docker: true,
      endpoint: { transport: "unix", path: "/nonexistent/pygent-endpoint.sock" },
      getEnv: envWith({ DOCKER_HOST: "unix:///var/run/docker.sock" }),
    }),
    (error: Error) => {
      assert.ok(error instanceof SandboxUnavailableError);
      assert.match(error.message, /pygent-endpoint\.sock/);
      assert.doesNotMatch(error.message, /var\/run\/docker\.sock/);
      return true;
    },
  );
});
