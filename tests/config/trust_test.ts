import assert from "node:assert/strict";
import {
  addTrusted,
  ConfigFileError,
  readTrusted,
  removeTrusted,
  trustFolder,
  trustTarget,
  untrustFolder,
} from "../../lib/config/mod.ts";
import { ConfigError } from "../../lib/errors.ts";
import { rejection, tree, USER_FILE } from "./_helpers.ts";

Deno.test("addTrusted() writes the key into an empty file", () => {
  assert.equal(addTrusted("", "/p"), 'trusted = ["/p"]\n');
});

Deno.test("addTrusted() writes the key after the last top-level key, before any table", () => {
  const text = '# Pygent\nmodel = "m" # mine\n\n# profiles\n[profiles.ci]\ntimeout = 5\n';
  assert.equal(
    addTrusted(text, "/p"),
    '# Pygent\nmodel = "m" # mine\ntrusted = ["/p"]\n\n# profiles\n[profiles.ci]\ntimeout = 5\n',
  );
});

Deno.test("addTrusted() writes the key at the top of a file of tables only", () => {
  assert.equal(
    addTrusted("[rules]\ndeny = []\n", "/p"),
    'trusted = ["/p"]\n\n[rules]\ndeny = []\n',
  );
});

Deno.test("addTrusted() adds to a list on one line, keeping its comment", () => {
  assert.equal(
    addTrusted('trusted = ["/a"] # my folders\n', "/b"),
    'trusted = ["/a", "/b"] # my folders\n',
  );
  assert.equal(addTrusted("trusted = []\n", "/b"), 'trusted = ["/b"]\n');
});

Deno.test("addTrusted() adds a line to a list written one entry a line", () => {
  const text = 'trusted = [\n    "/a", # work\n    "/b"\n]\nmodel = "m"\n';
  assert.equal(
    addTrusted(text, "/c"),
    'trusted = [\n    "/a", # work\n    "/b",\n    "/c",\n]\nmodel = "m"\n',
  );
});

Deno.test("addTrusted() escapes a path as a TOML string", () => {
  assert.equal(
    addTrusted("", 'C:\\Users\\me\\"x"'),
    'trusted = ["C:\\\\Users\\\\me\\\\\\"x\\""]\n',
  );
});

Deno.test("removeTrusted() removes an entry from a list on one line", () => {
  const pick = (entry: string) => entry === "/b";
  assert.equal(removeTrusted('trusted = ["/a", "/b", "/c"]\n', pick), 'trusted = ["/a", "/c"]\n');
  assert.equal(removeTrusted('trusted = ["/a", "/b"] # x\n', pick), 'trusted = ["/a"] # x\n');
  assert.equal(removeTrusted('trusted = ["/b", "/a"]\n', pick), 'trusted = ["/a"]\n');
  assert.equal(removeTrusted('trusted = ["/b"]\n', pick), "trusted = []\n");
});

Deno.test("removeTrusted() removes the whole line of an entry written alone on it", () => {
  const text = '# mine\ntrusted = [\n  "/a",\n  "/b", # old\n  "/c",\n]\n';
  assert.equal(
    removeTrusted(text, (entry) => entry === "/b"),
    '# mine\ntrusted = [\n  "/a",\n  "/c",\n]\n',
  );
});

Deno.test("trustFolder() creates the user file, mode 0600, and its folder", async () => {
  await using t = await tree();
  const user = { file: t.at(USER_FILE), shown: "config.toml" };
  const change = await trustFolder(user, "/work/p");
  assert.deepEqual(change, { folder: "/work/p", changed: true, trusted: ["/work/p"] });
  assert.equal(await Deno.readTextFile(user.file), 'trusted = ["/work/p"]\n');
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(user.file)).mode! & 0o777, 0o600);
});

Deno.test("trustFolder() edits the file as text, keeping comments and layout", async () => {
  await using t = await tree({
    [USER_FILE]: '# My settings\nmodel = "m"   # the usual\n\n[rules]\ndeny = ["git push"]\n',
  });
  const user = { file: t.at(USER_FILE), shown: "config.toml" };
  await trustFolder(user, "/a");
  await trustFolder(user, "/b");
  assert.equal(
    await Deno.readTextFile(user.file),
    '# My settings\nmodel = "m"   # the usual\ntrusted = ["/a", "/b"]\n\n[rules]\ndeny = ["git push"]\n',
  );
});

Deno.test("trustFolder() leaves a folder already trusted as it is", async () => {
  await using t = await tree({ [USER_FILE]: 'trusted = ["/a"]   # keep\n' });
  const user = { file: t.at(USER_FILE), shown: "config.toml" };
  assert.deepEqual(await trustFolder(user, "/a"), {
    folder: "/a",
    changed: false,
    trusted: ["/a"],
  });
  assert.equal(await Deno.readTextFile(user.file), 'trusted = ["/a"]   # keep\n');
});

Deno.test("untrustFolder() removes the folder, keeping the rest of the file", async () => {
  await using t = await tree({ [USER_FILE]: '# x\ntrusted = ["/a", "/b"]\nmodel = "m"\n' });
  const user = { file: t.at(USER_FILE), shown: "config.toml" };
  assert.deepEqual(await untrustFolder(user, "/a"), {
    folder: "/a",
    changed: true,
    trusted: ["/b"],
  });
  assert.equal(await Deno.readTextFile(user.file), '# x\ntrusted = ["/b"]\nmodel = "m"\n');
  assert.equal((await untrustFolder(user, "/a")).changed, false);
});

Deno.test("readTrusted() lists the trusted folders, none without a file", async () => {
  await using t = await tree({ [USER_FILE]: 'trusted = ["/a"]\n' });
  assert.deepEqual(await readTrusted({ file: t.at(USER_FILE), shown: "c" }), ["/a"]);
  assert.deepEqual(await readTrusted({ file: t.at("none.toml"), shown: "c" }), []);
});

Deno.test("trust refuses to edit a user file that is not valid", async () => {
  await using t = await tree({ [USER_FILE]: "trusted = [\n" });
  const error = await rejection(trustFolder({ file: t.at(USER_FILE), shown: "config.toml" }, "/a"));
  assert.ok(error instanceof ConfigFileError);
  assert.match(error.message, /^config\.toml line \d+ is not valid TOML/);
});

Deno.test("trustTarget() is the folder holding the project's .pygent, found from a folder in it", async () => {
  await using t = await tree({ "repo/.git/": "", "repo/.pygent/config.toml": "", "repo/src/": "" });
  assert.equal(await trustTarget("src", t.at("repo")), t.at("repo"));
});

Deno.test("trustTarget() refuses a folder with no project file: a file written later would be trusted", async () => {
  await using t = await tree({ "p/": "" });
  const error = await rejection(trustTarget("p", t.root));
  assert.ok(error instanceof ConfigError);
  assert.match(error.message, /^Nothing to trust in p: there is no \.pygent\/config\.toml there/);
});

Deno.test("trustTarget() refuses what is not a folder", async () => {
  await using t = await tree({ "f.txt": "x" });
  assert.ok(await rejection(trustTarget("nope", t.root)) instanceof ConfigError);
  assert.match((await rejection(trustTarget("f.txt", t.root))).message, /is not a folder/);
});
