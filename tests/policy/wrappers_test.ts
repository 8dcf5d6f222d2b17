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
  ["setsid -f git push", "git push"],
  ["flock -n /tmp/lock git push", "git push"],
  ["ionice -c 3 git push", "git push"],
  ["taskset -c 0 git push", "git push"],
  ["chroot --userspec=1:1 / git push", "git push"],
  ["nsenter -t 1 -m -n git push", "git push"],
  ["unshare -r -n git push", "git push"],
  ["watch -x git push", "git push"],
  ["doas -u root git push", "git push"],
  ["uv run --with ruff git push", "git push"],
  ["uv --project x run -- git push", "git push"],
  ["npm --prefix x exec -- git push", "git push"],
  ["npx -y git push", "git push"],
  ["bundle exec git push", "git push"],
  ["pnpm dlx git push", "git push"],
  ["yarn dlx -q git push", "git push"],
  ["poetry run git push", "git push"],
  ["conda run -n base git push", "git push"],
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

const SHELL_RUNS: [string, string, string[]][] = [
  ["su -c", "su -c 'git push' root", ["git push"]],
  ["su --command=", "su --command='git push'", ["git push"]],
  ["script -qc", "script -qc 'git push' /dev/null", ["git push"]],
  ["flock -c", "flock /tmp/lock -c 'git push'", ["git push"]],
  ["watch's joined words", "watch -n 1 git push", ["git push"]],
  ["sudo -s's joined words", "sudo -s git push", ["git push"]],
  ["npx -c", "npx -c 'git push'", ["git push"]],
  ["parallel's command", "parallel -j 2 git push ::: a", ["git push"]],
  ["parallel's arguments without a command", "parallel ::: 'git push' ls", ["git push", "ls"]],
];

for (const [what, line, scripts] of SHELL_RUNS) {
  Deno.test(`unwrap() cannot judge ${what}, and gives its command lines to read`, () => {
    const words = line.replace(/'([^']*)'/g, (_, body: string) => body.replaceAll(" ", "\u0001"))
      .split(" ").map((word) => literalWord(word.replaceAll("\u0001", " ")));
    const u = unwrap(words);
    assert.ok(u.unjudgeable !== undefined);
    assert.deepEqual(u.scripts, scripts);
  });
}

Deno.test("unwrap() cannot judge chroot without a command: it starts a shell", () => {
  assert.match(inner("chroot /srv"), /without a command starts a shell/);
});

Deno.test("unwrap() reads time -o as a file write", () => {
  const u = unwrap("time -o t.txt -- git push".split(" ").map(literalWord));
  assert.deepEqual(u.writes.map((w) => [w.text, w.target.value]), [["time -o t.txt", "t.txt"]]);
  assert.deepEqual(u.words.map((w) => w.value), ["git", "push"]);
});

Deno.test("unwrap() makes a runner's words a prefix for allow rules", () => {
  const u = unwrap("uv run -q pytest -x".split(" ").map(literalWord));
  assert.deepEqual(u.allowPrefix.map((w) => w.value), ["uv", "run", "-q"]);
  assert.deepEqual(u.guesses, []);
});

Deno.test("unwrap() guesses where a runner's command starts after an unknown option", () => {
  const u = unwrap("uv run --new x git push".split(" ").map(literalWord));
  assert.deepEqual(u.guesses.map((g) => g.map((w) => w.value).join(" ")), ["git push", "push"]);
});

Deno.test("unwrap() leaves a runner's other subcommands as they are", () => {
  assert.equal(inner("uv pip install run"), "uv pip install run");
});
