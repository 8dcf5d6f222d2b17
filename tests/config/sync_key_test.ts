// The `sync` key (issue 15, §1): how the workspace reaches the container.
import assert from "node:assert/strict";
import { agentOptions } from "../../lib/cli/agent_options.ts";
import { parseArgs } from "../../lib/cli/args.ts";
import { load, tree } from "./_helpers.ts";

Deno.test("sync is auto unless something sets it, and auto leaves the choice to the runtime", async () => {
  await using t = await tree();
  const { settings } = await load(t);
  assert.deepEqual(settings.sync, { value: "auto", source: "default" });
  const options = agentOptions(settings, {
    workspace: undefined,
    getEnv: () => undefined,
    onEvent: () => {},
  });
  assert.equal(options.runtimeOptions?.sync, undefined);
});

Deno.test("--sync and PYGENT_SYNC set sync, which reaches the runtime's options", async () => {
  await using t = await tree();
  const parsed = parseArgs(["--sync", "copy"], { getEnv: () => undefined, cwd: t.root });
  assert.equal(parsed.kind, "run");
  const fromFlag = await load(t, { flags: parsed.config.flags });
  assert.deepEqual(fromFlag.settings.sync, { value: "copy", source: "flag", name: "--sync" });
  const options = agentOptions(fromFlag.settings, {
    workspace: undefined,
    getEnv: () => undefined,
    onEvent: () => {},
  });
  assert.equal(options.runtimeOptions?.sync, "copy");
  const fromEnv = await load(t, { env: { PYGENT_SYNC: "bind" } });
  assert.equal(fromEnv.settings.sync.value, "bind");
});

Deno.test("a sync value other than auto, bind or copy is refused, naming them", async () => {
  await using t = await tree();
  await assert.rejects(load(t, { env: { PYGENT_SYNC: "rsync" } }), /auto.*bind.*copy/s);
});

Deno.test("an untrusted project file may choose either sync mode: neither is looser", async () => {
  await using t = await tree({ ".pygent/config.toml": 'sync = "copy"\n' });
  const { settings, notices } = await load(t);
  assert.equal(settings.sync.value, "copy");
  assert.deepEqual(notices, []);
});

Deno.test("--sync-limit sets copy mode's limit, which an untrusted project may only lower", async () => {
  await using t = await tree({ ".pygent/config.toml": 'sync_limit = "2g"\n' });
  const raised = await load(t);
  assert.equal(raised.settings.sync_limit.value, 512 * 1024 * 1024);
  assert.equal(raised.notices.length, 1);
  const parsed = parseArgs(["--sync-limit", "64m"], { getEnv: () => undefined, cwd: t.root });
  assert.equal(parsed.kind, "run");
  const { settings } = await load(t, { flags: parsed.config.flags });
  const options = agentOptions(settings, {
    workspace: undefined,
    getEnv: () => undefined,
    onEvent: () => {},
  });
  assert.equal(options.runtimeOptions?.syncLimitBytes, 64 * 1024 * 1024);
});
