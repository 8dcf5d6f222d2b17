import assert from "node:assert/strict";
import path from "node:path";
import { runConfigCommand, type SettingsJson } from "../../lib/cli/config_command.ts";
import type { CommandIo } from "../../lib/cli/command_io.ts";
import { SETTING_KEYS } from "../../lib/config/mod.ts";
import { type Tree, tree, USER_FILE } from "../config/_helpers.ts";

/** Runs `pygent config ARGS` in the tree, with the user file at USER_FILE. */
async function config(
  t: Tree,
  args: string[],
  env: Record<string, string> = {},
  cwd = t.root,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const vars: Record<string, string> = { XDG_CONFIG_HOME: t.at("xdg"), HOME: t.root, ...env };
  const io: CommandIo = {
    out: (text) => stdout += text,
    err: (text) => stderr += text,
    getEnv: (name) => vars[name],
    cwd,
    os: "linux",
  };
  const code = await runConfigCommand(args, io);
  return { code, stdout, stderr };
}

async function json(t: Tree, args: string[] = [], env = {}): Promise<SettingsJson> {
  const result = await config(t, ["--json", ...args], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

Deno.test("pygent config --json prints every key with its value and source", async () => {
  await using t = await tree();
  const data = await json(t);
  assert.deepEqual(Object.keys(data), [...SETTING_KEYS, "rules", "profile"]);
  for (const key of SETTING_KEYS) assert.equal(data[key].source, "default", key);
  assert.deepEqual(data.memory, { value: 512 * 1024 ** 2, source: "default" });
  assert.deepEqual(data.base_url, { value: null, source: "default" });
  assert.deepEqual(data.cpus, { value: null, source: "default" });
  assert.deepEqual(data.env, { value: [], source: "default" });
  assert.deepEqual(data.rules, { value: { allow: [], ask: [], deny: [] }, source: "default" });
  assert.deepEqual(data.profile, { value: null, source: "default" });
});

Deno.test("pygent config --json names the file and line of each value from a file", async () => {
  await using t = await tree({
    [USER_FILE]: '\nmodel = "m"\n',
    ".pygent/config.toml": '[rules]\ndeny = ["git push"]\n',
  });
  const data = await json(t);
  assert.deepEqual(data.model, {
    value: "m",
    source: "user",
    file: "~/xdg/pygent/config.toml",
    line: 2,
  });
  assert.deepEqual(data.rules, {
    value: { allow: [], ask: [], deny: ["git push"] },
    source: "project",
    files: [path.join(".pygent", "config.toml")],
  });
});

Deno.test("pygent config --json gives each source its name", async () => {
  await using t = await tree({
    [USER_FILE]: 'image = "u"\n[profiles.ci]\nmax_steps = 3\n',
    ".pygent/config.toml": 'model = "p"\n',
  });
  const data = await json(t, ["--profile", "ci", "--memory", "1g"], { PYGENT_TIMEOUT: "9" });
  assert.deepEqual(
    [
      data.image.source,
      data.model.source,
      data.max_steps.source,
      data.timeout.source,
      data.memory.source,
      data.pids_limit.source,
    ],
    ["user", "project", "profile", "env", "flag", "default"],
  );
  assert.deepEqual(data.profile, { value: "ci", source: "flag" });
  assert.deepEqual(data.timeout, { value: 9, source: "env", name: "PYGENT_TIMEOUT" });
});

Deno.test("pygent config never prints the API key, only its variable and whether it is set", async () => {
  await using t = await tree();
  const secret = "sk-test-Secret123";
  const set = await config(t, ["--json"], { OPENAI_API_KEY: secret });
  assert.ok(!set.stdout.includes(secret));
  assert.deepEqual(JSON.parse(set.stdout).api_key_env, {
    value: "OPENAI_API_KEY",
    source: "default",
    set: true,
  });
  const table = await config(t, [], { OPENAI_API_KEY: secret });
  assert.ok(!table.stdout.includes(secret));
  assert.match(table.stdout, /api_key_env\s+OPENAI_API_KEY \(set\)\s+default/);
  assert.equal((await json(t)).api_key_env.set, false);
});

Deno.test("pygent config shows env entries as written, not the values taken from the environment", async () => {
  await using t = await tree({ [USER_FILE]: 'env = ["TOKEN", "MODE=fast"]\n' });
  const data = await json(t, [], { TOKEN: "hidden-value" });
  assert.deepEqual(data.env.value, ["TOKEN", "MODE=fast"]);
  assert.ok(!JSON.stringify(data).includes("hidden-value"));
});

Deno.test("pygent config prints an aligned table with the source and file:line of each setting", async () => {
  await using t = await tree({ [USER_FILE]: 'memory = "2g"\n[rules]\nask = ["pip install"]\n' });
  const { code, stdout } = await config(t, ["--timeout", "12"]);
  assert.equal(code, 0);
  const lines = stdout.split("\n");
  assert.match(lines[0], /^User file: {4}.*xdg\/pygent\/config\.toml$/);
  assert.match(lines[1], /^Project file: none/);
  const header = lines.find((line) => line.startsWith("KEY"))!;
  assert.match(header, /^KEY\s+VALUE\s+SOURCE\s+WHERE$/);
  const memory = lines.find((line) => line.startsWith("memory"))!;
  assert.match(memory, /^memory\s+2g\s+user\s+~\/xdg\/pygent\/config\.toml:1$/);
  assert.equal(memory.indexOf("2g"), header.indexOf("VALUE"));
  assert.equal(memory.indexOf("user"), header.indexOf("SOURCE"));
  assert.match(stdout, /\ntimeout\s+12s\s+flag\s+--timeout\n/);
  assert.match(stdout, /\nrules\.ask\s+"pip install"\s+user\s+~\/xdg\/pygent\/config\.toml:3\n/);
});

Deno.test("pygent config shows the copy mode's limit as a size, and what sync auto picks", async () => {
  await using t = await tree({ [USER_FILE]: 'sync_limit = "1g"\n' });
  const { code, stdout } = await config(t, []);
  assert.equal(code, 0);
  assert.match(stdout, /\nsync\s+auto \(copy for tcp:\/\/, else bind\)\s+default\n/);
  assert.match(stdout, /\nsync_limit\s+1g\s+user\s+~\/xdg\/pygent\/config\.toml:1\n/);
});

Deno.test("pygent config prints the notices of an untrusted project file on stderr", async () => {
  await using t = await tree({ ".pygent/config.toml": "network = true\n" });
  const { code, stdout, stderr } = await config(t, ["--json"]);
  assert.equal(code, 0);
  assert.equal(
    stderr,
    `pygent: ${path.join(".pygent", "config.toml")} line 1: network = true ignored: this ` +
      `folder is not trusted (pygent trust ${t.root} to trust it)\n`,
  );
  assert.equal(JSON.parse(stdout).network.value, false);
});

Deno.test("pygent config exits 2 on a bad file, naming it", async () => {
  await using t = await tree({ ".pygent/config.toml": "netwrok = true\n" });
  const { code, stdout, stderr } = await config(t, ["--json"]);
  assert.deepEqual([code, stdout], [2, ""]);
  assert.equal(
    stderr,
    `pygent: unknown key "netwrok" in ${
      path.join(".pygent", "config.toml")
    } line 1; did you mean "network"?\n`,
  );
});

Deno.test("pygent config exits 2 on a bad flag or variable", async () => {
  await using t = await tree();
  assert.equal((await config(t, ["--bogus"])).code, 2);
  const bad = await config(t, [], { PYGENT_MEMORY: "lots" });
  assert.deepEqual([bad.code, bad.stderr], [
    2,
    "pygent: PYGENT_MEMORY=lots is not valid; use a size like 512m or 2g.\n",
  ]);
});

Deno.test("pygent config looks for the project file in --workspace", async () => {
  await using t = await tree({ "ws/.pygent/config.toml": 'model = "ws"\n' });
  assert.equal((await json(t, ["--workspace", "ws"])).model.value, "ws");
});

Deno.test("pygent config --help describes the command", async () => {
  await using t = await tree();
  const { code, stdout } = await config(t, ["--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: pygent config \[options\]/);
});
