import assert from "node:assert/strict";
import path from "node:path";
import {
  findSession,
  listSessions,
  newestSessionOf,
  pruneSessions,
  removeSession,
  SessionError,
  SessionWriter,
} from "../../lib/sessions/mod.ts";

/** A temporary folder, removed at the end of the test. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "pygent-sessions-test-" });
  return { path: dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/** Writes a session started at `when` in `workspace` with one request. */
function write(dir: string, when: Date, request: string, workspace: string | null = "/w"): string {
  const writer = new SessionWriter({
    dir,
    now: () => when,
    info: { pygent: "0", model: "m", workspace, sandbox: { kind: "host" } },
  });
  writer.append([{ role: "system", content: "prompt" }, { role: "user", content: request }]);
  writer.close();
  return writer.id;
}

const at = (day: number) => new Date(Date.UTC(2026, 10, day, 12));

Deno.test("listSessions() lists the newest first, the system prompt not counted", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  write(dir, at(1), "first");
  write(dir, at(3), "third");
  write(dir, at(2), "second");
  const listed = await listSessions(dir);
  assert.deepEqual(listed.map((s) => s.firstRequest), ["third", "second", "first"]);
  assert.equal(listed[0].messages, 1);
});

Deno.test("listSessions() of a folder that does not exist is empty", async () => {
  await using tmp = await tempDir();
  assert.deepEqual(await listSessions(path.join(tmp.path, "none")), []);
});

Deno.test("listSessions() skips a file it cannot read", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  write(dir, at(1), "good");
  await Deno.writeTextFile(path.join(dir, "20261102-000000-ffff.jsonl"), "not json\n");
  assert.deepEqual((await listSessions(dir)).map((s) => s.firstRequest), ["good"]);
});

Deno.test("findSession() takes a unique prefix of an id", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const id = write(dir, at(1), "one");
  write(dir, at(2), "two");
  assert.equal((await findSession(dir, "20261101")).header.id, id);
});

Deno.test("findSession() refuses a prefix that names several sessions, and names them", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  write(dir, at(1), "one");
  write(dir, at(2), "two");
  await assert.rejects(
    () => findSession(dir, "2026"),
    (error: Error) => error instanceof SessionError && /names 2 sessions/.test(error.message),
  );
});

Deno.test("findSession() says how to list the sessions when no id matches", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await assert.rejects(() => findSession(dir, "1999"), /pygent sessions lists them/);
});

Deno.test("findSession(dir, 'last') reads the newest session", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  write(dir, at(1), "old");
  write(dir, at(5), "newest");
  const session = await findSession(dir, "last");
  assert.equal(session.messages.at(-1)?.content, "newest");
});

Deno.test("newestSessionOf() picks the newest session of that workspace only", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  write(dir, at(1), "a-old", "/a");
  write(dir, at(2), "a-new", "/a");
  write(dir, at(3), "b", "/b");
  assert.equal((await newestSessionOf(dir, "/a")).messages.at(-1)?.content, "a-new");
  await assert.rejects(() => newestSessionOf(dir, "/c"), SessionError);
});

Deno.test("removeSession() removes the file a prefix names", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const id = write(dir, at(1), "gone");
  assert.equal(await removeSession(dir, id.slice(0, 12)), id);
  assert.deepEqual(await listSessions(dir), []);
});

Deno.test("pruneSessions() removes the files not written to for more than the days given", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const old = write(dir, at(1), "old");
  const recent = write(dir, at(2), "recent");
  const now = new Date();
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  await Deno.utime(path.join(dir, `${old}.jsonl`), daysAgo(31), daysAgo(31));
  await Deno.utime(path.join(dir, `${recent}.jsonl`), daysAgo(29), daysAgo(29));
  assert.deepEqual(await pruneSessions(dir, 30, now), [old]);
  assert.deepEqual((await listSessions(dir)).map((s) => s.id), [recent]);
});
