import assert from "node:assert/strict";
import { checkEngine } from "../../lib/doctor/engine_check.ts";
import { checkPermission } from "../../lib/doctor/permission_check.ts";

const nowhere = (name: string) =>
  name === "DOCKER_HOST" ? "unix:///nonexistent/pygent/docker.sock" : undefined;

Deno.test("checkPermission() does not fail when there is no socket to open", async () => {
  const engine = await checkEngine({ getEnv: nowhere, sandbox: "auto", timeoutMs: 1_000 });
  const outcome = await checkPermission({ engine, answered: undefined });
  assert.equal(outcome.status, "warn");
  assert.match(outcome.summary, /not checked: no Docker socket found/);
});
