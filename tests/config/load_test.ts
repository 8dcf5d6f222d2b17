import assert from "node:assert/strict";
import path from "node:path";
import { ConfigError } from "../../lib/errors.ts";
import {
  ConfigFileError,
  KEYS,
  SETTING_KEYS,
  SettingError,
  UnknownProfileError,
} from "../../lib/config/mod.ts";
import { load, rejection, tree, USER_FILE } from "./_helpers.ts";

const USER_SHOWN = "~/xdg/pygent/config.toml";

Deno.test("loadSettings() gives every key its default when nothing sets it", async () => {
  await using t = await tree();
  const { settings, notices, projectFile, trusted } = await load(t);
  for (const key of SETTING_KEYS) {
    assert.equal(settings[key].source, "default", key);
    if (key !== "env") assert.deepEqual(settings[key].value, KEYS[key].default, key);
  }
  assert.deepEqual(settings.env.value, {});
  assert.deepEqual(settings.rules, { value: { allow: [], ask: [], deny: [] }, source: "default" });
  assert.deepEqual([notices, projectFile, trusted], [[], undefined, false]);
});

Deno.test("the user file beats the defaults", async () => {
  await using t = await tree({ [USER_FILE]: '# mine\nmodel = "m-user"\n' });
  const { settings, userFile } = await load(t);
  assert.deepEqual(settings.model, { value: "m-user", source: "user", file: USER_SHOWN, line: 2 });
  assert.equal(userFile, t.at(USER_FILE));
});

Deno.test("the project file beats the user file", async () => {
  await using t = await tree({
    [USER_FILE]: 'model = "m-user"\nmemory = "2g"\n',
    "w/.pygent/config.toml": 'model = "m-project"\nmemory = "1g"\n',
  });
  const { settings, projectFile } = await load(t, { cwd: "w" });
  assert.deepEqual(settings.model, {
    value: "m-project",
    source: "project",
    file: path.join(".pygent", "config.toml"),
    line: 1,
  });
  assert.equal(settings.memory.value, 1024 ** 3);
  assert.equal(projectFile, t.at("w/.pygent/config.toml"));
});

Deno.test("a profile beats the project file", async () => {
  await using t = await tree({
    [USER_FILE]: '[profiles.fast]\nmodel = "m-profile"\n',
    "w/.pygent/config.toml": 'model = "m-project"\n',
  });
  const { settings, profile } = await load(t, { cwd: "w", flags: { profile: "fast" } });
  assert.deepEqual(settings.model, {
    value: "m-profile",
    source: "profile",
    file: USER_SHOWN,
    line: 2,
  });
  assert.equal(profile, "fast");
});

Deno.test("a profile in the project file beats the same profile in the user file", async () => {
  await using t = await tree({
    [USER_FILE]: '[profiles.ci]\nmodel = "m-user"\nmax_steps = 4\n',
    "w/.pygent/config.toml": '[profiles.ci]\nmodel = "m-project"\n',
  });
  const { settings } = await load(t, { cwd: "w", flags: { profile: "ci" } });
  assert.deepEqual([settings.model.value, settings.model.file], [
    "m-project",
    path.join(".pygent", "config.toml"),
  ]);
  assert.deepEqual([settings.max_steps.value, settings.max_steps.source], [4, "profile"]);
});

Deno.test("PYGENT_PROFILE chooses a profile, and --profile beats it", async () => {
  await using t = await tree({
    [USER_FILE]: '[profiles.a]\nmodel = "m-a"\n[profiles.b]\nmodel = "m-b"\n',
  });
  assert.equal((await load(t, { env: { PYGENT_PROFILE: "a" } })).settings.model.value, "m-a");
  const both = await load(t, { env: { PYGENT_PROFILE: "a" }, flags: { profile: "b" } });
  assert.deepEqual([both.settings.model.value, both.profile], ["m-b", "b"]);
});

Deno.test("a variable beats a profile", async () => {
  await using t = await tree({ [USER_FILE]: "[profiles.ci]\ntimeout = 5\n" });
  const { settings } = await load(t, {
    flags: { profile: "ci" },
    env: { PYGENT_TIMEOUT: "9" },
  });
  assert.deepEqual(settings.timeout, { value: 9, source: "env", name: "PYGENT_TIMEOUT" });
});

