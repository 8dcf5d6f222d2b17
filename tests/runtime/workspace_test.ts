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
