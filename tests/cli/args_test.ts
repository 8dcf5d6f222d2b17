import assert from "node:assert/strict";
import path from "node:path";
import { type CliConfig, parseArgs, parseConfigArgs, parseTrustArgs } from "../../lib/cli/args.ts";
import { UsageError } from "../../lib/cli/errors.ts";
import { VERSION } from "../../lib/version.ts";

const CWD = Deno.cwd();

function run(argv: string[], env: Record<string, string> = {}): CliConfig {
  const parsed = parseArgs(argv, { getEnv: (name) => env[name], cwd: CWD });
  assert.equal(parsed.kind, "run");
  return parsed.config;
}

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail("it was accepted");
}

Deno.test("parseArgs() joins the words of a request", () => {
  assert.equal(run(["make", "a", "file"]).request, "make a file");
  assert.equal(run([]).request, undefined);
});

Deno.test("parseArgs() prints the version for -V and --version", () => {
  for (const flag of ["-V", "--version"]) {
    assert.deepEqual(parseArgs([flag]), { kind: "print", text: `${VERSION}\n` });
  }
});

Deno.test("parseArgs() prints help that lists the flags, the variables and the config files", () => {
  const parsed = parseArgs(["--help"]);
  assert.equal(parsed.kind, "print");
  const words = [
    ...["--no-docker", "--sandbox <mode>", "--no-network", "--no-root", "--base-url <url>"],
    ...["--api-key-env <name>", "--approval <mode>", "--profile <name>", "--max-steps", "--env"],
    ...["PYGENT_TIMEOUT", "PYGENT_SANDBOX", "PYGENT_APPROVAL", "PYGENT_PROFILE", "PYGENT_MEMORY"],
    ...["PYGENT_API_KEY_ENV", "$XDG_CONFIG_HOME/pygent/config.toml", ".pygent/config.toml"],
    ...["pygent config", "pygent trust", "/save FILE"],
  ];
  for (const word of words) assert.ok(parsed.kind === "print" && parsed.text.includes(word), word);
});

Deno.test("parseArgs() gives no flags when none were given", () => {
  assert.deepEqual(run([]).flags, {});
});

Deno.test("parseArgs() gives each setting flag's value raw, keyed by setting", () => {
  const config = run([
    ...["--model", "m", "--base-url", "http://x/v1", "--api-key-env", "K", "--image", "alpine"],
    ...["--sandbox", "docker", "--memory", "lots", "--pids-limit", "64", "--cpus", "1.5"],
    ...["--timeout", "9", "--max-steps", "7", "--approval", "ask", "--profile", "ci"],
  ]);
  assert.deepEqual(config.flags, {
    model: "m",
    base_url: "http://x/v1",
    api_key_env: "K",
    image: "alpine",
    sandbox: "docker",
    memory: "lots",
    pids_limit: "64",
    cpus: "1.5",
    timeout: "9",
    max_steps: "7",
    approval: "ask",
    profile: "ci",
  });
});

Deno.test("parseArgs() reads --docker and --no-docker as yes and no", () => {
  assert.equal(run(["--docker"]).flags.docker, true);
  assert.equal(run(["--no-docker"]).flags.docker, false);
});

Deno.test("parseArgs() reads --network, --no-network, --root and --no-root", () => {
  assert.deepEqual(run(["--network", "--root"]).flags, { network: true, root: true });
  assert.deepEqual(run(["--no-network", "--no-root"]).flags, { network: false, root: false });
});

Deno.test("parseArgs() gathers --env in the order given", () => {
  assert.deepEqual(run(["--env", "A=1", "--env", "HOME_DIR"]).flags.env, ["A=1", "HOME_DIR"]);
});

Deno.test("parseArgs() reads --load and --json", () => {
  const config = run(["--load", "chat.json", "--json"]);
  assert.deepEqual([config.load, config.json], ["chat.json", true]);
  assert.deepEqual([run([]).load, run([]).json], [undefined, false]);
});

Deno.test("parseArgs() takes the current directory as the workspace with --cwd", () => {
  assert.equal(run(["--cwd"]).workspace, CWD);
});

Deno.test("parseArgs() makes --workspace and PYGENT_WORKSPACE absolute", () => {
  assert.equal(run(["--workspace", "lib"]).workspace, path.join(CWD, "lib"));
  assert.equal(run([], { PYGENT_WORKSPACE: "tests" }).workspace, path.join(CWD, "tests"));
  assert.equal(
    run(["--workspace", "lib"], { PYGENT_WORKSPACE: "tests" }).workspace,
    path.join(CWD, "lib"),
  );
  assert.equal(run([]).workspace, undefined);
});

Deno.test("parseArgs() leaves checking the values to the settings loader", () => {
  assert.deepEqual(run(["--memory", "lots", "--sandbox", "vm"]).flags, {
    memory: "lots",
    sandbox: "vm",
  });
});

Deno.test("parseArgs() refuses bad flags and workspaces with messages that name them", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--bogus"], {}, /^unknown option '--bogus'\. Run pygent --help for the options\.$/],
    [["--netwrok"], {}, /Did you mean --network\?/],
    [["--image"], {}, /argument missing/],
    [["--workspace", "/no/such/folder"], {}, /^--workspace "\/no\/such\/folder": no such folder/],
    [["--workspace", "deno.json"], {}, /^--workspace "deno\.json" is not a folder\.$/],
    [["--cwd", "--workspace", "."], {}, /give one of them/],
    [[], { PYGENT_WORKSPACE: "/no/such/folder" }, /^PYGENT_WORKSPACE=\/no\/such\/folder: no such/],
  ];
  for (const [argv, env, pattern] of cases) assert.match(usageError(() => run(argv, env)), pattern);
});

Deno.test("parseConfigArgs() reads --json and the setting flags", () => {
  const parsed = parseConfigArgs(["--json", "--profile", "ci", "--no-network"], {
    getEnv: () => undefined,
  });
  assert.deepEqual(parsed, {
    kind: "config",
    args: { flags: { profile: "ci", network: false }, workspace: undefined, json: true },
  });
});

Deno.test("parseConfigArgs() refuses a request and --load", () => {
  assert.match(usageError(() => parseConfigArgs(["hello"])), /too many arguments/);
  assert.match(usageError(() => parseConfigArgs(["--load", "x"])), /unknown option '--load'/);
});

Deno.test("parseConfigArgs() prints its own help", () => {
  const parsed = parseConfigArgs(["--help"]);
  assert.ok(parsed.kind === "print" && parsed.text.startsWith("Usage: pygent config"));
});

Deno.test("parseTrustArgs() reads the folder, --remove and --list", () => {
  assert.deepEqual(parseTrustArgs([]), {
    kind: "trust",
    args: { dir: undefined, remove: false, list: false },
  });
  assert.deepEqual(parseTrustArgs(["--remove", "../p"]), {
    kind: "trust",
    args: { dir: "../p", remove: true, list: false },
  });
  assert.deepEqual(parseTrustArgs(["--list"]), {
    kind: "trust",
    args: { dir: undefined, remove: false, list: true },
  });
});

Deno.test("parseTrustArgs() refuses --remove with --list", () => {
  assert.match(usageError(() => parseTrustArgs(["--remove", "--list"])), /give one of them/);
});
