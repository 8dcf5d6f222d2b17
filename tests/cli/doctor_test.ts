import assert from "node:assert/strict";
import { parseDoctorArgs } from "../../lib/cli/args.ts";
import type { CommandIo } from "../../lib/cli/command_io.ts";
import { doctorTable, runDoctorCommand } from "../../lib/cli/doctor.ts";
import { CHECK_IDS, type DoctorReport } from "../../lib/doctor/mod.ts";
import { VERSION } from "../../lib/version.ts";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { ensureUser, runAs, userTest } from "../support/user.ts";
import { MAIN, runCli } from "./cli_process.ts";

const NOWHERE = "unix:///nonexistent/pygent-doctor/docker.sock";

/** A temporary folder for the user config (`XDG_CONFIG_HOME`) and a workspace, removed after. */
async function withHome<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-doctor-" }));
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function report(stdout: string): DoctorReport {
  const parsed = JSON.parse(stdout) as DoctorReport;
  assert.equal(parsed.version, VERSION);
  assert.deepEqual(parsed.checks.map((check) => check.id), [...CHECK_IDS]);
  for (const check of parsed.checks) {
    assert.ok(["ok", "warn", "fail"].includes(check.status), check.id);
    assert.equal(typeof check.summary, "string");
    assert.ok(Number.isInteger(check.durationMs) && check.durationMs >= 0, check.id);
    if (check.status !== "ok") assert.equal(typeof check.remediation, "string", check.id);
  }
  return parsed;
}

function check(parsed: DoctorReport, id: string) {
  const found = parsed.checks.find((c) => c.id === id);
  assert.ok(found, id);
  return found;
}

