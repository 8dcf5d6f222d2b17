import assert from "node:assert/strict";
import { PathOutsideWorkspaceError } from "../../lib/runtime/mod.ts";
import { Workspace } from "../../lib/runtime/workspace.ts";

Deno.test("relative and aliased absolute paths resolve inside the workspace", async () => {
  const ws = await Workspace.open(undefined, ["/workspace"]);
  try {
    assert.deepEqual(ws.relativeParts("src/./a/../app.py"), ["src", "app.py"]);
    assert.deepEqual(ws.relativeParts("/workspace/src/app.py"), ["src", "app.py"]);
    assert.deepEqual(ws.relativeParts(`${ws.path}/x`), ["x"]);
  } finally {
    await ws.dispose();
  }
});

Deno.test("paths that leave the workspace are refused before any file is touched", async () => {
  const ws = await Workspace.open();
  try {
    for (const p of ["..", "../x", "a/../../x", "/etc/passwd", "/workspace-other/x", "a\0b"]) {
      assert.throws(() => ws.relativeParts(p), PathOutsideWorkspaceError, p);
    }
  } finally {
    await ws.dispose();
  }
});

Deno.test("a symlink inside the workspace that stays inside is followed", async () => {
  const ws = await Workspace.open();
  try {
    await ws.writeFile("real/file.txt", "inside");
    await Deno.symlink(`${ws.path}/real`, `${ws.path}/link`);
    assert.equal(await ws.readFile("link/file.txt"), "inside");
    await ws.writeFile("link/new.txt", "through link");
    assert.equal(await Deno.readTextFile(`${ws.path}/real/new.txt`), "through link");
  } finally {
    await ws.dispose();
  }
});

Deno.test("writing through a dangling symlink to outside creates nothing outside", async () => {
  const ws = await Workspace.open();
  const outside = `${await Deno.makeTempDir()}/target.txt`;
  try {
    await Deno.symlink(outside, `${ws.path}/dangling`);
    await assert.rejects(ws.writeFile("dangling", "x"), PathOutsideWorkspaceError);
    await assert.rejects(Deno.stat(outside), Deno.errors.NotFound);
  } finally {
    await ws.dispose();
  }
});

Deno.test("overwriting a file replaces its whole content", async () => {
  const ws = await Workspace.open();
  try {
    await ws.writeFile("f.txt", "a long first version");
    await ws.writeFile("f.txt", "short");
    assert.equal(await ws.readFile("f.txt"), "short");
  } finally {
    await ws.dispose();
  }
});

Deno.test("reading a missing file says which", async () => {
  const ws = await Workspace.open();
  try {
    await assert.rejects(ws.readFile("nope.txt"), /No such file: nope\.txt/);
  } finally {
    await ws.dispose();
  }
});

Deno.test("a FIFO is refused without blocking", async () => {
  const ws = await Workspace.open();
  try {
    const made = await new Deno.Command("mkfifo", { args: [`${ws.path}/pipe`] }).output();
    assert.ok(made.success);
    await assert.rejects(ws.readFile("pipe"), /not a regular file/);
    await assert.rejects(ws.writeFile("pipe", "x"), /not a regular file/);
  } finally {
    await ws.dispose();
  }
});

Deno.test("a file too big to read whole is refused, pointing at a command", async () => {
  const ws = await Workspace.open();
  try {
    using file = await Deno.create(`${ws.path}/big`);
    await file.truncate(1500 * 1024 * 1024); // sparse: no disk used
    await assert.rejects(ws.readFile("big"), /1500\.0 MiB, too big to read whole.*head/);
  } finally {
    await ws.dispose();
  }
});

Deno.test("a file that is not UTF-8 is refused instead of being altered", async () => {
  const ws = await Workspace.open();
  try {
    await ws.writeFile("latin1.txt", new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
    await assert.rejects(ws.readFile("latin1.txt"), /not UTF-8 text/);
  } finally {
    await ws.dispose();
  }
});

Deno.test("a byte-order mark survives a read and a write back", async () => {
  const ws = await Workspace.open();
  try {
    await Deno.writeFile(`${ws.path}/bom.txt`, new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]));
    const text = await ws.readFile("bom.txt");
    assert.equal(text, "\uFEFFhi");
    await ws.writeFile("bom.txt", text.replace("hi", "ho"));
    assert.deepEqual(
      await Deno.readFile(`${ws.path}/bom.txt`),
      new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x6f]),
    );
  } finally {
    await ws.dispose();
  }
});

Deno.test(
  "a temporary workspace sits in a private folder beside its session marker, all removed on dispose",
  async () => {
    const ws = await Workspace.open(undefined, [], "0123abcd");
    const folder = ws.path.slice(0, ws.path.lastIndexOf("/"));
    try {
      assert.equal((await Deno.stat(folder)).mode! & 0o777, 0o700, "only this user can enter");
      assert.equal(await Deno.readTextFile(`${folder}/session`), "0123abcd");
      assert.deepEqual([...Deno.readDirSync(ws.path)], [], "the marker is not in the workspace");
    } finally {
      await ws.dispose();
    }
    await assert.rejects(Deno.stat(folder), Deno.errors.NotFound);
  },
);