Deno.test("a flag beats its variable", async () => {
  await using t = await tree();
  const env = {
    PYGENT_MODEL: "m-env",
    PYGENT_IMAGE: "alpine",
    PYGENT_MEMORY: "1g",
    PYGENT_MAX_STEPS: "3",
    OPENAI_BASE_URL: "http://env:1/v1",
  };
  const fromEnv = (await load(t, { env })).settings;
  assert.deepEqual(
    [fromEnv.model.value, fromEnv.image.value, fromEnv.memory.value, fromEnv.max_steps.value],
    ["m-env", "alpine", 1024 ** 3, 3],
  );
  assert.deepEqual(fromEnv.base_url, {
    value: "http://env:1/v1",
    source: "env",
    name: "OPENAI_BASE_URL",
  });
  const { settings } = await load(t, {
    env,
    flags: {
      model: "m-flag",
      image: "debian",
      memory: "2g",
      max_steps: "7",
      base_url: "http://flag:1/v1",
    },
  });
  assert.deepEqual(settings.memory, { value: 2 * 1024 ** 3, source: "flag", name: "--memory" });
  assert.deepEqual(
    [settings.model.value, settings.image.value, settings.max_steps.value, settings.base_url.value],
    ["m-flag", "debian", 7, "http://flag:1/v1"],
  );
});

Deno.test("a variable beats the files", async () => {
  await using t = await tree({ [USER_FILE]: "network = true\n" });
  const { settings } = await load(t, { env: { PYGENT_NETWORK: "0" } });
  assert.deepEqual(settings.network, { value: false, source: "env", name: "PYGENT_NETWORK" });
});

Deno.test("--no-network and --no-root override a file that turns them on", async () => {
  await using t = await tree({ [USER_FILE]: "network = true\nroot = true\n" });
  const { settings } = await load(t, { flags: { network: false, root: false } });
  assert.deepEqual([settings.network.value, settings.root.value], [false, false]);
  assert.equal(settings.network.source, "flag");
});

Deno.test("an empty variable counts as unset", async () => {
  await using t = await tree({ [USER_FILE]: 'model = "m-user"\n' });
  const { settings } = await load(t, { env: { PYGENT_MODEL: "" } });
  assert.equal(settings.model.source, "user");
});

Deno.test("--docker, --no-docker and PYGENT_USE_DOCKER set the sandbox", async () => {
  await using t = await tree();
  assert.equal((await load(t, { flags: { docker: true } })).settings.sandbox.value, "docker");
  assert.equal((await load(t, { flags: { docker: false } })).settings.sandbox.value, "host");
  const env = (await load(t, { env: { PYGENT_USE_DOCKER: "0" } })).settings.sandbox;
  assert.deepEqual(env, { value: "host", source: "env", name: "PYGENT_USE_DOCKER" });
  const agreeing = await load(t, { env: { PYGENT_USE_DOCKER: "1", PYGENT_SANDBOX: "docker" } });
  assert.equal(agreeing.settings.sandbox.value, "docker");
});

Deno.test("PYGENT_SANDBOX and PYGENT_USE_DOCKER that disagree are an error", async () => {
  await using t = await tree();
  const error = await rejection(
    load(t, { env: { PYGENT_SANDBOX: "auto", PYGENT_USE_DOCKER: "1" } }),
  );
  assert.ok(error instanceof SettingError);
  assert.match(error.message, /^PYGENT_SANDBOX=auto and PYGENT_USE_DOCKER=1 disagree/);
});

Deno.test("--sandbox and --docker that disagree are an error", async () => {
  await using t = await tree();
  const error = await rejection(load(t, { flags: { sandbox: "host", docker: true } }));
  assert.ok(error instanceof SettingError);
  assert.equal(error.message, "--sandbox host and --docker disagree; give one of them.");
});

Deno.test("a bad flag or variable is a ConfigError that names it", async () => {
  await using t = await tree();
  const cases: [Parameters<typeof load>[1], RegExp][] = [
    [{ flags: { memory: "x" } }, /^--memory "x" is not valid; use a size like 512m or 2g\.$/],
    [{ flags: { timeout: "soon" } }, /^--timeout "soon" is not valid/],
    [{ flags: { approval: "maybe" } }, /^--approval "maybe" is not valid; use auto, ask or never/],
    [{ env: { PYGENT_TIMEOUT: "abc" } }, /^PYGENT_TIMEOUT=abc is not valid; use a number of sec/],
    [{ env: { PYGENT_USE_DOCKER: "maybe" } }, /^PYGENT_USE_DOCKER=maybe is not valid/],
    [{ env: { PYGENT_PIDS_LIMIT: "3" } }, /^PYGENT_PIDS_LIMIT=3 is too small; use at least 8\.$/],
    [{ env: { PYGENT_CPUS: "none" } }, /^PYGENT_CPUS=none is not valid/],
    [{ flags: { profile: " " } }, /^--profile is empty/],
  ];
  for (const [options, pattern] of cases) {
    const error = await rejection(load(t, options));
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, pattern);
  }
});

