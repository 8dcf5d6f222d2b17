/**
 * The one way Pygent runs the host's `git`: hardened so that nothing the
 * sandbox can write is run, or read as configuration, by it.
 *
 * Every command gets `-c core.hooksPath=/dev/null -c core.fsmonitor=false`, and every filter,
 * diff and merge driver the user's config defines is switched off (`-c filter.NAME.clean=`…, a
 * textconv of `cat`, a merge driver that is git's own text merge):
 * a `.gitattributes` written in the sandbox could otherwise hand its files to any of them. Git
 * passes `-c` settings on to the git processes it starts itself (a nested repository, say), so
 * they hold there too. Commands on a worktree name its git dir and work tree explicitly, so the
 * worktree's `.git` file is never read.
 *
 * @module
 */

import { GitCommandError, WorktreeSetupError } from "./errors.ts";

/** The variables that would point git somewhere else than where Pygent says. */
const LOCATION_VARIABLES = new Set([
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_NAMESPACE",
  "GIT_CEILING_DIRECTORIES",
  "GIT_DISCOVERY_ACROSS_FILESYSTEM",
  "GIT_CONFIG_PARAMETERS",
  "GIT_CONFIG_COUNT",
]);

/** Settings every command gets, whatever the user's config says. */
const ALWAYS = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.untrackedCache=false",
  "diff.external=",
  // A nested repository's own diff would run git, with that repository's config, inside it.
  "diff.submodule=short",
  "submodule.recurse=false",
  "gc.auto=0",
  "maintenance.auto=false",
];

/**
 * For each kind of driver the user's config can define, its keys that name a program, set to
 * none (a filter) or to one that only does what git would do without the driver: git runs an
 * empty textconv or merge driver as a program called "", and fails.
 */
const DRIVER_PROGRAMS: Record<string, readonly string[]> = {
  filter: ["clean=", "smudge=", "process=", "required=false"],
  // `diff.NAME.command` runs only without --no-ext-diff, which Pygent always passes.
  diff: ["command=", "textconv=cat", "cachetextconv=false"],
  merge: ["driver=git merge-file --marker-size=%L %A %O %B"],
};

/** Where a git command runs. */
export interface GitPlace {
  /** The folder it runs in. */
  cwd: string;
  /**
   * A worktree's git dir (`REPO/.git/worktrees/NAME`) and its folder: given, the command runs
   * with `--git-dir` and `--work-tree`, and the worktree's own `.git` file is not read.
   */
  worktree?: { gitDir: string; path: string };
}

/** Options of one {@linkcode Git.run}. */
export interface GitRunOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Variables to add (`GIT_INDEX_FILE`, the author…). */
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (`merge-base --is-ancestor` says 1). */
  okCodes?: readonly number[];
  /**
   * `"off"` (the default): every filter, diff and merge driver of the user's config is switched
   * off. `"user"`: they run as the user's git would run them, for a command whose files and
   * `.gitattributes` all come from the user (never from the sandbox): the uncommitted changes
   * carried over, or a merge of a session that changed no `.gitattributes`. Hooks and fsmonitor
   * stay off either way.
   */
  drivers?: "off" | "user";
}

/** What a git command printed, and its exit code. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs hardened git commands in one place.
 *
 * @example
 * ```ts ignore
 * import { Git } from "./git.ts";
 * const git = new Git({ cwd: "/home/me/project" });
 * console.log((await git.run(["rev-parse", "HEAD"])).stdout.trim());
 * ```
 */
export class Git {
  /** Where the commands run. */
  readonly place: GitPlace;
  #hardening: Promise<{ always: string[]; drivers: string[] }> | undefined;

  /** A runner for commands in `place`. */
  constructor(place: GitPlace) {
    this.place = place;
  }

  /** The same repository's runner for a worktree of it (the driver list is read once). */
  forWorktree(worktree: { gitDir: string; path: string }): Git {
    const git = new Git({ cwd: worktree.path, worktree });
    git.#hardening = this.#hardening;
    return git;
  }

  /**
   * Runs `git ARGS`. Resolves to what it printed when it exits 0 (or with one of `okCodes`);
   * rejects with a {@linkcode GitCommandError} carrying git's message otherwise, and with a
   * {@linkcode WorktreeSetupError} when there is no `git` to run.
   */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const { always, drivers } = await this.#hardened();
    const settings = options.drivers === "user" ? always : [...always, ...drivers];
    const result = await this.#spawn([...settings, ...args], options);
    if (result.code === 0 || options.okCodes?.includes(result.code)) return result;
    const output = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join("\n");
    throw new GitCommandError(args[0], result.code, output);
  }

  /** Runs `git ARGS` and resolves to its output without the final newline. */
  async text(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.replace(/\n$/, "");
  }

  #hardened(): Promise<{ always: string[]; drivers: string[] }> {
    const flags = (settings: readonly string[]) => settings.flatMap((setting) => ["-c", setting]);
    this.#hardening ??= this.#readDrivers().then((overrides) => ({
      always: flags(ALWAYS),
      drivers: flags(overrides),
    }));
    return this.#hardening;
  }

  /** `-c` settings that switch off every driver the user's config defines. */
  async #readDrivers(): Promise<string[]> {
    const result = await this.#spawn(
      ["config", "-z", "--get-regexp", String.raw`^(filter|diff|merge)\..*\.`],
      {},
    );
    // Exit code 1: no such key, nothing to switch off.
    if (result.code !== 0) return [];
    const overrides = new Set<string>();
    for (const entry of result.stdout.split("\0")) {
      const key = entry.split("\n", 1)[0];
      const kind = key.slice(0, key.indexOf("."));
      const name = key.slice(kind.length + 1, key.lastIndexOf("."));
      for (const program of DRIVER_PROGRAMS[kind] ?? []) {
        overrides.add(`${kind}.${name}.${program}`);
      }
    }
    return [...overrides];
  }

  async #spawn(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
    const worktree = this.place.worktree;
    const location = worktree
      ? [`--git-dir=${worktree.gitDir}`, `--work-tree=${worktree.path}`]
      : [];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("git", {
        args: [...location, ...args],
        cwd: this.place.cwd,
        clearEnv: true,
        env: { ...gitEnv(), ...options.env },
        stdin: options.input === undefined ? "null" : "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (cause) {
      if (cause instanceof Deno.errors.NotFound) {
        throw new WorktreeSetupError(
          "Worktree sessions need git on the host, and none was found (PATH): install git " +
            "2.25 or newer, or run without --worktree.",
          { cause },
        );
      }
      throw cause;
    }
    if (options.input !== undefined) {
      const writer = child.stdin.getWriter();
      // git may exit before reading everything (a bad patch): its message says why.
      await writer.write(new TextEncoder().encode(options.input)).catch(() => {});
      await writer.close().catch(() => {});
    }
    const { code, stdout, stderr } = await child.output();
    const decoder = new TextDecoder();
    return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
  }
}

/** The process's variables, less those that would move git elsewhere; nothing asks on a tty. */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (
      !LOCATION_VARIABLES.has(name) && !name.startsWith("GIT_CONFIG_KEY_") &&
      !name.startsWith("GIT_CONFIG_VALUE_")
    ) {
      env[name] = value;
    }
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_EDITOR: "true",
    GIT_PAGER: "cat",
  };
}
