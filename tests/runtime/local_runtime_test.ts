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
