/**
 * The allow rules an "always" answer adds: for each command that asked, the shortest prefix
 * that names the program and what it does (`git push origin main` → `git push`,
 * `python3 -m pytest -x` → `python3 -m pytest`, `ls -la` → `ls`).
 *
 * @module
 */

import { isPlainWord } from "./rules.ts";
import type { Verdict } from "./verdict.ts";
import { basename, type Word } from "./words.ts";

/**
 * Programs whose first operand is a subcommand (`git push`, `npm run`, `npx vitest`), with
 * their global options that take an argument (`git -C dir push`).
 */
const SUBCOMMANDS: Record<string, readonly string[]> = {
  apt: [],
  "apt-get": [],
  brew: [],
  bun: [],
  bunx: [],
  bundle: [],
  cabal: [],
  cargo: ["-C", "--config", "-Z"],
  composer: [],
  conda: [],
  corepack: [],
  dart: [],
  deno: [],
  docker: ["-H", "--host", "--context", "-c", "--config", "-l", "--log-level"],
  dotnet: [],
  flutter: [],
  gem: [],
  gh: ["-R", "--repo"],
  git: ["-C", "-c", "--git-dir", "--work-tree", "--namespace"],
  go: ["-C"],
  gradle: [],
  gradlew: [],
  hatch: [],
  helm: ["-n", "--namespace", "--kube-context"],
  hg: ["-R", "--repository", "--cwd"],
  jj: ["-R", "--repository"],
  just: ["-f", "--justfile", "-d", "--working-directory"],
  kubectl: ["-n", "--namespace", "--context", "--kubeconfig"],
  make: ["-C", "-f", "-I", "-o", "-W"],
  mamba: [],
  mix: [],
  mvn: ["-f", "-P", "-pl"],
  mvnw: ["-f", "-P", "-pl"],
  nix: [],
  nox: ["-s", "--session"],
  npm: ["--prefix", "-w", "--workspace"],
  npx: ["-p", "--package"],
  pdm: [],
  pip: [],
  pip3: [],
  pipenv: [],
  pipx: [],
  pnpm: ["-C", "--dir", "-F", "--filter"],
  pnpx: [],
  podman: [],
  poetry: ["-C", "--directory"],
  rails: [],
  rake: [],
  rustup: [],
  rye: [],
  stack: [],
  swift: [],
  systemctl: [],
  terraform: [],
  tox: ["-e"],
  uv: ["--directory", "--project"],
  uvx: ["--from"],
  yarn: ["--cwd"],
  zig: [],
};

/** Interpreters whose first operand is the script they run (`node build.js`). */
const INTERPRETER =
  /^(python[0-9.]*|pypy[0-9.]*|node|nodejs|ruby|perl|php|bash|sh|zsh|dash|ksh|Rscript|lua|tsx|ts-node)$/;

/** Interpreter options that run code given on the command line or on stdin: no rule names it. */
const INLINE_CODE = new Set(["-c", "-e", "-E", "--eval", "-p", "--print", "-r", "-"]);

/** Interpreter options that take an argument (`python3 -W ignore x.py`, `node -r ts-node x`). */
const INTERPRETER_ARGUMENT = new Set(["-W", "-X", "-I", "--require", "--import", "--loader"]);

/**
 * The allow rule that names a command: its program, and its subcommand, module or script.
 * Undefined when no rule can name it: a word that is not literal, or code in an argument.
 *
 * @example
 * ```ts
 * import { ruleForCommand } from "./always_rules.ts";
 * import { literalWord } from "./words.ts";
 * const words = ["git", "push", "origin", "main"].map(literalWord);
 * console.log(ruleForCommand([], words)); // "git push"
 * ```
 */
export function ruleForCommand(
  prefix: readonly Word[],
  words: readonly Word[],
): string | undefined {
  const named = _namingWords(words);
  if (named === undefined) return undefined;
  const all = [...prefix, ...named];
  if (!all.every((word) => word.literal && isPlainWord(word.value))) return undefined;
  return all.map((word) => word.value).join(" ");
}

function _namingWords(words: readonly Word[]): readonly Word[] | undefined {
  const [name] = words;
  if (name === undefined || !name.literal) return undefined;
  const program = basename(name.value);
  if (Object.hasOwn(SUBCOMMANDS, program)) {
    const withArgument = SUBCOMMANDS[program];
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (!word.literal) return undefined;
      if (!word.value.startsWith("-")) return words.slice(0, i + 1);
      if (withArgument.includes(word.value)) i++;
    }
    return words;
  }
  if (INTERPRETER.test(program)) {
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (!word.literal) return undefined;
      if (INLINE_CODE.has(word.value) || /^-[A-Za-z]*c$/.test(word.value)) return undefined;
      if (word.value === "-m") return words.slice(0, i + 2);
      if (!word.value.startsWith("-")) return words.slice(0, i + 1);
      if (INTERPRETER_ARGUMENT.has(word.value)) i++;
    }
    return words;
  }
  return [name];
}

/**
 * The allow rules to add when the user answers "always": one per command that asked, without
 * repeats. Empty when a part that asked cannot be named by a rule (a command substitution,
 * `eval`, `sh -c`, a parse error, a command an `ask` rule names...), since no rule would stop
 * the same line from asking again. File writes are not commands: they are left out (grant
 * `allowWrites` for them).
 *
 * @example
 * ```ts
 * import { alwaysRules, checkCommand, ruleSet } from "./mod.ts";
 * const policy = { mode: "ask", where: "host", rules: ruleSet({}) } as const;
 * const verdict = await checkCommand(policy, "git push origin main && ls -la");
 * console.log(alwaysRules(verdict)); // ["git push", "ls"]
 * ```
 */
export function alwaysRules(verdict: Verdict): string[] {
  const rules: string[] = [];
  for (const part of verdict.parts) {
    if (part.decision !== "ask" || part.kind === "write") continue;
    if (part.alwaysRule === undefined) return [];
    if (!rules.includes(part.alwaysRule)) rules.push(part.alwaysRule);
  }
  return rules;
}
