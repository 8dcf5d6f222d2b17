// The host runtime (issue #2, #7).
import assert from "node:assert/strict";
import { createRuntime, isSecretName } from "../../lib/runtime/mod.ts";
import { cmdLine, parseTrailer } from "../../lib/runtime/windows_commands.ts";

Deno.test("local commands run without OPENAI_* variables or API keys", async () => {
  Deno.env.set("OPENAI_API_KEY", "sk-must-not-leak");
  Deno.env.set("OPENAI_BASE_URL", "http://leak.invalid");
  Deno.env.set("SOME_SERVICE_API_KEY", "also-secret");
  const rt = await createRuntime({ docker: false, env: { EXTRA: "given" } });
  try {
    const r = await rt.bash("env");
    assert.doesNotMatch(r.stdout, /sk-must-not-leak|leak\.invalid|also-secret/);
    assert.match(r.stdout, /^EXTRA=given$/m);
    assert.match(r.stdout, /^PATH=/m);
  } finally {
    await rt.cleanup();
    Deno.env.delete("OPENAI_API_KEY");
    Deno.env.delete("OPENAI_BASE_URL");
    Deno.env.delete("SOME_SERVICE_API_KEY");
  }
});

Deno.test("secret names are recognised", () => {
  assert.equal(isSecretName("OPENAI_API_KEY"), true);
  assert.equal(isSecretName("OPENAI_ORG_ID"), true);
  assert.equal(isSecretName("GROQ_API_KEY"), true);
  assert.equal(isSecretName("PATH"), false);
  assert.equal(isSecretName("HOME"), false);
});

Deno.test("names holding KEY, SECRET or TOKEN in any case are secrets, as Codex drops them", () => {
  for (
    const name of [
      "AWS_SECRET_ACCESS_KEY",
      "GITHUB_TOKEN",
      "npm_token",
      "client_secret",
      "SSH_KEY_PATH",
      "DB_PASSWORD",
      "PGPASSWORD",
      "GOOGLE_APPLICATION_CREDENTIALS",
    ]
  ) {
    assert.equal(isSecretName(name), true, name);
  }
  for (const name of ["LANG", "TERM", "USER", "SHELL", "PWD"]) {
    assert.equal(isSecretName(name), false, name);
  }
});

Deno.test("local commands see no token, secret or password of the host, unless passed by name", async () => {
  const secrets = {
    AWS_SECRET_ACCESS_KEY: "aws-must-not-leak",
    GITHUB_TOKEN: "gh-must-not-leak",
    DB_PASSWORD: "db-must-not-leak",
  };
  for (const [name, value] of Object.entries(secrets)) Deno.env.set(name, value);
  // --env NAME passes one on purpose: the CLI resolves it to its value.
  const rt = await createRuntime({ docker: false, env: { GITHUB_TOKEN: "gh-given" } });
  try {
    const r = await rt.bash("env");
    assert.doesNotMatch(r.stdout, /must-not-leak/);
    assert.match(r.stdout, /^GITHUB_TOKEN=gh-given$/m);
  } finally {
    await rt.cleanup();
    for (const name of Object.keys(secrets)) Deno.env.delete(name);
  }
});

Deno.test("the local runtime describes the host and works in its workspace", async () => {
  const rt = await createRuntime({ docker: false });
  try {
    assert.deepEqual(rt.sandbox, { kind: "local", os: Deno.build.os, shell: "bash" });
    await rt.writeFile("hello.txt", "hi");
    assert.equal((await rt.bash("cat hello.txt")).stdout, "hi");
  } finally {
    await rt.cleanup();
  }
  await assert.rejects(Deno.stat(rt.workspace), Deno.errors.NotFound);
});

Deno.test("on Windows the local runtime says it runs cmd.exe", async () => {
  const rt = await createRuntime({ docker: false, os: "windows" });
  try {
    assert.deepEqual(rt.sandbox, { kind: "local", os: "windows", shell: "cmd.exe" });
  } finally {
    await rt.cleanup();
  }
});

Deno.test("a Windows command line prints the marker, exit code and directory after the command", () => {
  assert.equal(
    cmdLine("cd src && echo hi!", "tok"),
    '/d /s /c "cd src && echo hi! & call echo tok:%^errorlevel% & cd"',
  );
});

Deno.test("the Windows trailer gives the exit code and the directory to carry over", () => {
  assert.deepEqual(parseTrailer("3\r\nC:\\work\\src\r\n"), { exitCode: 3, cwd: "C:\\work\\src" });
  assert.deepEqual(parseTrailer(""), { exitCode: 1, cwd: undefined });
});

Deno.test("a host shell killed just before a command: the command runs once, in a fresh shell", async () => {
  const rt = await createRuntime({ docker: false });
  try {
    const pid = Number((await rt.bash("echo $$")).stdout);
    Deno.kill(pid, "SIGKILL");
    const r = await rt.bash("echo ran >> once.txt; echo two");
    assert.deepEqual([r.stdout, r.exitCode], ["two\n", 0]);
    assert.match(r.notice ?? "", /fresh shell/);
    assert.equal((await rt.bash("cat once.txt")).stdout, "ran\n");
  } finally {
    await rt.cleanup();
  }
});
