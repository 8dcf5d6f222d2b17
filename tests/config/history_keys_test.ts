import assert from "node:assert/strict";
import { load, tree, USER_FILE } from "./_helpers.ts";

Deno.test("history is on and history_max_days is 30 unless something sets them", async () => {
  await using t = await tree();
  const { settings } = await load(t);
  assert.deepEqual([settings.history.value, settings.history_max_days.value], [true, 30]);
});

Deno.test("--no-history and PYGENT_HISTORY_MAX_DAYS set the history keys", async () => {
  await using t = await tree();
  const { settings } = await load(t, {
    flags: { history: false },
    env: { PYGENT_HISTORY_MAX_DAYS: "7" },
  });
  assert.deepEqual(settings.history, { value: false, source: "flag", name: "--no-history" });
  assert.equal(settings.history_max_days.value, 7);
});

Deno.test("an untrusted project file may turn history off", async () => {
  await using t = await tree({ ".pygent/config.toml": "history = false\n" });
  const { settings, notices } = await load(t);
  assert.equal(settings.history.value, false);
  assert.deepEqual(notices, []);
});

Deno.test("an untrusted project file cannot turn history back on, nor change history_max_days", async () => {
  await using t = await tree({
    [USER_FILE]: "history = false\n",
    ".pygent/config.toml": "history = true\nhistory_max_days = 0.001\n",
  });
  const { settings, notices } = await load(t);
  assert.deepEqual([settings.history.value, settings.history_max_days.value], [false, 30]);
  assert.match(notices[0], /history = true; .*history_max_days = 0\.001 ignored/);
});

Deno.test("history_max_days of 0 is refused with what to write", async () => {
  await using t = await tree({ [USER_FILE]: "history_max_days = 0\n" });
  await assert.rejects(() => load(t), /history_max_days.*a number of days above 0/);
});
