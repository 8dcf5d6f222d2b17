// alwaysRules(): the allow rules an "always" answer adds (lib/policy/always_rules.ts).
import assert from "node:assert/strict";
import {
  alwaysRules,
  type ApprovalPolicy,
  checkCommand,
  ruleSet,
  withAllowRules,
} from "../../lib/policy/mod.ts";

const ASK: ApprovalPolicy = {
  mode: "ask",
  where: "host",
  rules: ruleSet({ allow: ["git status"], ask: ["npm publish"] }),
};

const TABLE: [string, string[]][] = [
  ["git push origin main", ["git push"]],
  ["python3 -m pytest -x", ["python3 -m pytest"]],
  ["ls -la", ["ls"]],
  ["./build.sh --fast", ["./build.sh"]],
  ["npm run test -- --watch=false", ["npm run"]],
  ["npx vitest run", ["npx vitest"]],
  ["git -C repo commit -m wip", ["git -C repo commit"]],
  ["python3 scripts/train.py --epochs 3", ["python3 scripts/train.py"]],
  ["node --inspect server.js", ["node --inspect server.js"]],
  ["sudo apt-get install -y jq", ["sudo apt-get install"]],
  ["timeout 60 make test", ["make test"]],
  ["FOO=1 cargo build --release", ["cargo build"]],
  ["git status && make && ls -la", ["make", "ls"]],
  ["ls a; ls b | ls", ["ls"]],
  ["ls > out.txt", ["ls"]],
  ["uv run pytest -q", ["uv run pytest"]],
  ["uv run --with ruff ruff check .", ["uv run --with ruff ruff"]],
  ["poetry run pytest tests/", ["poetry run pytest"]],
  ["npm exec -- vitest run", ["npm exec -- vitest"]],
  ["bundle exec rspec spec/a_spec.rb", ["bundle exec rspec"]],
  ["pnpm dlx create-vite app", ["pnpm dlx create-vite"]],
  ["yarn dlx cowsay hi", ["yarn dlx cowsay"]],
  ["uv run python3 -m pytest -x", ["uv run python3 -m pytest"]],
  ["deno run -A main.ts --port 80", ["deno run -A main.ts"]],
  ["deno run -c deno.json main.ts", ["deno run -c deno.json main.ts"]],
  ["go run ./cmd/app -v", ["go run ./cmd/app"]],
  ["cargo run --release -- --port 80", ["cargo run --release"]],
  ["cargo run --bin server", ["cargo run --bin server"]],
  ["make", ["make"]],
];

for (const [line, expected] of TABLE) {
  Deno.test(`alwaysRules() names ${JSON.stringify(line)} as ${JSON.stringify(expected)}`, async () => {
    assert.deepEqual(alwaysRules(await checkCommand(ASK, line)), expected);
  });
}

const UNNAMEABLE = [
  "echo $(date)",
  "eval ls",
  "sh -c 'ls'",
  "$CMD run",
  "echo 'unterminated",
  "python3 -c 'print(1)'",
  "python3 -cprint",
  "perl -ne print input.txt",
  "perl -eprint",
  "ruby -e 'puts 1'",
  "node -e 'console.log(1)'",
  "node --eval=1",
  "node -p 1",
  "deno eval 'console.log(1)'",
  "uv run python3 -c 'import os'",
  "uv run --new-option x pytest",
  "python3 - <<EOF\nprint(1)\nEOF",
  "npm publish && ls",
  "PATH=/tmp:$PATH git status",
];

for (const line of UNNAMEABLE) {
  Deno.test(`alwaysRules() is empty for ${JSON.stringify(line)}, which no rule can let run`, async () => {
    const verdict = await checkCommand(ASK, line);
    assert.equal(verdict.decision, "ask");
    assert.deepEqual(alwaysRules(verdict), []);
  });
}

Deno.test("alwaysRules() is empty when nothing asked", async () => {
  assert.deepEqual(alwaysRules(await checkCommand(ASK, "git status")), []);
});

Deno.test("after an answer of always, the same command line runs without asking", async () => {
  const line = "git push origin main && python3 -m pytest -x && ls -la";
  const first = await checkCommand(ASK, line);
  assert.equal(first.decision, "ask");
  const policy = withAllowRules(ASK, alwaysRules(first));
  const again = await checkCommand(policy, line);
  assert.equal(again.decision, "allow");
  assert.equal(again.rule?.file, "session");
  assert.match(again.reason, /^allowed by rules "git push", "python3 -m pytest", "ls"$/);
});
