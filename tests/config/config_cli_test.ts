/**
 * The config file through the real `pygent` process: `pygent config`, `pygent trust`, and a run
 * that takes its settings from the files. These need `main.ts` to dispatch the subcommands and
 * to call `loadSettings`.
 */

import assert from "node:assert/strict";
import path from "node:path";
import { runCli } from "../cli/cli_process.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { type Tree, tree, USER_FILE } from "./_helpers.ts";

/** The variables that point the CLI at the tree's user file. */
function homeIn(t: Tree): Record<string, string> {
  return { XDG_CONFIG_HOME: t.at("xdg"), HOME: t.root };
}

Deno.test("pygent config --json prints every setting with its source", async () => {
  await using t = await tree({ [USER_FILE]: 'memory = "2g"\n' });
  const result = await runCli(["config", "--json"], { env: homeIn(t), cwd: t.root });
  assert.equal(result.code, 0, result.stderr);
  const data = JSON.parse(result.stdout);
  assert.deepEqual(data.memory, {
    value: 2 * 1024 ** 3,
    source: "user",
    file: "~/xdg/pygent/config.toml",
    line: 1,
  });
  assert.equal(data.model.source, "default");
  assert.equal(result.stderr, "");
});

Deno.test("pygent config exits 2 on a bad config file, naming the file, the line and the key", async () => {
  await using t = await tree({ [USER_FILE]: 'model = "m"\nnetwrok = true\n' });
  const result = await runCli(["config"], { env: homeIn(t), cwd: t.root });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    'pygent: unknown key "netwrok" in ~/xdg/pygent/config.toml line 2; did you mean "network"?\n',
  );
});

Deno.test("pygent trust makes the project file's loosening keys apply", async () => {
  await using t = await tree({ "p/.pygent/config.toml": "network = true\n" });
  const options = { env: homeIn(t), cwd: t.at("p") };
  const before = await runCli(["config", "--json"], options);
  assert.equal(JSON.parse(before.stdout).network.value, false);
  assert.match(before.stderr, /network = true ignored: this folder is not trusted/);
  const trusted = await runCli(["trust"], options);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.match(trusted.stdout, /^Trusted /);
  const after = await runCli(["config", "--json"], options);
  assert.deepEqual([JSON.parse(after.stdout).network.value, after.stderr], [true, ""]);
});

Deno.test("a run takes its model from the user file", async () => {
  await using t = await tree({ [USER_FILE]: 'model = "file-model"\nsandbox = "host"\n' });
  await using server = await OpenAIServer.start([{ kind: "message", content: "Hi." }]);
  const result = await runCli(["hi"], { server, env: homeIn(t), cwd: t.root });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(server.requests.map((r) => r.body.model), ["file-model"]);
});

Deno.test("a run stops with code 2 on a bad value in the project file", async () => {
  await using t = await tree({ ".pygent/config.toml": '\nmemory = "lots"\n' });
  const result = await runCli(["hi"], { env: homeIn(t), cwd: t.root });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    `pygent: "memory" in ${path.join(".pygent", "config.toml")} line 2 is not valid: "lots"; ` +
      'use a size like "512m" or "2g", or a whole number of bytes.\n',
  );
});