Deno.test("a bad file stops the loader with a ConfigFileError", async () => {
  await using t = await tree({ [USER_FILE]: "netwrok = true\n" });
  const error = await rejection(load(t));
  assert.ok(error instanceof ConfigFileError);
  assert.equal(
    error.message,
    `unknown key "netwrok" in ${USER_SHOWN} line 1; did you mean "network"?`,
  );
});

Deno.test("an unknown profile is an error that lists the profiles there are", async () => {
  await using t = await tree({
    [USER_FILE]: "[profiles.ci]\n[profiles.fast]\n",
    "w/.pygent/config.toml": "[profiles.local]\n",
  });
  const error = await rejection(load(t, { cwd: "w", flags: { profile: "x" } }));
  assert.ok(error instanceof UnknownProfileError);
  assert.equal(
    error.message,
    `--profile x names no [profiles.x] in ${USER_SHOWN} or ${
      path.join(".pygent", "config.toml")
    }; the profiles there are ci, fast, local.`,
  );
  assert.deepEqual(error.available, ["ci", "fast", "local"]);
});

Deno.test("an unknown profile with no config file says where to write one", async () => {
  await using t = await tree();
  const error = await rejection(load(t, { env: { PYGENT_PROFILE: "x" } }));
  assert.ok(error instanceof UnknownProfileError);
  assert.match(
    error.message,
    /^PYGENT_PROFILE=x names no \[profiles\.x\]: there is no config file/,
  );
});

Deno.test("rules gather from the user file, the project file and the profile, each with its line", async () => {
  await using t = await tree({
    [USER_FILE]: '[rules]\ndeny = ["rm -rf"]\n\n[profiles.ci.rules]\nask = ["pip install"]\n',
    "w/.pygent/config.toml": '# project\n[rules]\ndeny = ["git push"]\nask = ["npm publish"]\n',
  });
  const { settings } = await load(t, { cwd: "w", flags: { profile: "ci" } });
  const project = path.join(".pygent", "config.toml");
  assert.deepEqual(settings.rules.value, {
    allow: [],
    ask: [
      { pattern: "npm publish", file: project, line: 4, source: "project" },
      { pattern: "pip install", file: USER_SHOWN, line: 5, source: "profile" },
    ],
    deny: [
      { pattern: "rm -rf", file: USER_SHOWN, line: 2, source: "user" },
      { pattern: "git push", file: project, line: 3, source: "project" },
    ],
  });
  assert.equal(settings.rules.source, "profile");
});

Deno.test("the project file is found in the workspace", async () => {
  await using t = await tree({ "ws/.pygent/config.toml": 'model = "m"\n', "elsewhere/": "" });
  const { projectFile, settings } = await load(t, { cwd: "elsewhere", workspace: "ws" });
  assert.equal(projectFile, t.at("ws/.pygent/config.toml"));
  assert.equal(settings.model.file, t.at("ws/.pygent/config.toml"), "outside cwd: absolute");
});

Deno.test("the project file is found above the workspace, up to the git root", async () => {
  await using t = await tree({
    "repo/.git/": "",
    "repo/.pygent/config.toml": 'model = "m"\n',
    "repo/src/deep/": "",
  });
  const { projectFile } = await load(t, { cwd: "repo/src/deep" });
  assert.equal(projectFile, t.at("repo/.pygent/config.toml"));
});

Deno.test("the nearest project file wins", async () => {
  await using t = await tree({
    "repo/.git/": "",
    "repo/.pygent/config.toml": 'model = "outer"\n',
    "repo/sub/.pygent/config.toml": 'model = "inner"\n',
  });
  const { settings } = await load(t, { cwd: "repo", workspace: "repo/sub" });
  assert.deepEqual([settings.model.value, settings.model.file], [
    "inner",
    path.join("sub", ".pygent", "config.toml"),
  ]);
});

Deno.test("the project search stops at the git root", async () => {
  await using t = await tree({
    ".pygent/config.toml": 'model = "above the repository"\n',
    "repo/.git": "gitdir: elsewhere\n",
    "repo/src/": "",
  });
  assert.equal((await load(t, { cwd: "repo/src" })).projectFile, undefined);
});

