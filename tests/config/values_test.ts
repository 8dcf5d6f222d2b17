import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors.ts";
import {
  ConfigFileError,
  KEYS,
  looksLikeKey,
  type Origin,
  SettingError,
  type SettingKey,
} from "../../lib/config/mod.ts";

const flag = (key: SettingKey): Origin => ({ kind: "flag", name: `--${key.replaceAll("_", "-")}` });
const env = (name: string): Origin => ({ kind: "env", name });
const file = (key: string, line = 3): Origin => ({
  kind: "file",
  file: "/p/.pygent/config.toml",
  line,
  key,
});

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail("it was accepted");
}

Deno.test("a bad value names its flag, its variable or its file and line, with the same hint", () => {
  assert.equal(
    message(() => KEYS.memory.read("x", flag("memory"))),
    '--memory "x" is not valid; use a size like 512m or 2g.',
  );
  assert.equal(
    message(() => KEYS.timeout.read("abc", env("PYGENT_TIMEOUT"))),
    "PYGENT_TIMEOUT=abc is not valid; use a number of seconds above 0.",
  );
  assert.equal(
    message(() => KEYS.memory.read("x", file("memory"))),
    '"memory" in /p/.pygent/config.toml line 3 is not valid: "x"; use a size like "512m" or ' +
      '"2g", or a whole number of bytes.',
  );
});

Deno.test("a flag or a variable is a SettingError, a file's value a ConfigFileError", () => {
  assert.throws(() => KEYS.max_steps.read("0", flag("max_steps")), SettingError);
  assert.throws(() => KEYS.max_steps.read(0, file("max_steps")), ConfigFileError);
  assert.throws(
    () => KEYS.max_steps.read(0, file("max_steps", 9)),
    (e) => e instanceof ConfigFileError && e.line === 9 && e.key === "max_steps",
  );
});

Deno.test("memory takes a size as text, or a whole number of bytes in a file", () => {
  assert.equal(KEYS.memory.read("2g", flag("memory")), 2 * 1024 ** 3);
  assert.equal(KEYS.memory.read("1.5G", env("PYGENT_MEMORY")), 1.5 * 1024 ** 3);
  assert.equal(KEYS.memory.read("768m", file("memory")), 768 * 1024 ** 2);
  assert.equal(KEYS.memory.read(104857600, file("memory")), 104857600);
  assert.throws(() => KEYS.memory.read(1.5, file("memory")), /is not valid: 1\.5/);
});

Deno.test("a limit below the smallest the runtime takes is too small, in each origin's words", () => {
  assert.equal(
    message(() => KEYS.memory.read("1m", flag("memory"))),
    '--memory "1m" is too small; use at least 6m.',
  );
  assert.equal(
    message(() => KEYS.pids_limit.read("3", env("PYGENT_PIDS_LIMIT"))),
    "PYGENT_PIDS_LIMIT=3 is too small; use at least 8.",
  );
  assert.equal(
    message(() => KEYS.cpus.read(0.001, file("cpus", 2))),
    '"cpus" in /p/.pygent/config.toml line 2 is too small: 0.001; use at least 0.01.',
  );
});

Deno.test("the smallest limits the runtime takes are accepted", () => {
  assert.equal(KEYS.memory.read("6m", flag("memory")), 6 * 1024 ** 2);
  assert.equal(KEYS.pids_limit.read("8", flag("pids_limit")), 8);
  assert.equal(KEYS.cpus.read("0.01", flag("cpus")), 0.01);
});

Deno.test("a number in a file must be a TOML number, not a string", () => {
  assert.equal(KEYS.timeout.read(2.5, file("timeout")), 2.5);
  assert.match(message(() => KEYS.timeout.read("30", file("timeout"))), /is not valid: "30"/);
  assert.match(message(() => KEYS.cpus.read("2", file("cpus"))), /is not valid: "2"/);
  assert.match(message(() => KEYS.pids_limit.read(64.5, file("pids_limit"))), /not valid: 64\.5/);
});

Deno.test("whole numbers refuse zero, fractions and words", () => {
  for (const bad of ["0", "2.5", "many", "-3", ""]) {
    assert.match(
      message(() => KEYS.max_steps.read(bad, env("PYGENT_MAX_STEPS"))),
      /^PYGENT_MAX_STEPS=.* is not valid; use a whole number of at least 1\.$/,
    );
  }
});

