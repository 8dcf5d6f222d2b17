// The shell parser: loaded once, lazily, shared (lib/policy/shell_parser.ts).
import assert from "node:assert/strict";
import { loadBashParser } from "../../lib/policy/shell_parser.ts";

Deno.test("loadBashParser() loads one parser and shares it", async () => {
  const [a, b] = await Promise.all([loadBashParser(), loadBashParser()]);
  assert.equal(a, b);
  assert.equal(await loadBashParser(), a);
});

Deno.test("the parser reads bash into a tree", async () => {
  const tree = (await loadBashParser()).parse("git status && ls");
  try {
    assert.equal(
      tree.rootNode.toString(),
      "(program (list (command name: (command_name (word)) " +
        "argument: (word)) (command name: (command_name (word)))))",
    );
  } finally {
    tree.delete();
  }
});

Deno.test("the parser needs no permission: its wasm is embedded", async () => {
  const shellParser = new URL("../../lib/policy/shell_parser.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-lock", "--no-prompt", "-"],
    cwd: new URL("../..", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(
    `const { loadBashParser } = await import(${JSON.stringify(shellParser)});\n` +
      `(await loadBashParser()).parse("ls").delete();\nconsole.log("parsed");\n`,
  ));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  assert.ok(success, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout).trim(), "parsed");
});

Deno.test("parseWithin() gives up on a parse that outlasts its deadline, and parses on after", async () => {
  const parser = await loadBashParser();
  const start = performance.now();
  assert.equal(parser.parseWithin(")".repeat(16_384), performance.now() + 20), undefined);
  assert.ok(performance.now() - start < 1_000);
  const tree = parser.parseWithin("git status", performance.now() + 1_000);
  try {
    assert.equal(
      tree?.rootNode.toString(),
      "(program (command name: (command_name (word)) argument: (word)))",
    );
  } finally {
    tree?.delete();
  }
});
