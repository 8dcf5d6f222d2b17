import assert from "node:assert/strict";
import { readFileTool, ToolError } from "../../../lib/agent/mod.ts";
import { withContext } from "./_runtime.ts";

Deno.test("read_file returns a whole file as it is", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("a.txt", "one\ntwo");
    assert.equal(await readFileTool.run({ path: "a.txt" }, context), "one\ntwo");
  }));

Deno.test("read_file returns the lines from start_line to end_line with their place", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("a.txt", "one\ntwo\nthree\nfour\n");
    const out = await readFileTool.run({ path: "a.txt", start_line: 2, end_line: 3 }, context);
    assert.equal(out, "[lines 2-3 of 4]\ntwo\nthree\n");
  }));

Deno.test("read_file reads to the end when end_line is past it", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("a.txt", "one\ntwo\nthree");
    const out = await readFileTool.run({ path: "a.txt", start_line: 3, end_line: 99 }, context);
    assert.equal(out, "[lines 3-3 of 3]\nthree");
  }));

Deno.test("read_file refuses a start_line past the end of the file", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("a.txt", "one\n");
    await assert.rejects(
      readFileTool.run({ path: "a.txt", start_line: 5 }, context),
      (e) =>
        e instanceof ToolError && e.message === "a.txt has 1 lines; start_line 5 is past its end.",
    );
  }));
