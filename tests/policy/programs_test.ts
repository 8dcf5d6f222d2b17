// What the policy knows of common programs (lib/policy/programs.ts).
import assert from "node:assert/strict";
import { gitSettingRuns } from "../../lib/policy/programs.ts";
import { literalWord } from "../../lib/policy/words.ts";

const runs = (line: string) => gitSettingRuns(line.split(" ").map(literalWord));

Deno.test("gitSettingRuns() finds an alias given with -c", () => {
  assert.match(runs("-c alias.x=!rm x") ?? "", /git -c alias\.x=!rm may run a command/);
});

Deno.test("gitSettingRuns() finds a setting that runs a program, and --config-env", () => {
  assert.ok(runs("-c core.fsmonitor=./hook status") !== undefined);
  assert.ok(runs("-C repo -c core.pager=less log") !== undefined);
  assert.ok(runs("--config-env=alias.x=CMD x") !== undefined);
});

Deno.test("gitSettingRuns() lets settings that run nothing pass", () => {
  assert.equal(runs("-c user.name=me -c User.Email=me@x commit"), undefined);
  assert.equal(runs("status -c alias.x=y"), undefined);
});
