import assert from "node:assert/strict";
import { writeFileTool } from "../../../lib/agent/mod.ts";
import { withContext } from "./_runtime.ts";

Deno.test("write_file creates a file and its parent folders and says what it wrote", () =>
  withContext(async (context, runtime) => {
    const out = await writeFileTool.run(
      { path: "src/pkg/mod.py", content: "x = 1\ny = 2\n" },
      context,
    );
    assert.equal(out, "Wrote src/pkg/mod.py (2 lines, 12 bytes).");
    assert.equal(await runtime.readFile("src/pkg/mod.py"), "x = 1\ny = 2\n");
  }));

Deno.test("write_file overwrites an existing file", () =>
  withContext(async (context, runtime) => {
    await runtime.writeFile("a.txt", "old content\n");
    await writeFileTool.run({ path: "a.txt", content: "new" }, context);
    assert.equal(await runtime.readFile("a.txt"), "new");
  }));
