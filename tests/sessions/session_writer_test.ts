import assert from "node:assert/strict";
import path from "node:path";
import { readSessionText, SessionError, SessionWriter } from "../../lib/sessions/mod.ts";

/** A temporary folder, removed at the end of the test. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "pygent-sessions-test-" });
  return { path: dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

const INFO = {
  pygent: "0.1.0",
  model: "m",
  workspace: null,
  sandbox: { kind: "host" as const },
};

Deno.test("a SessionWriter makes no file until the first message", async () => {
  await using tmp = await tempDir();
  const dir = path.join(tmp.path, "sessions");
  const writer = new SessionWriter({ dir, info: INFO });
  writer.append([]);
  writer.close();
  await assert.rejects(() => Deno.stat(writer.file), Deno.errors.NotFound);
});

Deno.test("a SessionWriter appends each message after those written, and counts them", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const writer = new SessionWriter({ dir, info: INFO });
  writer.append([{ role: "user", content: "one" }]);
  writer.append([{ role: "assistant", content: "two" }]);
  assert.equal(writer.written, 2);
  const lines = (await Deno.readTextFile(writer.file)).trimEnd().split("\n");
  writer.close();
  assert.equal(lines.length, 3);
  const record = readSessionText(lines.join("\n") + "\n", writer.file);
  assert.equal(record.header.id, writer.id);
  assert.deepEqual(record.messages.map((m) => m.content), ["one", "two"]);
});

Deno.test("a SessionWriter's file is written before append returns, without closing it", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const writer = new SessionWriter({ dir, info: INFO });
  writer.append([{ role: "user", content: "kept" }]);
  assert.match(await Deno.readTextFile(writer.file), /"kept"/);
  writer.close();
});

Deno.test({
  name: "a SessionWriter's file is mode 0600 in a folder of mode 0700",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using tmp = await tempDir();
    const dir = path.join(tmp.path, "pygent", "sessions");
    const writer = new SessionWriter({ dir, info: INFO });
    writer.append([{ role: "user", content: "x" }]);
    writer.close();
    assert.equal((await Deno.stat(writer.file)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
  },
});

Deno.test("a SessionWriter records a reset, and the conversation after it starts afresh", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const writer = new SessionWriter({ dir, info: INFO });
  writer.append([{ role: "user", content: "old" }]);
  writer.reset();
  writer.append([{ role: "user", content: "new" }]);
  writer.close();
  const record = readSessionText(await Deno.readTextFile(writer.file), writer.file);
  assert.deepEqual(record.messages, [{ role: "user", content: "new" }]);
});

Deno.test("a SessionWriter's id sorts by the time its session started", () => {
  const dir = "/nonexistent";
  const early = new SessionWriter({ dir, info: INFO, now: () => new Date(Date.UTC(2026, 0, 2)) });
  const late = new SessionWriter({ dir, info: INFO, now: () => new Date(Date.UTC(2026, 10, 1)) });
  assert.match(early.id, /^20260102-000000-[0-9a-f]{4}$/);
  assert.ok(early.id < late.id);
});

Deno.test("a SessionWriter that cannot make its folder throws a SessionError that says what to do", async () => {
  await using tmp = await tempDir();
  // A file where a folder should be: no folder can be made below it, even by root.
  const parent = path.join(tmp.path, "a-file");
  await Deno.writeTextFile(parent, "");
  const writer = new SessionWriter({ dir: path.join(parent, "sessions"), info: INFO });
  assert.throws(
    () => writer.append([{ role: "user", content: "x" }]),
    (error: Error) => error instanceof SessionError && /--no-history/.test(error.message),
  );
});
