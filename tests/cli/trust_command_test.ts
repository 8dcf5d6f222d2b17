import assert from "node:assert/strict";
import type { CommandIo } from "../../lib/cli/command_io.ts";
import { loadSettings } from "../../lib/config/mod.ts";
import { runTrustCommand } from "../../lib/cli/trust_command.ts";
import { load, type Tree, tree, USER_FILE } from "../config/_helpers.ts";

/** Runs `pygent trust ARGS` in a folder of the tree, with the user file at USER_FILE. */
async function trust(
  t: Tree,
  args: string[],
  cwd = ".",
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const vars: Record<string, string> = { XDG_CONFIG_HOME: t.at("xdg"), HOME: t.root };
  const io: CommandIo = {
    out: (text) => stdout += text,
    err: (text) => stderr += text,
    getEnv: (name) => vars[name],
    cwd: t.at(cwd),
    os: "linux",
  };
  const code = await runTrustCommand(args, io);
  return { code, stdout, stderr };
}

Deno.test("pygent trust records the current folder and says so in one line", async () => {
  await using t = await tree({ "p/.pygent/config.toml": "network = true\n" });
  const { code, stdout } = await trust(t, [], "p");
  assert.equal(code, 0);
  assert.equal(
    stdout,
    `Trusted ${t.at("p")}: its .pygent/config.toml, as it is now, is read in full (recorded in ` +
      "~/xdg/pygent/config.toml; a later change needs pygent trust again).\n",
  );
  assert.equal(
    await Deno.readTextFile(t.at(USER_FILE)),
    `trusted = [${JSON.stringify(t.at("p"))}]\n`,
  );
});

Deno.test("a trusted project file that changed is not trusted until pygent trust is run again", async () => {
  await using t = await tree({ "p/.pygent/config.toml": "network = true\n" });
  await trust(t, [], "p");
  await t.write("p/.pygent/config.toml", 'network = true\napproval = "never"\n');
  const changed = await loadSettings({
    flags: {},
    getEnv: (name) => ({ XDG_CONFIG_HOME: t.at("xdg"), HOME: t.root })[name],
    cwd: t.at("p"),
  });
  assert.deepEqual([changed.trusted, changed.settings.network.value], [false, false]);
  assert.match(
    changed.notices[0],
    /network = true; .* approval = "never" ignored: its config changed since you trusted it \(pygent trust /,
  );

  const { stdout } = await trust(t, [], "p");
  assert.match(stdout, /^Trusted .* again: its \.pygent\/config\.toml, as it is now/);
  const again = await loadSettings({
    flags: {},
    getEnv: (name) => ({ XDG_CONFIG_HOME: t.at("xdg"), HOME: t.root })[name],
    cwd: t.at("p"),
  });
  assert.deepEqual([again.trusted, again.settings.approval.value], [true, "never"]);
});

Deno.test("pygent trust DIR records the folder of DIR's project, so its file is read in full", async () => {
  await using t = await tree({
    "repo/.git/": "",
    "repo/.pygent/config.toml": "network = true\n",
    "repo/src/": "",
  });
  assert.equal((await load(t, { cwd: "repo" })).settings.network.value, false);
  assert.equal((await trust(t, ["repo/src"])).code, 0);
  const loaded = await load(t, { cwd: "repo" });
  assert.deepEqual([loaded.trusted, loaded.settings.network.value], [true, true]);
});

Deno.test("pygent trust of a folder already trusted changes nothing and lists the folders", async () => {
  await using t = await tree({ "p/.pygent/config.toml": "" });
  await trust(t, ["p"]);
  const { code, stdout } = await trust(t, ["p"]);
  assert.equal(code, 0);
  assert.equal(
    stdout,
    `${t.at("p")} is already trusted.\nTrusted folders (in ~/xdg/pygent/config.toml):\n  ${
      t.at("p")
    }\n`,
  );
});

Deno.test("pygent trust --remove removes the folder and keeps the file's comments", async () => {
  await using t = await tree({ "p/": "" });
  await t.write(USER_FILE, `# mine\ntrusted = [${JSON.stringify(t.at("p"))}] # ok\n`);
  const { code, stdout } = await trust(t, ["--remove", "p"]);
  assert.equal(code, 0);
  assert.equal(
    stdout,
    `No longer trusted: ${t.at("p")} (removed from ~/xdg/pygent/config.toml).\n`,
  );
  assert.equal(await Deno.readTextFile(t.at(USER_FILE)), "# mine\ntrusted = [] # ok\n");
});

Deno.test("pygent trust --remove takes a folder that no longer exists", async () => {
  await using t = await tree();
  await t.write(USER_FILE, `trusted = [${JSON.stringify(t.at("gone"))}]\n`);
  assert.equal((await trust(t, ["--remove", "gone"])).code, 0);
  assert.equal(await Deno.readTextFile(t.at(USER_FILE)), "trusted = []\n");
});

Deno.test("pygent trust --list prints the trusted folders", async () => {
  await using t = await tree();
  assert.equal(
    (await trust(t, ["--list"])).stdout,
    "No folder is trusted in ~/xdg/pygent/config.toml (pygent trust DIR trusts one).\n",
  );
  await t.write(USER_FILE, 'trusted = ["/a", "/b"]\n');
  assert.equal(
    (await trust(t, ["--list"])).stdout,
    "Trusted folders (in ~/xdg/pygent/config.toml):\n  /a\n  /b\n",
  );
});

Deno.test("pygent trust exits 2 for a folder that is not there", async () => {
  await using t = await tree();
  const { code, stderr } = await trust(t, ["nope"]);
  assert.deepEqual([code, stderr], [
    2,
    "pygent: nope: no such folder; give a folder that exists.\n",
  ]);
});

Deno.test("pygent trust exits 2 on a bad argument", async () => {
  await using t = await tree();
  assert.match((await trust(t, ["--frob"])).stderr, /unknown option '--frob'/);
  assert.equal((await trust(t, ["--remove", "--list"])).code, 2);
});
