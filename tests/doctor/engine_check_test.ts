import assert from "node:assert/strict";
import { checkEngine } from "../../lib/doctor/engine_check.ts";
import { checkPermission } from "../../lib/doctor/permission_check.ts";
import { dockerTest } from "../support/docker.ts";

const nowhere = (name: string) =>
  name === "DOCKER_HOST" ? "unix:///nonexistent/pygent/docker.sock" : undefined;

Deno.test("checkEngine() fails with no engine, saying auto mode would run on the host", async () => {
  const probe = await checkEngine({ getEnv: nowhere, sandbox: "auto", timeoutMs: 1_000 });
  assert.equal(probe.client, undefined);
  assert.equal(probe.outcome.status, "fail");
  assert.match(
    probe.outcome.summary,
    /unix:\/\/\/nonexistent\/pygent\/docker.sock: no socket there/,
  );
  assert.match(probe.outcome.summary, /commands would run on the host/);
  assert.match(probe.outcome.remediation ?? "", /Start Docker/);
});

Deno.test("checkEngine() only warns with no engine when the sandbox is the host", async () => {
  const probe = await checkEngine({ getEnv: nowhere, sandbox: "host", timeoutMs: 1_000 });
  assert.equal(probe.outcome.status, "warn");
});

Deno.test("checkEngine() fails on a DOCKER_HOST it cannot use, with the variable's own message", async () => {
  const env = (name: string) => name === "DOCKER_HOST" ? "ssh://somewhere" : undefined;
  const probe = await checkEngine({ getEnv: env, sandbox: "docker", timeoutMs: 1_000 });
  assert.equal(probe.outcome.status, "fail");
  assert.match(probe.outcome.summary, /DOCKER_HOST=ssh:\/\/somewhere is not supported/);
  assert.match(probe.outcome.summary, /a session cannot start/);
});

dockerTest("checkEngine() names the engine that answered, its version and API", async () => {
  const probe = await checkEngine({
    getEnv: (name) => Deno.env.get(name),
    sandbox: "auto",
    timeoutMs: 2_000,
  });
  try {
    assert.equal(probe.outcome.status, "ok");
    assert.match(probe.outcome.summary, /^Docker \S+ \(API \d+\.\d+.*\) at (unix|tcp):\/\//);
    const permission = await checkPermission({ engine: probe, answered: probe.client?.endpoint });
    assert.equal(permission.status, "ok");
  } finally {
    probe.client?.close();
  }
});
