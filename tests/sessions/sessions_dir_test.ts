import assert from "node:assert/strict";
import { SessionError, sessionsDir } from "../../lib/sessions/mod.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("sessionsDir() is under XDG_DATA_HOME when it is set", () => {
  assert.equal(
    sessionsDir(env({ XDG_DATA_HOME: "/data", HOME: "/home/me" }), "linux"),
    "/data/pygent/sessions",
  );
});

Deno.test("sessionsDir() is under ~/.local/share without XDG_DATA_HOME, or with a relative one", () => {
  const expected = "/home/me/.local/share/pygent/sessions";
  assert.equal(sessionsDir(env({ HOME: "/home/me" }), "linux"), expected);
  assert.equal(sessionsDir(env({ HOME: "/home/me", XDG_DATA_HOME: "rel" }), "linux"), expected);
});

Deno.test("sessionsDir() is under LOCALAPPDATA on Windows", () => {
  assert.equal(
    sessionsDir(env({ LOCALAPPDATA: "C:\\Users\\me\\AppData\\Local" }), "windows"),
    "C:\\Users\\me\\AppData\\Local\\pygent\\sessions",
  );
});

Deno.test("sessionsDir() without a home says what to set", () => {
  assert.throws(() => sessionsDir(env({}), "linux"), SessionError);
});