Deno.test("outside a git repository only the workspace itself is searched", async () => {
  await using t = await tree({ ".pygent/config.toml": 'model = "m"\n', "sub/": "" });
  assert.equal((await load(t, { cwd: "sub" })).projectFile, undefined);
  assert.equal((await load(t)).projectFile, t.at(".pygent/config.toml"));
});

Deno.test("an untrusted project file cannot loosen safety: each such key is ignored with a notice", async () => {
  const cases: [string, string][] = [
    ["network = true", "network = true"],
    ["root = true", "root = true"],
    ['sandbox = "host"', 'sandbox = "host"'],
    ['approval = "never"', 'approval = "never"'],
    ['env = ["A=1"]', 'env = ["A=1"]'],
    ['base_url = "http://evil:1/v1"', 'base_url = "http://evil:1/v1"'],
    ['api_key_env = "AWS_SECRET_ACCESS_KEY"', 'api_key_env = "AWS_SECRET_ACCESS_KEY"'],
    ['[rules]\nallow = ["curl"]', 'rules.allow = ["curl"]'],
  ];
  for (const [text, shown] of cases) {
    await using t = await tree({ ".pygent/config.toml": `# project\n${text}\n` });
    const { settings, notices } = await load(t);
    const line = text.startsWith("[rules]") ? 3 : 2;
    assert.deepEqual(notices, [
      `${path.join(".pygent", "config.toml")} line ${line}: ${shown} ignored: this folder is ` +
      `not trusted (pygent trust ${t.root} to trust it)`,
    ]);
    for (const key of SETTING_KEYS) {
      assert.equal(settings[key].source, "default", `${text}: ${key}`);
    }
    assert.deepEqual(settings.rules.value.allow, []);
  }
});

Deno.test("an untrusted project file can tighten safety", async () => {
  await using t = await tree({
    [USER_FILE]: 'network = true\nroot = true\nsandbox = "host"\napproval = "never"\n',
    ".pygent/config.toml": [
      "network = false",
      "root = false",
      'sandbox = "docker"',
      'approval = "ask"',
      'memory = "256m"',
      "pids_limit = 64",
      "cpus = 1.5",
      'image = "alpine"',
      "[rules]",
      'deny = ["git push"]',
      'ask = ["pip install"]',
    ].join("\n"),
  });
  const { settings, notices } = await load(t);
  assert.deepEqual(notices, []);
  assert.deepEqual(
    [
      settings.network.value,
      settings.root.value,
      settings.sandbox.value,
      settings.approval.value,
      settings.memory.value,
      settings.pids_limit.value,
      settings.cpus.value,
      settings.image.value,
    ],
    [false, false, "docker", "ask", 256 * 1024 ** 2, 64, 1.5, "alpine"],
  );
  assert.deepEqual(settings.rules.value.deny.map((r) => r.pattern), ["git push"]);
  assert.deepEqual(settings.rules.value.ask.map((r) => r.pattern), ["pip install"]);
});

Deno.test("an untrusted project file's limits apply only when lower than what they replace", async () => {
  await using t = await tree({
    [USER_FILE]: 'memory = "1g"\ncpus = 2\n',
    ".pygent/config.toml": 'memory = "4g"\ncpus = 4\npids_limit = 1000\n',
  });
  const { settings, notices } = await load(t);
  assert.deepEqual([settings.memory.source, settings.cpus.source, settings.pids_limit.source], [
    "user",
    "user",
    "default",
  ]);
  assert.equal(notices.length, 1);
  assert.match(
    notices[0],
    /line 1: memory = "4g"; .* line 2: cpus = 4; .* line 3: pids_limit = 1000 ignored: this folder is not trusted/,
  );
});

Deno.test("an untrusted project file's sandbox and approval apply only when as strict", async () => {
  await using t = await tree({
    [USER_FILE]: 'sandbox = "docker"\napproval = "ask"\n',
    ".pygent/config.toml": 'sandbox = "auto"\napproval = "auto"\n',
  });
  const { settings, notices } = await load(t);
  assert.deepEqual([settings.sandbox.value, settings.approval.value], ["docker", "ask"]);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /sandbox = "auto"; .* approval = "auto" ignored/);
});

Deno.test("an untrusted project file can lower timeout and max_steps, and name the model", async () => {
  await using t = await tree({
    ".pygent/config.toml": 'timeout = 5\nmax_steps = 3\nmodel = "big"\n',
  });
  const { settings, notices } = await load(t);
  assert.deepEqual(
    [settings.timeout.value, settings.max_steps.value, settings.model.value, notices],
    [5, 3, "big", []],
  );
});

