import assert from "node:assert/strict";
import { createTar, readTar } from "../../lib/docker/mod.ts";

Deno.test("a tar archive made here reads back the same files", () => {
  const content = crypto.getRandomValues(new Uint8Array(1500));
  const tar = createTar([{ name: "dir/a.bin", content }, {
    name: "b.txt",
    content: new Uint8Array(),
  }]);
  assert.equal(tar.length % 512, 0);
  const files = readTar(tar);
  assert.deepEqual(files.map((f) => f.name), ["dir/a.bin", "b.txt"]);
  assert.deepEqual(files[0].content, content);
  assert.equal(files[1].content.length, 0);
});

Deno.test("a name longer than tar allows is refused", () => {
  assert.throws(
    () => createTar([{ name: "x".repeat(101), content: new Uint8Array() }]),
    /too long/,
  );
});
