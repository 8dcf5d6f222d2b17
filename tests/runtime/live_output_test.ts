// Live output: BashOptions.onOutput (issue 13 §1).
import assert from "node:assert/strict";
import { createRuntime, type OutputChunk, type Runtime } from "../../lib/runtime/mod.ts";
import { LiveText, MarkedStream } from "../../lib/runtime/output_buffer.ts";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";

const encoder = new TextEncoder();

/** Runs `cmd`, recording each chunk of output with when it came (ms after the call began). */
async function runLive(rt: Runtime, cmd: string, options: { timeoutMs?: number } = {}) {
  const chunks: (OutputChunk & { at: number })[] = [];
  const started = performance.now();
  const result = await rt.bash(cmd, {
    ...options,
    onOutput: (chunk) => chunks.push({ ...chunk, at: performance.now() - started }),
  });
  return { result, chunks };
}

function textOf(chunks: OutputChunk[], stream: OutputChunk["stream"]): string {
  return chunks.filter((chunk) => chunk.stream === stream).map((chunk) => chunk.text).join("");
}

Deno.test("onOutput gets a command's first line while the command still runs", async () => {
  await using rt = await createRuntime({ docker: false });
  const { result, chunks } = await runLive(rt, "echo first; sleep 1; echo second");
  assert.equal(chunks[0].text, "first\n");
  assert.ok(chunks[0].at < 600, `the first line came after ${chunks[0].at} ms`);
  assert.ok(result.durationMs >= 1000);
});

Deno.test("onOutput gets stdout and stderr in the order the command printed them", async () => {
  await using rt = await createRuntime({ docker: false });
  const { chunks } = await runLive(
    rt,
    "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three",
  );
  assert.deepEqual(chunks.map(({ stream, text }) => ({ stream, text })), [
    { stream: "stdout", text: "one\n" },
    { stream: "stderr", text: "two\n" },
    { stream: "stdout", text: "three\n" },
  ]);
});

Deno.test("what onOutput got is exactly the result's stdout and stderr", async () => {
  await using rt = await createRuntime({ docker: false });
  const { result, chunks } = await runLive(
    rt,
    "for i in $(seq 1 2000); do echo line $i; echo err $i >&2; done",
  );
  assert.equal(textOf(chunks, "stdout"), result.stdout);
  assert.equal(textOf(chunks, "stderr"), result.stderr);
});

Deno.test("onOutput gets a character split between two writes whole", async () => {
  await using rt = await createRuntime({ docker: false });
  // "é" is C3 A9 in UTF-8: its two bytes come a moment apart.
  const { chunks } = await runLive(rt, "printf 'caf\\303'; sleep 0.3; printf '\\251\\n'");
  assert.equal(textOf(chunks, "stdout"), "café\n");
  assert.ok(chunks.every((chunk) => !chunk.text.includes("\ufffd")));
});

Deno.test("a command that times out has given onOutput what it printed before", async () => {
  await using rt = await createRuntime({ docker: false });
  const { result, chunks } = await runLive(rt, "echo started; sleep 30", { timeoutMs: 800 });
  assert.equal(result.timedOut, true);
  assert.equal(textOf(chunks, "stdout"), "started\n");
  assert.equal(result.stdout, "started\n");
});

Deno.test("an aborted command has given onOutput what it printed before it was stopped", async () => {
  await using rt = await createRuntime({ docker: false });
  const controller = new AbortController();
  const seen: string[] = [];
  const run = rt.bash("echo started; sleep 30", {
    signal: controller.signal,
    onOutput: (chunk) => {
      seen.push(chunk.text);
      controller.abort();
    },
  });
  await assert.rejects(run, (e) => e instanceof DOMException && e.name === "AbortError");
  assert.deepEqual(seen, ["started\n"]);
  assert.equal((await rt.bash("echo next")).stdout, "next\n");
});

Deno.test("a command's output with no one listening is the same as with onOutput", async () => {
  await using rt = await createRuntime({ docker: false });
  const cmd = "printf 'a\\r\\nb\\303\\251'; echo x >&2";
  const quiet = await rt.bash(cmd);
  const { result } = await runLive(rt, cmd);
  assert.equal(result.stdout, quiet.stdout);
  assert.equal(result.stderr, quiet.stderr);
});

dockerTest("in a container, onOutput gets output while the command runs", async () => {
  await using rt = await createRuntime({ docker: true, image: TEST_IMAGE });
  const { result, chunks } = await runLive(
    rt,
    "for i in 1 2 3; do echo tick $i; echo warn $i >&2; sleep 0.3; done",
  );
  assert.equal(textOf(chunks, "stdout"), "tick 1\ntick 2\ntick 3\n");
  assert.equal(textOf(chunks, "stderr"), "warn 1\nwarn 2\nwarn 3\n");
  assert.ok(chunks[0].at < result.durationMs - 500, `first chunk at ${chunks[0].at} ms`);
});

Deno.test("MarkedStream passes on a chunk at once when its end cannot start the marker", () => {
  const seen: string[] = [];
  const stream = new MarkedStream(encoder.encode("abc:"), 1024, (bytes) => {
    seen.push(new TextDecoder().decode(bytes));
  });
  stream.push(encoder.encode("line\n"));
  assert.deepEqual(seen, ["line\n"]);
});

Deno.test("MarkedStream holds back an end that could start the marker, and no more", () => {
  const seen: string[] = [];
  const stream = new MarkedStream(encoder.encode("abc:"), 1024, (bytes) => {
    seen.push(new TextDecoder().decode(bytes));
  });
  stream.push(encoder.encode("xyab"));
  assert.deepEqual(seen, ["xy"]);
  stream.push(encoder.encode("d\nabc:0\n"));
  assert.deepEqual(seen, ["xy", "abd\n"]);
  assert.equal(stream.found, true);
  assert.equal(stream.output.text(), "xyabd\n");
});

Deno.test("MarkedStream finds a marker split across many chunks", () => {
  const stream = new MarkedStream(encoder.encode("abc:"), 1024);
  for (const piece of ["out a", "a", "b", "c", ":7\n"]) stream.push(encoder.encode(piece));
  assert.equal(stream.found, true);
  assert.equal(stream.output.text(), "out a");
  assert.equal(stream.after, "7\n");
});

Deno.test("LiveText ends a stream cut in the middle of a character with U+FFFD", () => {
  const seen: string[] = [];
  const live = new LiveText((text) => seen.push(text));
  live.push(new Uint8Array([0x6f, 0x6b, 0xe2, 0x82]));
  live.end();
  assert.deepEqual(seen, ["ok", "\ufffd"]);
});
