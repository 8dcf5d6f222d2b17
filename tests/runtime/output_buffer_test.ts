import assert from "node:assert/strict";
import { BoundedOutput, MarkedStream } from "../../lib/runtime/output_buffer.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("output under the limit is kept whole", () => {
  const out = new BoundedOutput(100);
  out.push(bytes("hello "));
  out.push(bytes("world"));
  assert.equal(out.text(), "hello world");
  assert.equal(out.omittedBytes, 0);
});

Deno.test("output over the limit keeps head and tail and counts what was left out", () => {
  const out = new BoundedOutput(8);
  for (const c of "0123456789abcdef") out.push(bytes(c));
  assert.equal(out.text(), "0123\n[... 8 bytes omitted ...]\ncdef");
});

Deno.test("a marker split across chunks is found and what follows is kept apart", () => {
  const stream = new MarkedStream(bytes("MARK:"), 1000);
  for (const piece of ["out", "putMA", "RK", ":0\nlate"]) stream.push(bytes(piece));
  assert.equal(stream.found, true);
  assert.equal(stream.output.text(), "output");
  assert.equal(stream.after, "0\nlate");
});

Deno.test("without a marker, held-back bytes are flushed at the end", () => {
  const stream = new MarkedStream(bytes("MARK:"), 1000);
  stream.push(bytes("ends with MAR"));
  stream.end();
  assert.equal(stream.found, false);
  assert.equal(stream.output.text(), "ends with MAR");
});
