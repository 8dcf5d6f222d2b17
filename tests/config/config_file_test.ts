import assert from "node:assert/strict";
import {
  type ConfigFile,
  ConfigFileError,
  type ConfigFileInfo,
  parseConfigFile,
  readConfigFile,
} from "../../lib/config/mod.ts";
import { tree } from "./_helpers.ts";

const PROJECT: ConfigFileInfo = {
  kind: "project",
  file: "/p/.pygent/config.toml",
  shown: ".pygent/config.toml",
};
const USER: ConfigFileInfo = {
  kind: "user",
  file: "/h/.config/pygent/config.toml",
  shown: "~/.config/pygent/config.toml",
};

function read(text: string, info = PROJECT): ConfigFile {
  return parseConfigFile(text, info);
}

function fileError(text: string, info = PROJECT): ConfigFileError {
  try {
    read(text, info);
  } catch (error) {
    assert.ok(error instanceof ConfigFileError, String(error));
    return error;
  }
  assert.fail("the file was accepted");
}

Deno.test("a config file's values are read with the line each is on", () => {
  const file = read('# settings\nmodel = "m"\n\nmemory = "2g"\ntimeout = 12.5\n');
  assert.deepEqual(file.layer.values.model, { value: "m", raw: "m", line: 2, key: "model" });
  assert.equal(file.layer.values.memory?.value, 2 * 1024 ** 3);
  assert.equal(file.layer.values.memory?.line, 4);
  assert.equal(file.layer.values.timeout?.value, 12.5);
});

Deno.test("a syntax error names the file, the line, the column and the key there", () => {
  const error = fileError('model = "m"\nmemory = \nimage = "x"\n');
  assert.equal(error.line, 2);
  assert.equal(error.key, "memory");
  assert.match(error.message, /^\.pygent\/config\.toml line 2 is not valid TOML: .*column \d+/);
  assert.match(error.message, /"memory ="/);
});

Deno.test("a wrong type names the file, the line and the key", () => {
  const error = fileError('model = "m"\n\nnetwork = "yes"\n');
  assert.deepEqual([error.file, error.line, error.key], [".pygent/config.toml", 3, "network"]);
  assert.equal(
    error.message,
    '"network" in .pygent/config.toml line 3 is not valid: "yes"; use true or false.',
  );
});

Deno.test("an unknown key names its line and the nearest valid key", () => {
  const error = fileError('model = "m"\n\nnetwrok = true\n');
  assert.equal(
    error.message,
    'unknown key "netwrok" in .pygent/config.toml line 3; did you mean "network"?',
  );
  assert.deepEqual([error.line, error.key], [3, "netwrok"]);
});

Deno.test("an unknown key far from every valid one lists the valid keys", () => {
  assert.match(
    fileError("colour = 1\n").message,
    /^unknown key "colour" in \.pygent\/config\.toml line 1; the keys there are model, base_url, .*, rules, profiles\.$/,
  );
});

Deno.test("an unknown key in a table is named by its dotted path", () => {
  assert.equal(
    fileError('[rules]\nallow = []\nalow = ["x"]\n').message,
    'unknown key "rules.alow" in .pygent/config.toml line 3; did you mean "rules.allow"?',
  );
  assert.equal(
    fileError("[profiles.ci]\nmax-steps = 3\n").message,
    'unknown key "profiles.ci.max-steps" in .pygent/config.toml line 2; did you mean ' +
      '"profiles.ci.max_steps"?',
  );
});

Deno.test("a dotted unknown key gets the line of its key", () => {
  assert.equal(fileError('model = "m"\nprofile.ci.model = "x"\n').line, 2);
});

Deno.test("a key that would hold an API key says to name a variable instead", () => {
  for (const text of ['api_key = "sk-abc"\n', 'openai = "sk-proj-abc123"\n']) {
    assert.match(
      fileError(text).message,
      /a key is never read from a file; put it in a variable and set api_key_env/,
    );
  }
});

Deno.test("profiles hold any setting and rules, but not profiles or trusted", () => {
  const file = read('[profiles.ci]\nmax_steps = 3\n[profiles.ci.rules]\ndeny = ["rm"]\n');
  assert.equal(file.profiles.get("ci")?.values.max_steps?.value, 3);
  assert.deepEqual(file.profiles.get("ci")?.rules.deny?.value, [
    { pattern: "rm", file: ".pygent/config.toml", line: 4 },
  ]);
  assert.match(
    fileError("[profiles.ci.profiles.x]\n").message,
    /unknown key "profiles\.ci\.profiles"/,
  );
  assert.match(
    fileError("[profiles.ci]\ntrusted = []\n").message,
    /belongs at the top of your user file/,
  );
});

Deno.test("a profile that is not a table is a wrong type", () => {
  assert.match(
    fileError("profiles = 3\n").message,
    /^"profiles" in .* line 1 is not valid: 3; use a table: \[profiles\.NAME\] tables/,
  );
  assert.match(fileError("[profiles]\nci = 3\n").message, /"profiles\.ci" in .* line 2/);
});

Deno.test("rules are lists of non-empty command prefixes, each with its line", () => {
  const file = read('[rules]\nask = [\n  "pip install",\n  "npm publish",\n]\n');
  assert.deepEqual(file.layer.rules.ask?.value.map((r) => [r.pattern, r.line]), [
    ["pip install", 3],
    ["npm publish", 4],
  ]);
  assert.match(fileError('[rules]\ndeny = "git push"\n').message, /"rules\.deny" in .* line 2/);
  assert.match(fileError('[rules]\ndeny = [""]\n').message, /use a list of command prefixes/);
  assert.match(fileError("rules = 1\n").message, /use a table: \[rules\]/);
});

Deno.test("trusted is read from the user file", () => {
  assert.deepEqual(read('trusted = ["/a", "/b"]\n', USER).trusted, ["/a", "/b"]);
  assert.match(fileError('trusted = ["a"]\n', USER).message, /absolute folder paths/);
});

Deno.test("trusted in a project file is an error", () => {
  const error = fileError('trusted = ["/p"]\n');
  assert.equal(error.line, 1);
  assert.match(error.message, /"trusted" is read only from your user file/);
});

Deno.test("a missing file is no error", async () => {
  await using t = await tree();
  assert.equal(await readConfigFile({ ...PROJECT, file: t.at("none.toml") }), undefined);
});

Deno.test("a file that cannot be read is an error naming it", async () => {
  // A folder where the file should be; an unreadable file cannot be made as root (see the
  // user test below for that one).
  await using t = await tree({ "config.toml/": "" });
  const error = await readConfigFile({ ...PROJECT, file: t.at("config.toml") }).then(
    () => assert.fail("it was read"),
    (e) => e,
  );
  assert.ok(error instanceof ConfigFileError);
  assert.match(error.message, /^Cannot read \.pygent\/config\.toml: /);
});

Deno.test("a rule that is not a command prefix in plain words names its line", () => {
  const error = fileError('[rules]\ndeny = [\n  "git push",\n  "rm -rf /; echo",\n]\n');
  assert.deepEqual([error.line, error.key], [4, "rules.deny"]);
  assert.match(error.message, /^The rule "rm -rf \/; echo" in \.pygent\/config\.toml line 4 /);
});
