import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors.ts";
import { shownPath, userConfigFile, userFile } from "../../lib/config/mod.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("the user file is under XDG_CONFIG_HOME when it is set", () => {
  assert.equal(
    userConfigFile(env({ XDG_CONFIG_HOME: "/cfg", HOME: "/home/me" }), "linux"),
    "/cfg/pygent/config.toml",
  );
});

Deno.test("the user file is under ~/.config without XDG_CONFIG_HOME, or with a relative one", () => {
  assert.equal(
    userConfigFile(env({ HOME: "/home/me" }), "darwin"),
    "/home/me/.config/pygent/config.toml",
  );
  assert.equal(
    userConfigFile(env({ HOME: "/home/me", XDG_CONFIG_HOME: "rel" }), "linux"),
    "/home/me/.config/pygent/config.toml",
  );
});

Deno.test("the user file is under %APPDATA% on Windows", () => {
  assert.equal(
    userConfigFile(env({ APPDATA: "C:\\Users\\me\\AppData\\Roaming" }), "windows"),
    "C:\\Users\\me\\AppData\\Roaming\\pygent\\config.toml",
  );
  assert.equal(
    userConfigFile(env({ USERPROFILE: "C:\\Users\\me" }), "windows"),
    "C:\\Users\\me\\AppData\\Roaming\\pygent\\config.toml",
  );
});

Deno.test("without a home folder the user file cannot be found, and says which variable to set", () => {
  assert.throws(
    () => userConfigFile(env({}), "linux"),
    (e) => e instanceof ConfigError && /set one of them/.test(e.message),
  );
});

Deno.test("the user file is shown with ~ for the home folder", () => {
  assert.deepEqual(userFile(env({ HOME: "/home/me" }), "linux"), {
    file: "/home/me/.config/pygent/config.toml",
    shown: "~/.config/pygent/config.toml",
  });
  assert.equal(
    userFile(env({ HOME: "/home/me", XDG_CONFIG_HOME: "/etc/xdg" }), "linux").shown,
    "/etc/xdg/pygent/config.toml",
  );
});

Deno.test("shownPath() makes a path inside the current directory relative, and leaves others", () => {
  assert.equal(shownPath("/w/p/.pygent/config.toml", { cwd: "/w/p" }), ".pygent/config.toml");
  assert.equal(shownPath("/w/.pygent/config.toml", { cwd: "/w/p" }), "/w/.pygent/config.toml");
  assert.equal(shownPath("/w/..p/x", { cwd: "/w" }), "..p/x");
});
