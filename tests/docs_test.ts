// `deno task docs` (issue 13 §4): the API reference is built from the JSDoc, offline.
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

Deno.test("deno task docs writes the API reference as HTML into docs/api", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "docs"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const index = await Deno.readTextFile(new URL("docs/api/index.html", root));
  assert.match(index, /Pygent/);
  const all = await Deno.readTextFile(new URL("docs/api/all_symbols.html", root));
  for (const name of ["Agent", "createRuntime", "checkCommand", "SandboxUnavailableError"]) {
    assert.match(all, new RegExp(`\\b${name}\\b`), `${name} is documented`);
  }
});
