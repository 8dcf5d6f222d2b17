import assert from "node:assert/strict";
import { checkConfig } from "../../lib/doctor/config_check.ts";
import { load, tree, USER_FILE } from "../config/_helpers.ts";

Deno.test("checkConfig() is ok with no config files, and says none was found", async () => {
  await using t = await tree();
  const probe = await checkConfig(() => load(t));
  assert.equal(probe.outcome.status, "ok");
  assert.match(probe.outcome.summary, /user file .*config\.toml \(none\); no project file/);
  assert.ok(probe.loaded);
});

Deno.test("checkConfig() names a project file and whether it is trusted", async () => {
  await using t = await tree({
    [USER_FILE]: 'model = "m"\n',
    "repo/.git/": "",
    "repo/.pygent/config.toml": 'model = "p"\n',
  });
  const probe = await checkConfig(() => load(t, { cwd: "repo" }));
  assert.equal(probe.outcome.status, "ok");
  assert.match(
    probe.outcome.summary,
    /project file .*repo\/\.pygent\/config\.toml \(not trusted\)/,
  );
  assert.doesNotMatch(probe.outcome.summary, /\(none\)/);
});

Deno.test("checkConfig() warns when an untrusted project file's values were ignored", async () => {
  await using t = await tree({ "repo/.git/": "", "repo/.pygent/config.toml": "network = true\n" });
  const probe = await checkConfig(() => load(t, { cwd: "repo" }));
  assert.equal(probe.outcome.status, "warn");
  assert.match(probe.outcome.summary, /network = true ignored/);
  assert.match(probe.outcome.remediation ?? "", /pygent trust/);
});

Deno.test("checkConfig() fails on a bad file with the loader's message, and gives no settings", async () => {
  await using t = await tree({ [USER_FILE]: "max_steps = 0\n" });
  const probe = await checkConfig(() => load(t));
  assert.equal(probe.outcome.status, "fail");
  assert.match(probe.outcome.summary, /max_steps/);
  assert.equal(probe.loaded, undefined);
});