Deno.test("an untrusted project file cannot raise timeout or max_steps: hour-long commands, endless spending", async () => {
  await using t = await tree({ ".pygent/config.toml": "timeout = 100000\nmax_steps = 100000\n" });
  const { settings, notices } = await load(t);
  assert.deepEqual([settings.timeout.value, settings.max_steps.value], [30, 20]);
  assert.deepEqual(notices.length, 1);
  assert.match(
    notices[0],
    /timeout = 100000; .* max_steps = 100000 ignored: this folder is not trusted/,
  );
});

Deno.test("a profile defined in an untrusted project file cannot loosen safety either", async () => {
  await using t = await tree({
    ".pygent/config.toml": '[profiles.ci]\nnetwork = true\n[profiles.ci.rules]\nallow = ["x"]\n',
  });
  const { settings, notices } = await load(t, { flags: { profile: "ci" } });
  assert.equal(settings.network.value, false);
  assert.match(
    notices[0],
    /line 2: profiles\.ci\.network = true; .* line 4: profiles\.ci\.rules\.allow = \["x"\] ignored/,
  );
});

Deno.test("the user's own flags and variables may loosen what a project file tightened", async () => {
  await using t = await tree({ ".pygent/config.toml": "network = false\n" });
  const { settings } = await load(t, { flags: { network: true } });
  assert.deepEqual([settings.network.value, settings.network.source], [true, "flag"]);
});

Deno.test("a trusted project file is read in full, without notices", async () => {
  await using t = await tree({ ".pygent/config.toml": 'network = true\nsandbox = "host"\n' });
  await t.write(USER_FILE, `trusted = [${JSON.stringify(t.root)}]\n`);
  const { settings, notices, trusted } = await load(t);
  assert.deepEqual(
    [settings.network.value, settings.sandbox.value, notices, trusted],
    [true, "host", [], true],
  );
});

Deno.test("a trusted folder is recognised through a link", async () => {
  await using t = await tree({ "real/.pygent/config.toml": "root = true\n" });
  await Deno.symlink(t.at("real"), t.at("link"));
  await t.write(USER_FILE, `trusted = [${JSON.stringify(t.at("link"))}]\n`);
  const { settings, trusted } = await load(t, { cwd: "real" });
  assert.deepEqual([settings.root.value, trusted], [true, true]);
});

Deno.test("trusting another folder does not trust this one", async () => {
  await using t = await tree({ "p/.pygent/config.toml": "root = true\n", "p2/": "" });
  await t.write(
    USER_FILE,
    `trusted = [${JSON.stringify(t.at("p2"))}, ${JSON.stringify(t.root)}]\n`,
  );
  const { settings, trusted } = await load(t, { cwd: "p" });
  assert.deepEqual([settings.root.value, trusted], [false, false]);
});

Deno.test("an env NAME alone takes its value from the environment when loading", async () => {
  await using t = await tree({ [USER_FILE]: 'env = ["TOKEN", "MODE=fast"]\n' });
  const { settings } = await load(t, { env: { TOKEN: "t0k" } });
  assert.deepEqual(settings.env.value, { TOKEN: "t0k", MODE: "fast" });
  assert.deepEqual(settings.env.specs, ["TOKEN", "MODE=fast"]);
  assert.equal(settings.env.source, "user");
});

Deno.test("an env NAME that is not set is an error naming where it was written", async () => {
  await using t = await tree({ [USER_FILE]: '\nenv = ["TOKEN"]\n' });
  const fromFile = await rejection(load(t));
  assert.ok(fromFile instanceof ConfigFileError);
  assert.equal(
    fromFile.message,
    `"env" in ${USER_SHOWN} line 2: TOKEN is not set here; set it or write "TOKEN=VALUE".`,
  );
  const fromFlag = await rejection(load(t, { flags: { env: ["NOPE"] } }));
  assert.ok(fromFlag instanceof SettingError);
  assert.equal(
    fromFlag.message,
    "--env NOPE: NOPE is not set here; set it or use --env NOPE=VALUE.",
  );
});

Deno.test("--env replaces the env list of the files", async () => {
  await using t = await tree({ [USER_FILE]: 'env = ["A=1"]\n' });
  const { settings } = await load(t, { flags: { env: ["B=2"] } });
  assert.deepEqual([settings.env.value, settings.env.source], [{ B: "2" }, "flag"]);
});
