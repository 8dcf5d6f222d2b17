import assert from "node:assert/strict";
import { type CliConfig, parseArgs } from "../../lib/cli/args.ts";
import { UsageError } from "../../lib/cli/errors.ts";
import { VERSION } from "../../lib/version.ts";

function run(argv: string[], env: Record<string, string> = {}): CliConfig {
  const parsed = parseArgs(argv, { getEnv: (name) => env[name], cwd: "/somewhere" });
  assert.equal(parsed.kind, "run");
  return parsed.config;
}

function usageError(argv: string[], env: Record<string, string> = {}): string {
  try {
    run(argv, env);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`${argv.join(" ")} was accepted`);
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

Deno.test("parseArgs() prints help that lists the flags and the variables", () => {
  const parsed = parseArgs(["--help"]);
  assert.equal(parsed.kind, "print");
  for (const word of ["--no-docker", "--max-steps", "--env", "PYGENT_TIMEOUT", "/save FILE"]) {
    assert.ok(parsed.kind === "print" && parsed.text.includes(word), word);
  }
});

Deno.test("parseArgs() lets a flag beat its variable", () => {
  const env = {
    PYGENT_USE_DOCKER: "1",
    PYGENT_IMAGE: "alpine",
    PYGENT_MODEL: "m-env",
    PYGENT_TIMEOUT: "5",
    PYGENT_MAX_STEPS: "3",
  };
  assert.deepEqual(
    [run([], env).runtime.docker, run([], env).runtime.image, run([], env).model],
    [true, "alpine", "m-env"],
  );
  const config = run(
    ["--no-docker", "--image", "debian", "--model", "m-flag", "--timeout", "9", "--max-steps", "7"],
    env,
  );
  assert.deepEqual(
    [
      config.runtime.docker,
      config.runtime.image,
      config.model,
      config.timeoutSeconds,
      config.maxSteps,
    ],
    [false, "debian", "m-flag", 9, 7],
  );
});

Deno.test("parseArgs() leaves Docker to be decided when neither flag nor variable says", () => {
  assert.equal(run([]).runtime.docker, undefined);
  assert.equal(run(["--docker"]).runtime.docker, true);
});

Deno.test("parseArgs() reads the sandbox flags of issue 8", () => {
  const config = run(
    [
      ...["--root", "--network", "--cpus", "1.5", "--memory", "2g", "--pids-limit", "64"],
      ...["--env", "A=1", "--env", "HOME_DIR"],
    ],
    { HOME_DIR: "/home/me" },
  );
  assert.equal(config.runtime.user, "root");
  assert.equal(config.runtime.network, true);
  assert.equal(config.runtime.cpus, 1.5);
  assert.equal(config.runtime.memoryBytes, 2 * 1024 ** 3);
  assert.equal(config.runtime.pidsLimit, 64);
  assert.deepEqual(config.runtime.env, { A: "1", HOME_DIR: "/home/me" });
});

Deno.test("parseArgs() accepts the smallest limits the runtime takes", () => {
  const parsed = parseArgs(["--memory", "6m", "--pids-limit", "8", "--cpus", "0.01"], {
    getEnv: () => undefined,
  });
  assert.ok(parsed.kind === "run");
  assert.deepEqual(
    [
      parsed.config.runtime.memoryBytes,
      parsed.config.runtime.pidsLimit,
      parsed.config.runtime.cpus,
    ],
    [6 * 1024 ** 2, 8, 0.01],
  );
});

Deno.test("parseArgs() takes the current directory as the workspace with --cwd", () => {
  assert.equal(run(["--cwd"]).runtime.workspace, "/somewhere");
});

Deno.test("parseArgs() refuses bad flags and bad values with messages that name them", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--bogus"], {}, /unknown option '--bogus'/],
    [["--timeout", "soon"], {}, /--timeout=soon is not valid/],
    [["--max-steps", "0"], {}, /--max-steps=0 is not valid/],
    [["--memory", "lots"], {}, /--memory "lots" is not valid/],
    [["--cpus", "-1"], {}, /--cpus "-1" is not valid/],
    [["--pids-limit", "lots"], {}, /--pids-limit=lots is not valid/],
    [["--memory", "1m"], {}, /^--memory 1m is too small; use at least 6m\.$/],
    [["--pids-limit", "3"], {}, /^--pids-limit 3 is too small; use at least 8\.$/],
    [["--cpus", "0.001"], {}, /^--cpus 0\.001 is too small; use at least 0\.01\.$/],
    [["--env", "1X=2"], {}, /--env "1X=2" is not valid/],
    [["--env", "UNSET_HERE"], {}, /UNSET_HERE is not set here/],
    [["--workspace", "/no/such/folder"], {}, /no such folder/],
    [["--cwd", "--workspace", "."], {}, /give one of them/],
    [["--image", " "], {}, /--image is empty/],
    [[], { PYGENT_USE_DOCKER: "maybe" }, /PYGENT_USE_DOCKER=maybe is not valid/],
    [[], { PYGENT_TIMEOUT: "-3" }, /PYGENT_TIMEOUT=-3 is not valid/],
    [[], { PYGENT_MAX_STEPS: "2.5" }, /PYGENT_MAX_STEPS=2.5 is not valid/],
    [[], { PYGENT_WORKSPACE: "/no/such/folder" }, /PYGENT_WORKSPACE=\/no\/such\/folder/],
  ];
  for (const [argv, env, pattern] of cases) assert.match(usageError(argv, env), pattern);
});
