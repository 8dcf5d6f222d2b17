import assert from "node:assert/strict";
import { createTar, readTar, tarStream } from "../../lib/docker/mod.ts";

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

Deno.test("folders, symbolic links, modes and owners read back as written", () => {
  const tar = createTar([
    { name: "bin", type: "directory", mode: 0o750, uid: 1234, gid: 99 },
    { name: "bin/run", content: new TextEncoder().encode("#!/bin/sh\n"), mode: 0o755 },
    { name: "bin/latest", type: "symlink", linkName: "run" },
  ]);
  assert.deepEqual(
    readTar(tar).map(({ name, type, mode, uid, gid, linkName }) => ({
      name,
      type,
      mode,
      uid,
      gid,
      linkName,
    })),
    [
      { name: "bin", type: "directory", mode: 0o750, uid: 1234, gid: 99, linkName: "" },
      { name: "bin/run", type: "file", mode: 0o755, uid: 0, gid: 0, linkName: "" },
      { name: "bin/latest", type: "symlink", mode: 0o777, uid: 0, gid: 0, linkName: "run" },
    ],
  );
});

Deno.test("names and link targets of any length survive through pax headers", () => {
  const long = `${"d".repeat(120)}/${"é".repeat(80)}/${"f".repeat(150)}.txt`;
  const target = "../".repeat(50) + "t";
  const tar = createTar([
    { name: long, content: new Uint8Array([1, 2, 3]) },
    { name: "link", type: "symlink", linkName: target },
    { name: "after", content: new Uint8Array([4]) },
  ]);
  const entries = readTar(tar);
  assert.deepEqual(entries.map((e) => e.name), [long, "link", "after"]);
  assert.equal(entries[1].linkName, target);
  assert.deepEqual(entries[2].content, new Uint8Array([4]));
});

Deno.test("GNU tar reads what is written here, and what it writes reads back here", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const long = `${"n".repeat(140)}/${"m".repeat(140)}`;
    await Deno.writeFile(
      `${dir}/in.tar`,
      createTar([{ name: long, content: new Uint8Array([7]) }]),
    );
    const listed = await new Deno.Command("tar", { args: ["-tf", `${dir}/in.tar`] }).output();
    assert.equal(new TextDecoder().decode(listed.stdout), `${long}\n`);
    await Deno.mkdir(`${dir}/src/${"a".repeat(120)}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/src/${"a".repeat(120)}/${"b".repeat(120)}`, "x");
    await Deno.symlink("b".repeat(120), `${dir}/src/${"a".repeat(120)}/link`);
    const made = await new Deno.Command("tar", {
      args: ["--format=gnu", "-cf", "-", "-C", `${dir}/src`, "."],
    }).output();
    const names = readTar(made.stdout).map((e) => `${e.type} ${e.name} ${e.linkName}`);
    assert.deepEqual(names.sort(), [
      `directory . `,
      `directory ./${"a".repeat(120)} `,
      `file ./${"a".repeat(120)}/${"b".repeat(120)} `,
      `symlink ./${"a".repeat(120)}/link ${"b".repeat(120)}`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("devices, fifos and hard links read as other", () => {
  const tar = createTar([{ name: "f", content: new Uint8Array() }]);
  tar[156] = "6".charCodeAt(0); // a fifo; the checksum is not checked when reading
  assert.equal(readTar(tar)[0].type, "other");
});

Deno.test("a streamed archive is the same bytes as one made whole", async () => {
  const entries = [
    { name: "d", type: "directory" as const, mtime: 1 },
    { name: "d/a.bin", content: crypto.getRandomValues(new Uint8Array(700)), mtime: 1 },
    { name: "d/big.bin", content: new Uint8Array(600_000).fill(7), mtime: 1 },
    { name: `${"long/".repeat(30)}x`, content: new Uint8Array([1]), mtime: 1 },
  ];
  async function* each() {
    yield* entries;
  }
  const streamed = new Uint8Array(await new Response(tarStream(each())).arrayBuffer());
  assert.deepEqual(streamed, createTar(entries));
});
