import assert from "node:assert/strict";
import { bashTool } from "../../../lib/agent/mod.ts";
import { withContext } from "./_runtime.ts";

Deno.test("bash gives stdout, then stderr apart, then the exit code", () =>
  withContext(async (context) => {
    const out = await bashTool.run({ cmd: "echo out; echo err >&2; (exit 3)" }, context);
    assert.deepEqual(out, {
      content: "out\n[stderr]\nerr\n[exit code 3]",
      isError: true,
      exitCode: 3,
      timedOut: false,
    });
  }));

Deno.test("bash's timeout argument, in seconds, kills a command and says so", () =>
  withContext(async (context) => {
    const out = await bashTool.run({ cmd: "echo started; sleep 10", timeout: 1 }, context);
    assert.ok(typeof out !== "string" && out.timedOut);
    assert.match(
      typeof out === "string" ? out : out.content,
      /^started\n[^]*\[timed out after 1 s: the command and everything it started were killed; exit code \d+/,
    );
  }));

Deno.test("bash passes on the runtime's notice that the shell was reset", () =>
  withContext(async (context) => {
    const out = await bashTool.run({ cmd: "exit 4" }, context);
    assert.ok(typeof out !== "string");
    assert.match(out.notice ?? "", /The shell ended/);
    assert.match(out.content, /\[exit code 4\]\n\[notice: The shell ended/);
  }));
