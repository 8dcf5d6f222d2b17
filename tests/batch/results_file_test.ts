import assert from "node:assert/strict";
import { ResultsFile, ResultsFileError, type TaskResult } from "../../lib/batch/mod.ts";

function result(id: string): TaskResult {
  return {
    id,
    outcome: "done",
    engine: "unix:///var/run/docker.sock",
    steps: 2,
    durationMs: 10,
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    session: "s",
  };
}

async function withFile(text: string | undefined, fn: (file: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/results.jsonl`;
    if (text !== undefined) await Deno.writeTextFile(file, text);
    await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ResultsFile appends one line per result, and knows its ids when opened again", async () => {
  await withFile(undefined, async (file) => {
    const results = await ResultsFile.open(file);
    assert.equal(results.has("a"), false);
    await results.append(result("a"));
    await results.append(result("b"));
    const lines = (await Deno.readTextFile(file)).split("\n");
    assert.deepEqual(lines.slice(0, 2).map((line) => JSON.parse(line)), [result("a"), result("b")]);
    assert.equal(lines[2], "");
    const again = await ResultsFile.open(file);
    assert.deepEqual([again.has("a"), again.has("b"), again.has("c")], [true, true, false]);
  });
});

Deno.test("ResultsFile ignores a torn last line, and cuts it off before the next result", async () => {
  const whole = JSON.stringify(result("a")) + "\n";
  const torn = JSON.stringify(result("b")).slice(0, 20);
  await withFile(whole + torn, async (file) => {
    const results = await ResultsFile.open(file);
    assert.deepEqual([results.has("a"), results.has("b")], [true, false]);
    await results.append(result("c"));
    assert.equal(await Deno.readTextFile(file), whole + JSON.stringify(result("c")) + "\n");
  });
});

Deno.test("ResultsFile refuses a file whose middle line is not a result", async () => {
  await withFile(`not json\n${JSON.stringify(result("a"))}\n`, async (file) => {
    await assert.rejects(ResultsFile.open(file), ResultsFileError, `${file} line 1`);
  });
});

Deno.test("ResultsFile ends a last result without a newline before appending the next", async () => {
  await withFile(JSON.stringify(result("a")), async (file) => {
    const results = await ResultsFile.open(file);
    assert.equal(results.has("a"), true);
    await results.append(result("b"));
    const again = await ResultsFile.open(file);
    assert.deepEqual([again.has("a"), again.has("b")], [true, true]);
  });
});

Deno.test("ResultsFile writes appends made at once one at a time, in the order made", async () => {
  const whole = JSON.stringify(result("a")) + "\n";
  await withFile(whole + JSON.stringify(result("torn")).slice(0, 20), async (file) => {
    const results = await ResultsFile.open(file);
    // A long line first: written at the same time, the short ones would land before it.
    const long = { ...result("long"), error: "x".repeat(16 << 20) };
    const made = [long, ...Array.from({ length: 10 }, (_, i) => result(`t${i}`))];
    await Promise.all(made.map((line) => results.append(line)));
    assert.ok(
      await Deno.readTextFile(file) ===
        whole + made.map((line) => JSON.stringify(line) + "\n").join(""),
    );
  });
});