Deno.test("yes/no variables take 1/0, true/false, yes/no and on/off", () => {
  for (const yes of ["1", "true", "YES", "on"]) {
    assert.equal(KEYS.network.read(yes, env("PYGENT_NETWORK")), true);
  }
  for (const no of ["0", "False", "no", "OFF"]) {
    assert.equal(KEYS.root.read(no, env("PYGENT_ROOT")), false);
  }
  assert.equal(
    message(() => KEYS.network.read("maybe", env("PYGENT_NETWORK"))),
    "PYGENT_NETWORK=maybe is not valid; use 1 or 0 (true or false).",
  );
});

Deno.test("a yes/no in a file must be a TOML boolean", () => {
  assert.equal(KEYS.network.read(true, file("network")), true);
  assert.match(
    message(() => KEYS.network.read("yes", file("network"))),
    /"network" in .* is not valid: "yes"; use true or false\.$/,
  );
});

Deno.test("sandbox and approval take only their modes", () => {
  assert.equal(KEYS.sandbox.read("docker", flag("sandbox")), "docker");
  assert.equal(KEYS.approval.read("never", file("approval")), "never");
  assert.equal(
    message(() => KEYS.sandbox.read("vm", flag("sandbox"))),
    '--sandbox "vm" is not valid; use auto, docker or host.',
  );
  assert.match(
    message(() => KEYS.approval.read("always", file("approval"))),
    /is not valid: "always"; use "auto", "ask" or "never"\.$/,
  );
});

Deno.test("model and image refuse an empty name", () => {
  assert.match(message(() => KEYS.image.read(" ", flag("image"))), /^--image " " is not valid/);
  assert.match(message(() => KEYS.model.read(3, file("model"))), /is not valid: 3; use a model/);
});

Deno.test("base_url takes only an http or https URL", () => {
  assert.equal(
    KEYS.base_url.read("http://localhost:11434/v1", env("OPENAI_BASE_URL")),
    "http://localhost:11434/v1",
  );
  assert.match(
    message(() => KEYS.base_url.read("localhost:11434", env("OPENAI_BASE_URL"))),
    /^OPENAI_BASE_URL=localhost:11434 is not valid; use a URL/,
  );
});

Deno.test("api_key_env takes a variable's name", () => {
  assert.equal(KEYS.api_key_env.read("GROQ_API_KEY", flag("api_key_env")), "GROQ_API_KEY");
  assert.match(
    message(() => KEYS.api_key_env.read("my key", flag("api_key_env"))),
    /use a variable's name/,
  );
});

Deno.test("api_key_env refuses an API key, says to name its variable, and never repeats it", () => {
  const key = "sk-proj-Abc123Def456Ghi789";
  for (const origin of [flag("api_key_env"), env("PYGENT_API_KEY_ENV"), file("api_key_env")]) {
    const text = message(() => KEYS.api_key_env.read(key, origin));
    assert.match(text, /looks like an API key/);
    assert.match(text, /give that variable's name/);
    assert.ok(!text.includes("Abc123"), text);
  }
});

Deno.test("looksLikeKey() tells keys from variable names", () => {
  for (
    const key of [
      "sk-abc",
      "sk_live_x",
      "AIzaSyD-abc",
      "gsk_abc",
      "hf_abc",
      "Xy7Pq2Lm9Rt4Vb8Nc1Zd6Fg3",
    ]
  ) {
    assert.ok(looksLikeKey(key), key);
  }
  for (const name of ["OPENAI_API_KEY", "GROQ_API_KEY", "my_key", "OPENROUTER_API_KEY"]) {
    assert.ok(!looksLikeKey(name), name);
  }
});

Deno.test("env takes NAME or NAME=VALUE entries", () => {
  assert.deepEqual(KEYS.env.read(["TERM", "A=1=2"], file("env")), ["TERM", "A=1=2"]);
  assert.equal(
    message(() => KEYS.env.read(["1X=2"], flag("env"))),
    '--env "1X=2" is not valid; use NAME or NAME=VALUE with a variable name.',
  );
  assert.match(
    message(() => KEYS.env.read("TERM", file("env"))),
    /is not valid: "TERM"; use a list/,
  );
});
