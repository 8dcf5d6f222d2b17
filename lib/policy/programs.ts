/**
 * What the policy knows of common programs' command lines: those whose first operand is a
 * subcommand (`git push`, `uv run`), which of their global options take an argument, and
 * which git settings run commands.
 *
 * @module
 */

import type { Word } from "./words.ts";

/**
 * Programs whose first operand is a subcommand (`git push`, `npm run`, `npx vitest`), with
 * their global options that take an argument (`git -C dir push`).
 *
 * @example
 * ```ts
 * import { SUBCOMMANDS } from "./programs.ts";
 * console.log(SUBCOMMANDS.git.includes("-C")); // true
 * ```
 */
export const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
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
  hatch: ["-e", "--env", "-p", "--project", "--data-dir", "--cache-dir", "--config"],
  helm: ["-n", "--namespace", "--kube-context"],
  hg: ["-R", "--repository", "--cwd"],
  jj: ["-R", "--repository"],
  just: ["-f", "--justfile", "-d", "--working-directory"],
  kubectl: ["-n", "--namespace", "--context", "--kubeconfig"],
  make: ["-C", "-f", "-I", "-o", "-W"],
  mamba: [],
  micromamba: [],
  mix: [],
  mvn: ["-f", "-P", "-pl"],
  mvnw: ["-f", "-P", "-pl"],
  nix: [],
  nox: ["-s", "--session"],
  npm: ["--prefix", "-w", "--workspace"],
  npx: ["-p", "--package"],
  pdm: ["-p", "--project"],
  pip: [],
  pip3: [],
  pipenv: [],
  pipx: [],
  pixi: ["--manifest-path"],
  pnpm: ["-C", "--dir", "-F", "--filter"],
  pnpx: [],
  podman: [],
  poetry: ["-C", "--directory", "-P", "--project"],
  rails: [],
  rake: [],
  rustup: [],
  rye: [],
  stack: [],
  swift: [],
  systemctl: [],
  terraform: [],
  tox: ["-e"],
  uv: ["--directory", "--project", "--cache-dir", "--config-file", "--color"],
  uvx: ["--from"],
  yarn: ["--cwd"],
  zig: [],
};

/**
 * git settings given with `git -c KEY=VALUE` that run no command of their own. Others can
 * (`alias.x=!cmd`, `core.pager`, `core.fsmonitor`, `core.sshCommand`, `diff.external`...).
 */
const SAFE_GIT_SETTINGS = new Set([
  ...["user.name", "user.email", "color.ui", "core.quotepath", "core.autocrlf", "core.abbrev"],
  ...["init.defaultbranch", "commit.gpgsign", "tag.gpgsign", "pull.rebase", "pull.ff"],
  ...["log.showsignature", "merge.conflictstyle", "rebase.autostash", "column.ui"],
  ...["advice.detachedhead", "safe.directory", "push.default", "diff.renames"],
]);

/**
 * Why a git command runs a command no rule sees through its settings (`git -c alias.x='!cmd'
 * x`, `git -c core.fsmonitor=cmd status`), or undefined when every `-c` setting is one known
 * to run none (`git -c user.name=me commit`).
 *
 * @example
 * ```ts
 * import { gitSettingRuns } from "./programs.ts";
 * import { literalWord } from "./words.ts";
 * console.log(gitSettingRuns(["-c", "user.name=me", "commit"].map(literalWord))); // undefined
 * ```
 */
export function gitSettingRuns(args: readonly Word[]): string | undefined {
  for (let i = 0; i < args.length && args[i].value.startsWith("-"); i++) {
    const { value } = args[i];
    const setting = value === "-c"
      ? args[++i]
      : /^--config-env=/.test(value)
      ? { ...args[i], value: value.slice("--config-env=".length) }
      : undefined;
    if (SUBCOMMANDS.git.includes(value) && value !== "-c") i++;
    if (setting === undefined) continue;
    const key = setting.value.split("=")[0].toLowerCase();
    if (!setting.literal || !SAFE_GIT_SETTINGS.has(key)) {
      return `git ${value === "-c" ? `-c ${setting.text}` : value} may run a command no rule ` +
        "sees (an alias, a pager, a hook...)";
    }
  }
  return undefined;
}