dockerTest(
  "pygent doctor --json passes every check with an engine, the image and a model server",
  async () => {
    await using server = await OpenAIServer.start([], { apiKey: "test-key" });
    await withHome(async (dir) => {
      await Deno.mkdir(`${dir}/ws`);
      const started = performance.now();
      const result = await runCli(["doctor", "--json", "--model", "test-model", "--cwd"], {
        server,
        cwd: `${dir}/ws`,
        env: { XDG_CONFIG_HOME: `${dir}/xdg` },
      });
      const elapsed = performance.now() - started;
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const parsed = report(result.stdout);
      for (const c of parsed.checks) assert.equal(c.status, "ok", `${c.id}: ${c.summary}`);
      assert.match(check(parsed, "sandbox").summary, /no capabilities, no network, removed/);
      assert.match(check(parsed, "model").summary, /test-model is listed/);
      assert.match(check(parsed, "workspace").summary, /\/ws is writable by the sandbox's user/);
      assert.doesNotMatch(result.stdout + result.stderr, /test-key/);
      assert.deepEqual([...Deno.readDirSync(`${dir}/ws`)], []);
      assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
    });
  },
);

Deno.test("pygent doctor --json with DOCKER_HOST pointing nowhere fails the engine check and exits 1", async () => {
  await using server = await OpenAIServer.start();
  await withHome(async (dir) => {
    const result = await runCli(["doctor", "--json", "--model", "test-model"], {
      server,
      env: { XDG_CONFIG_HOME: dir, DOCKER_HOST: NOWHERE },
    });
    assert.equal(result.code, 1, result.stderr);
    const parsed = report(result.stdout);
    const engine = check(parsed, "engine");
    assert.equal(engine.status, "fail");
    assert.match(engine.summary, /nonexistent\/pygent-doctor\/docker.sock: no socket there/);
    assert.match(engine.summary, /in auto mode commands would run on the host/);
    assert.match(engine.remediation ?? "", /Start Docker/);
    assert.equal(check(parsed, "image").status, "warn");
    assert.equal(check(parsed, "sandbox").status, "warn");
    assert.equal(check(parsed, "model").status, "ok");
    assert.equal(check(parsed, "config").status, "ok");
  });
});

Deno.test("pygent doctor --json with a key the server refuses fails the model check and never prints the key", async () => {
  await using server = await OpenAIServer.start([], { apiKey: "the-right-key" });
  await withHome(async (dir) => {
    const key = "sk-doctor-wrong-0123456789abcdef";
    const result = await runCli(["doctor", "--json", "--model", "test-model"], {
      server,
      env: { XDG_CONFIG_HOME: dir, DOCKER_HOST: NOWHERE, OPENAI_API_KEY: key },
    });
    assert.equal(result.code, 1, result.stderr);
    const model = check(report(result.stdout), "model");
    assert.equal(model.status, "fail");
    assert.match(model.summary, /refused the API key from OPENAI_API_KEY: 401/);
    assert.match(model.remediation ?? "", /OPENAI_API_KEY/);
    assert.doesNotMatch(result.stdout + result.stderr, /doctor-wrong|0123456789abcdef/);
  });
});

Deno.test("pygent doctor --json fails the config check on a bad config file, with its message", async () => {
  await using server = await OpenAIServer.start();
  await withHome(async (dir) => {
    await Deno.mkdir(`${dir}/pygent`);
    await Deno.writeTextFile(`${dir}/pygent/config.toml`, 'memory = "lots"\n');
    const result = await runCli(["doctor", "--json"], {
      server,
      env: { XDG_CONFIG_HOME: dir, DOCKER_HOST: NOWHERE },
    });
    assert.equal(result.code, 1, result.stderr);
    const parsed = report(result.stdout);
    const config = check(parsed, "config");
    assert.equal(config.status, "fail");
    assert.match(config.summary, /"memory" in .*config\.toml line 1 is not valid/);
    assert.match(check(parsed, "model").summary, /not checked: the settings could not be read/);
  });
});

Deno.test("pygent doctor prints one row per check and what to do under a failed one", async () => {
  await using server = await OpenAIServer.start();
  await withHome(async (dir) => {
    const result = await runCli(["doctor", "--model", "test-model"], {
      server,
      env: { XDG_CONFIG_HOME: dir, DOCKER_HOST: NOWHERE },
    });
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stdout.split("\n");
    assert.equal(lines[0], `pygent ${VERSION} doctor`);
    for (const id of CHECK_IDS) {
      assert.equal(
        lines.filter((line) => new RegExp(`^(ok|warn|fail) +${id} `).test(line)).length,
        1,
        id,
      );
    }
    const engine = lines.findIndex((line) => /^fail +engine /.test(line));
    assert.match(lines[engine + 1], /^ +→ Start Docker/);
    assert.match(result.stdout, /\d+ ok, \d+ warn, 1 fail in \d+\.\d s\n$/);
  });
});

userTest(
  "pygent doctor run as a user outside the docker group fails the permission check",
  async () => {
    const user = await ensureUser("pygent-outsider", false);
    await using server = await OpenAIServer.start();
    const result = await runAs(user, MAIN, [
      "doctor",
      "--json",
      "--base-url",
      server.baseURL,
      "--model",
      "test-model",
    ]);
    assert.equal(result.code, 1, result.stderr);
    const parsed = report(result.stdout);
    const permission = check(parsed, "permission");
    assert.equal(permission.status, "fail");
    assert.match(
      permission.summary,
      /user pygent-outsider \(uid \d+\) cannot open \/var\/run\/docker.sock/,
    );
    assert.match(permission.summary, /group docker/);
    assert.match(permission.remediation ?? "", /sudo usermod -aG docker \$USER/);
    assert.match(permission.remediation ?? "", /rootless Docker/);
    assert.match(check(parsed, "engine").summary, /permission denied \(see permission\)/);
    assert.equal(check(parsed, "model").status, "ok");
  },
);

userTest(
  "pygent doctor run as a user in the docker group checks a sandbox running as that user",
  async () => {
    const user = await ensureUser("pygent-tester", true);
    await using server = await OpenAIServer.start();
    const result = await runAs(user, MAIN, [
      "doctor",
      "--json",
      "--base-url",
      server.baseURL,
      "--model",
      "test-model",
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const parsed = report(result.stdout);
    for (const c of parsed.checks) assert.equal(c.status, "ok", `${c.id}: ${c.summary}`);
    assert.match(check(parsed, "permission").summary, /opened as user pygent-tester/);
    assert.match(check(parsed, "sandbox").summary, new RegExp(`, uid ${user.uid}, `));
  },
);

Deno.test("runDoctorCommand() refuses an unknown flag with exit code 2", async () => {
  let stderr = "";
  const io: CommandIo = {
    out: () => {},
    err: (text) => stderr += text,
    getEnv: () => undefined,
    cwd: Deno.cwd(),
  };
  assert.equal(await runDoctorCommand(["--bogus"], io), 2);
  assert.match(stderr, /unknown option '--bogus'.*pygent doctor --help/);
});

Deno.test("parseDoctorArgs() keeps a workspace that does not exist, for the workspace check", () => {
  const parsed = parseDoctorArgs(["--workspace", "missing", "--model", "m"], {
    cwd: "/nonexistent",
    getEnv: () => undefined,
  });
  assert.deepEqual(parsed, {
    kind: "doctor",
    args: { flags: { model: "m" }, workspace: "/nonexistent/missing", json: false },
  });
});

Deno.test("doctorTable() puts what to do under a row that is not ok, and counts the statuses", () => {
  const text = doctorTable({
    version: "9.9.9",
    checks: [
      { id: "config", status: "ok", summary: "no project file", durationMs: 1 },
      {
        id: "permission",
        status: "fail",
        summary: "cannot open the socket",
        remediation: "join the group",
        durationMs: 2,
      },
      { id: "model", status: "warn", summary: "lists\u001b[2J no models", durationMs: 3 },
    ],
  }, 1_234);
  assert.equal(
    text,
    [
      "pygent 9.9.9 doctor",
      "",
      "ok    config      no project file",
      "fail  permission  cannot open the socket",
      "                  → join the group",
      "warn  model       lists^[[2J no models",
      "",
      "1 ok, 1 warn, 1 fail in 1.2 s",
      "",
    ].join("\n"),
  );
});
