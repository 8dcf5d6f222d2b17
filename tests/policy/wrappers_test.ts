// Wrapper commands seen through (lib/policy/wrappers.ts).
import assert from "node:assert/strict";
import { splitFind, unwrap } from "../../lib/policy/wrappers.ts";
import { literalWord } from "../../lib/policy/words.ts";

const inner = (line: string) => {
  const u = unwrap(line.split(" ").map(literalWord));
  return u.unjudgeable ?? u.words.map((w) => w.value).join(" ");
};

const SEEN_THROUGH: [string, string][] = [
  ["command -p git push", "git push"],
  ["builtin echo hi", "echo hi"],
  ["exec -a name git push", "git push"],
  ["nohup git push", "git push"],
  ["time -p git push", "git push"],
  ["env -i -u HOME A=1 B=2 git push", "git push"],
  ["env -- git push", "git push"],
  ["/usr/bin/env git push", "git push"],
  ["nice -n 5 git push", "git push"],
  ["nice -5 git push", "git push"],
  ["nice --adjustment=5 git push", "git push"],
  ["timeout 10 git push", "git push"],
  ["timeout -k 5 -s KILL 10s git push", "git push"],
  ["timeout --preserve-status 10 git push", "git push"],
  ["sudo -EH -u root git push", "git push"],
  ["sudo --user=root -- git push", "git push"],
  ["stdbuf -oL -e0 git push", "git push"],
  ["xargs -0 -n 1 -P4 git push", "git push"],
  ["xargs -I{} git push {}", "git push {}"],
  ["xargs -i git push {}", "git push {}"],
  ["sudo env nice timeout 5 git push", "git push"],
];

for (const [line, expected] of SEEN_THROUGH) {
  Deno.test(`unwrap() sees ${JSON.stringify(expected)} in ${JSON.stringify(line)}`, () => {
    assert.equal(inner(line), expected);
  });
}

const NOT_RUNNING = ["command -v git", "sudo -l", "env", "env A=1", "xargs", "timeout 5", "exec"];

for (const line of NOT_RUNNING) {
  Deno.test(`unwrap() leaves ${JSON.stringify(line)} as it is: it runs no other command`, () => {
    assert.equal(inner(line), line);
  });
}

const UNREADABLE: [string, RegExp][] = [
  ["env -S git push", /env has an option Pygent cannot read \(-S\)/],
  ["sudo --frobnicate git push", /cannot read/],
  ["sudo -s git push", /runs the command through a shell/],
  ["xargs -Z git", /cannot read/],
];

for (const [line, reason] of UNREADABLE) {
  Deno.test(`unwrap() cannot judge ${JSON.stringify(line)}`, () => {
    assert.match(inner(line), reason);
  });
}

Deno.test("unwrap() records env's variables and sudo as a prefix for allow rules", () => {
  const u = unwrap("sudo -u bob env A=1 git push".split(" ").map(literalWord));
  assert.deepEqual(u.assignments, ["A"]);
  assert.deepEqual(u.allowPrefix.map((w) => w.value), ["sudo", "-u", "bob"]);
  assert.equal(u.wrappers.length, 2);
});

Deno.test("splitFind() takes out each -exec command up to its ; or +", () => {
  const find = splitFind(
    "find . -exec rm {} ; -ok git push ; -execdir ls {} +".split(" ").map(literalWord),
  );
  assert.deepEqual(find.runs.map((r) => r.map((w) => w.value).join(" ")), [
    "rm {}",
    "git push",
    "ls {}",
  ]);
  assert.deepEqual(find.own.map((w) => w.value), ["find", ".", "-exec", "-ok", "-execdir"]);
});

Deno.test("splitFind() cannot judge an -exec without its end", () => {
  assert.match(
    splitFind("find . -exec rm {}".split(" ").map(literalWord)).unjudgeable ?? "",
    /no ";"/,
  );
});
