import assert from "node:assert/strict";
import { editFileTool, ToolError } from "../../../lib/agent/mod.ts";
import { withContext } from "./_runtime.ts";

Deno.test("edit_file replaces the one occurrence of old with new", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("app.py", "a = 1\nb = 2\n");
    const out = await editFileTool.run({ path: "app.py", old: "b = 2", new: "b = 3" }, context);
    assert.equal(out, "Edited app.py at line 2.");
    assert.equal(await runtime.readFile("app.py"), "a = 1\nb = 3\n");
  }));

Deno.test("edit_file refuses text that is absent and leaves the file untouched", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("app.py", "a = 1\n");
    await assert.rejects(
      editFileTool.run({ path: "app.py", old: "a = 2", new: "a = 3" }, context),
      (e) =>
        e instanceof ToolError && /was not found in app\.py; the file is unchanged/.test(e.message),
    );
    assert.equal(await runtime.readFile("app.py"), "a = 1\n");
  }));

Deno.test("edit_file refuses text that occurs more than once and leaves the file untouched", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("app.py", "x = 0\nx = 0\n");
    await assert.rejects(
      editFileTool.run({ path: "app.py", old: "x = 0", new: "x = 1" }, context),
      (e) =>
        e instanceof ToolError &&
        /occurs 2 times in app\.py; the file is unchanged/.test(e.message),
    );
    assert.equal(await runtime.readFile("app.py"), "x = 0\nx = 0\n");
  }));
