/**
 * The command line: `pygent`'s flags, and those of `pygent config` and
 * `pygent trust`, read as they were given. The flags' values are checked by
 * the settings loader (`lib/config/`), the same way as a variable's or a
 * config file's; what is checked here is the shape of the command line (an
 * unknown flag, a missing value) and the workspace folder, each a
 * {@linkcode UsageError}. This is the only module that knows `commander`.
 *
 * @module
 */

import path from "node:path";
import { Command, CommanderError } from "@commander-js/extra-typings";
import { type FlagLayer, KEYS, showBytes } from "../config/mod.ts";
import { MIN_CPUS, MIN_MEMORY_BYTES, MIN_PIDS_LIMIT } from "../runtime/options.ts";
import { VERSION } from "../version.ts";
import { UsageError } from "./errors.ts";

/** Everything a run of `pygent` was asked to do. */
export interface CliConfig {
  /** The request given on the command line (words joined by spaces), run once. */
  request: string | undefined;
  /** The settings' flags, raw, for `loadSettings` (which checks them). */
  flags: FlagLayer;
  /** `--cwd`, `--workspace DIR` or `PYGENT_WORKSPACE`, absolute; undefined for a temporary one. */
  workspace: string | undefined;
  /** `--load FILE`: a saved conversation to resume. */
  load: string | undefined;
  /** `--resume ID|last`: a kept session to resume. */
  resume: string | undefined;
  /** `--continue`: resume the newest session of the workspace. */
  continue: boolean;
  /** `--json`: events as JSON lines on stdout, nothing else. */
  json: boolean;
}

/** What the command line asks for: a run, or text to print and leave (help, version). */
export type ParsedArgs =
  | { kind: "run"; config: CliConfig }
  | { kind: "print"; text: string };

/** What `pygent config` was asked for. */
export interface ConfigArgs {
  /** The settings' flags, as for a run: the settings shown are those such a run would use. */
  flags: FlagLayer;
  /** Where to look for the project file, as for a run; undefined: the current directory. */
  workspace: string | undefined;
  /** `--json`: one JSON object instead of a table. */
  json: boolean;
}

/** What `pygent doctor` was asked for. */
export interface DoctorArgs {
  /** The settings' flags, as for a run: the checks use what such a run would. */
  flags: FlagLayer;
  /**
   * The workspace a run would use (`--cwd`, `--workspace DIR`, `PYGENT_WORKSPACE`), absolute and
   * not checked (the `workspace` check reports a missing one); undefined for a temporary one.
   */
  workspace: string | undefined;
  /** `--json`: one JSON object instead of rows. */
  json: boolean;
}

/** What `pygent trust` was asked for. */
export interface TrustArgs {
  /** The folder (default: the current directory). */
  dir: string | undefined;
  /** `--remove`: stop trusting it. */
  remove: boolean;
  /** `--list`: print the trusted folders. */
  list: boolean;
}

/** Where the parsers read variables and the current directory from. */
export interface ArgsContext {
  /** Reads an environment variable; default `Deno.env.get`. */
  getEnv?: (name: string) => string | undefined;
  /** The directory `--cwd` means and relative paths start from; default `Deno.cwd()`. */
  cwd?: string;
}

// The defaults shown in the help are the loader's.
const DEFAULT_API_KEY_ENV = KEYS.api_key_env.default;
const DEFAULT_MODEL = KEYS.model.default;
const DEFAULT_IMAGE = KEYS.image.default;
const DEFAULT_MEMORY = showBytes(KEYS.memory.default);
const DEFAULT_PIDS_LIMIT = KEYS.pids_limit.default;
const DEFAULT_TIMEOUT_SECONDS = KEYS.timeout.default;
const DEFAULT_MAX_STEPS = KEYS.max_steps.default;
const DEFAULT_HISTORY_MAX_DAYS = KEYS.history_max_days.default;

const FILES = `
Config files (flags and variables beat them; pygent config shows every setting and its source):
  user     $XDG_CONFIG_HOME/pygent/config.toml (default ~/.config/pygent/config.toml;
           %APPDATA%\\pygent\\config.toml on Windows)
  project  .pygent/config.toml in the workspace or a folder above it, up to the git root;
           it cannot loosen the sandbox unless you trust its folder (pygent trust DIR)`;

const VARIABLES = `
Environment variables (a flag beats its variable, a variable beats the files):
  OPENAI_API_KEY      key of the OpenAI API (optional with another base URL)
  OPENAI_BASE_URL     any OpenAI-compatible server, e.g. http://localhost:11434/v1
  PYGENT_API_KEY_ENV  the variable that holds the key (default ${DEFAULT_API_KEY_ENV})
  PYGENT_MODEL        model name (default ${DEFAULT_MODEL})
  PYGENT_SANDBOX      auto (Docker when an engine answers, else the host), docker or host
  PYGENT_USE_DOCKER   1: docker; 0: host (the older PYGENT_SANDBOX)
  PYGENT_IMAGE        container image (default ${DEFAULT_IMAGE})
  PYGENT_NETWORK      1: give the container a network (default 0)
  PYGENT_ROOT         1: run as root in the container (default 0)
  PYGENT_MEMORY       memory limit, e.g. 2g (default ${DEFAULT_MEMORY})
  PYGENT_PIDS_LIMIT   most processes in the container (default ${DEFAULT_PIDS_LIMIT})
  PYGENT_CPUS         CPU limit, e.g. 1.5 (default none)
  PYGENT_TIMEOUT      seconds per command (default ${DEFAULT_TIMEOUT_SECONDS})
  PYGENT_MAX_STEPS    model requests per message (default ${DEFAULT_MAX_STEPS})
  PYGENT_APPROVAL     when to ask before a command runs: auto, ask or never (default auto)
  PYGENT_PROFILE      a [profiles.NAME] of the config files
  PYGENT_HISTORY      0: keep no session on disk (default 1)
  PYGENT_HISTORY_MAX_DAYS
                      days a kept session stays (default ${DEFAULT_HISTORY_MAX_DAYS})
  PYGENT_WORKSPACE    host folder to work in (default: a fresh temporary folder)
  NO_COLOR            set to turn colours off
  DOCKER_HOST         the engine's endpoint (unix:///path or tcp://host:port)
  DOCKER_TLS_VERIFY   with DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem): TLS to a tcp:// engine
  Yes/no variables take 1/0, true/false, yes/no or on/off.`;

const COMMANDS = `
Commands:
  pygent config [--json]     every setting, its value and where it comes from
  pygent trust [DIR]         read DIR's project config in full (--remove, --list)
  pygent doctor [--json]     check the engine, the image, the sandbox, the model and the rest
  pygent policy check -- COMMAND
                             the approval policy's decision for a command line, and why
  pygent sessions [--json]   the kept sessions, newest first (resume one with --resume ID)
  pygent sessions rm ID      remove a kept session
  pygent diff ID             a --worktree session's changes, as one diff
  pygent merge ID            merge its branch pygent/ID into your current branch
  pygent apply ID            its changes as uncommitted changes in your checkout
  pygent discard ID          remove its branch and worktree
  pygent batch TASKS.jsonl   run every task of the file, each in its own container, N at a
                             time over a pool of engines (--parallel N, --out FILE, --engines)
A command's name is one only as the first word: pygent -- sessions … sends it as a request.

Session commands: /help, /reset, /save FILE, /undo, /diff, /exit, !COMMAND (runs in the
sandbox).`;

/** The flags that set the settings, shared by a run and `pygent config`. */
function withSettingFlags<Args extends unknown[]>(command: Command<Args>) {
  return command
    .option("--sandbox <mode>", "where commands run: auto, docker or host (default auto)")
    .option("--docker", "run commands in a Docker container; an error if no engine answers")
    .option("--no-docker", "run commands on the host (nothing is isolated)")
    .option("--image <image>", `container image (default ${DEFAULT_IMAGE})`)
    .option("--model <name>", `model name (default ${DEFAULT_MODEL})`)
    .option("--base-url <url>", "an OpenAI-compatible server (default OpenAI's API)")
    .option(
      "--api-key-env <name>",
      `the variable that holds the API key (default ${DEFAULT_API_KEY_ENV})`,
    )
    .option("--approval <mode>", "when to ask before a command runs: auto, ask or never")
    .option("--profile <name>", "use the settings of [profiles.NAME] in the config files")
    .option("--workspace <dir>", "host folder to work in (used in place)")
    .option("--cwd", "use the current directory as the workspace")
    .option("--network", "give the container a network (off by default)")
    .option("--no-network", "no network, whatever a config file says")
    .option("--root", "run as root in the container (default: your own uid:gid)")
    .option("--no-root", "run as your own uid:gid, whatever a config file says")
    .option(
      "--env <name[=value]>",
      "pass a variable to the sandbox (repeatable; NAME alone takes its value from here)",
      (value: string, previous: string[] | undefined) => [...previous ?? [], value],
    )
    .option("--cpus <n>", `CPU limit of the container, e.g. 1.5 (at least ${MIN_CPUS})`)
    .option(
      "--pids-limit <n>",
      `most processes in the container (default ${DEFAULT_PIDS_LIMIT}, at least ${MIN_PIDS_LIMIT})`,
    )
    .option(
      "--memory <size>",
      `memory limit of the container, e.g. 2g (default ${DEFAULT_MEMORY}, ` +
        `at least ${showBytes(MIN_MEMORY_BYTES)})`,
    )
    .option(
      "--timeout <seconds>",
      `time limit of each command (default ${DEFAULT_TIMEOUT_SECONDS})`,
    )
    .option("--max-steps <n>", `model requests per message (default ${DEFAULT_MAX_STEPS})`)
    .option("--history", "keep the session in the sessions folder (the default)")
    .option("--no-history", "keep nothing of this session on disk")
    .option(
      "--history-max-days <days>",
      `remove sessions older than this at start (default ${DEFAULT_HISTORY_MAX_DAYS})`,
    )
    .option(
      "--worktree",
      "work on a new branch pygent/ID in a git worktree, not in the checkout itself",
    )
    .option("--no-worktree", "work in the workspace folder itself, whatever a config file says")
    .option(
      "--sync <mode>",
      "how the workspace reaches the container: bind (mounted), copy (copied in, changes " +
        "copied back after each step; for a remote engine) or auto (the default)",
    )
    .option(
      "--sync-limit <size>",
      "copy mode: most bytes copied in or back at once, e.g. 1g (default 512m)",
    );
}

/** What the setting flags parse into, as commander names them. */
type SettingOptions = ReturnType<ReturnType<typeof withSettingFlags>["opts"]>;

function runProgram() {
  return withSettingFlags(
    new Command()
      .name("pygent")
      .description(
        "A coding assistant that runs its commands in a Docker sandbox.\n" +
          "With a request: runs it and exits. Without one: a session (each input line a message).",
      )
      .argument("[request...]", "a request to run once"),
  )
    .option("--load <file>", "resume a conversation saved with /save")
    .option("--resume <id>", "resume a kept session: its id (a unique prefix) or last")
    .option("--continue", "resume the newest session of this workspace (default: this folder)")
    .option("--json", "print only events, as JSON lines, on stdout")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "print this help")
    .addHelpText("after", FILES + "\n" + VARIABLES + "\n" + COMMANDS);
}

function configProgram() {
  return withSettingFlags(
    new Command()
      .name("pygent config")
      .description(
        "Prints every setting a run would use, its value and where it comes from (a flag, a " +
          "variable, a profile, the project file, the user file or the default).\n" +
          "Give a run's flags to see what they change. Ignored project keys are listed on stderr.",
      ),
  )
    .option("--json", "print one JSON object: { KEY: { value, source, file?, line? } }")
    .helpOption("-h, --help", "print this help")
    .addHelpText("after", FILES);
}

function policyProgram() {
  return withSettingFlags(
    new Command()
      .name("pygent policy check")
      .description(
        "Prints the approval policy's decision (allow, ask or deny) for a command line, part by " +
          "part, and the rule or reason that made it. Runs nothing.\n" +
          "The rules and the approval mode come from the config files, variables and flags, as " +
          "for a run. Put the command after --: pygent policy check -- 'git push origin main'",
      )
      .argument("<command...>", "the command line (its words are joined by spaces)"),
  )
    .option("--host", "judge it as run on the host (default: as the sandbox setting says)")
    .option("--json", 'print one JSON object: { "decision", "reason", "parts" }')
    .helpOption("-h, --help", "print this help");
}

function doctorProgram() {
  return withSettingFlags(
    new Command()
      .name("pygent doctor")
      .description(
        "Checks everything a session needs, in about 5 s: the config files, the Docker engine, " +
          "the socket's permissions, the image, a locked-down sandbox, the model server and the " +
          "workspace. One row per check (ok, warn or fail) and, when not ok, what to do.\n" +
          "Give a run's flags to check what such a run would use. Exits 1 when a check failed.",
      ),
  )
    .option(
      "--json",
      'print one JSON object: { "version", "checks": [{ "id", "status", "summary", ' +
        '"remediation"?, "durationMs" }] }',
    )
    .helpOption("-h, --help", "print this help");
}

function trustProgram() {
  return new Command()
    .name("pygent trust")
    .description(
      "Trusts a folder: its project file (.pygent/config.toml) is then read in full, including " +
        "the keys that loosen the sandbox (network, root, sandbox, approval, env, base_url, " +
        "api_key_env, allow rules). Recorded as trusted = [...] in your user config file.",
    )
    .argument("[dir]", "the folder (default: the current directory)")
    .option("--remove", "stop trusting the folder")
    .option("--list", "print the trusted folders")
    .helpOption("-h, --help", "print this help");
}

/**
 * Parses `pygent`'s arguments: the request, the flags (raw, for the settings
 * loader), the workspace.
 *
 * @throws {UsageError} On an unknown flag, a missing value or a workspace that is not a folder.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * const parsed = parseArgs(["--no-docker", "list", "files"], { getEnv: () => undefined });
 * if (parsed.kind === "run") console.log(parsed.config.request, parsed.config.flags);
 * // "list files" { docker: false }
 * ```
 */
export function parseArgs(argv: string[], context: ArgsContext = {}): ParsedArgs {
  const parsed = run(runProgram(), argv);
  if (parsed.kind === "print") return parsed;
  const { command } = parsed;
  const options = command.opts();
  const words = command.processedArgs[0];
  const resumes = [
    options.load !== undefined && "--load",
    options.resume !== undefined && "--resume",
    options.continue && "--continue",
  ].filter((flag): flag is string => typeof flag === "string");
  if (resumes.length > 1) {
    throw new UsageError(`${resumes.join(" and ")} each name a conversation to go on; give one.`);
  }
  return {
    kind: "run",
    config: {
      request: words.length > 0 ? words.join(" ") : undefined,
      flags: flagLayer(options),
      workspace: workspaceOf(options, context),
      load: options.load,
      resume: options.resume,
      continue: options.continue ?? false,
      json: options.json ?? false,
    },
  };
}

/**
 * Parses the arguments of `pygent config` (those after `config`).
 *
 * @throws {UsageError} On an unknown flag, a missing value or a workspace that is not a folder.
 *
 * @example
 * ```ts
 * import { parseConfigArgs } from "./args.ts";
 * const parsed = parseConfigArgs(["--json", "--memory", "2g"], { getEnv: () => undefined });
 * if (parsed.kind === "config") console.log(parsed.args.json, parsed.args.flags);
 * // true { memory: "2g" }
 * ```
 */
export function parseConfigArgs(
  argv: string[],
  context: ArgsContext = {},
): { kind: "config"; args: ConfigArgs } | { kind: "print"; text: string } {
  const parsed = run(configProgram(), argv);
  if (parsed.kind === "print") return parsed;
  const options = parsed.command.opts();
  return {
    kind: "config",
    args: {
      flags: flagLayer(options),
      workspace: workspaceOf(options, context),
      json: options.json ?? false,
    },
  };
}

/**
 * Parses the arguments of `pygent doctor` (those after `doctor`).
 *
 * @throws {UsageError} On an unknown flag, a missing value, or both `--cwd` and `--workspace`.
 *
 * @example
 * ```ts
 * import { parseDoctorArgs } from "./args.ts";
 * const parsed = parseDoctorArgs(["--json", "--model", "gpt-4o"], { getEnv: () => undefined });
 * if (parsed.kind === "doctor") console.log(parsed.args.json, parsed.args.flags);
 * // true { model: "gpt-4o" }
 * ```
 */
export function parseDoctorArgs(
  argv: string[],
  context: ArgsContext = {},
): { kind: "doctor"; args: DoctorArgs } | { kind: "print"; text: string } {
  const parsed = run(doctorProgram(), argv);
  if (parsed.kind === "print") return parsed;
  const options = parsed.command.opts();
  return {
    kind: "doctor",
    args: {
      flags: flagLayer(options),
      workspace: workspaceOf(options, context, false),
      json: options.json ?? false,
    },
  };
}

/**
 * Parses the arguments of `pygent trust` (those after `trust`).
 *
 * @throws {UsageError} On an unknown flag, or `--remove` with `--list`.
 *
 * @example
 * ```ts
 * import { parseTrustArgs } from "./args.ts";
 * const parsed = parseTrustArgs(["--remove", "../other"]);
 * if (parsed.kind === "trust") console.log(parsed.args);
 * // { dir: "../other", remove: true, list: false }
 * ```
 */
export function parseTrustArgs(
  argv: string[],
): { kind: "trust"; args: TrustArgs } | { kind: "print"; text: string } {
  const parsed = run(trustProgram(), argv);
  if (parsed.kind === "print") return parsed;
  const options = parsed.command.opts();
  const [dir] = parsed.command.processedArgs;
  if (options.remove && options.list) {
    throw new UsageError("--remove and --list do different things; give one of them.");
  }
  return {
    kind: "trust",
    args: { dir, remove: options.remove ?? false, list: options.list ?? false },
  };
}

/** What `pygent policy check` was asked. */
export interface PolicyArgs {
  /** The setting flags, as for a run: the rules and the mode come from the same places. */
  flags: FlagLayer;
  /** Where to look for the project file; undefined: the current directory. */
  workspace: string | undefined;
  /** The command line to judge. */
  command: string;
  /** `--host`: judged as run on the host. */
  host: boolean;
  /** `--json`: one JSON object. */
  json: boolean;
}

/**
 * Parses the arguments of `pygent policy` (those after `policy`): `check`, its flags, and the
 * command line after them.
 *
 * @throws {UsageError} When the first word is not `check`, on an unknown flag, or with no command.
 *
 * @example
 * ```ts
 * import { parsePolicyArgs } from "./args.ts";
 * const parsed = parsePolicyArgs(["check", "--host", "--", "git", "push"]);
 * if (parsed.kind === "policy") console.log(parsed.args.command, parsed.args.host);
 * // "git push" true
 * ```
 */
export function parsePolicyArgs(
  argv: string[],
  context: ArgsContext = {},
): { kind: "policy"; args: PolicyArgs } | { kind: "print"; text: string } {
  if (argv[0] !== "check" && argv[0] !== "--help" && argv[0] !== "-h") {
    const what = argv[0] === undefined
      ? "pygent policy needs a subcommand"
      : `pygent policy ${argv[0]} is not a command`;
    throw new UsageError(`${what}; use pygent policy check -- COMMAND.`);
  }
  let parsed;
  try {
    parsed = run(policyProgram(), argv[0] === "check" ? argv.slice(1) : argv);
  } catch (error) {
    // `pygent policy check ls -la`: the command's own options were read as this one's.
    if (!(error instanceof UsageError) || !/unknown option/.test(error.message)) throw error;
    throw new UsageError(
      `${error.message} Put the command line after --: pygent policy check -- ls -la`,
      { cause: error },
    );
  }
  if (parsed.kind === "print") return parsed;
  const options = parsed.command.opts();
  return {
    kind: "policy",
    args: {
      flags: flagLayer(options),
      workspace: workspaceOf(options, context),
      command: parsed.command.processedArgs[0].join(" "),
      host: options.host ?? false,
      json: options.json ?? false,
    },
  };
}

/** Runs commander on `argv`: the parsed command, or the text of --help or --version. */
function run<C extends Command<unknown[]>>(
  command: C,
  argv: string[],
): { kind: "parsed"; command: C } | { kind: "print"; text: string } {
  let printed = "";
  command.exitOverride().showSuggestionAfterError(true).configureOutput({
    writeOut: (text) => printed += text,
    writeErr: () => {},
    outputError: () => {},
  });
  try {
    command.parse(argv, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { kind: "print", text: printed };
    const help = command.name() === "pygent" ? "pygent --help" : `${command.name()} --help`;
    // Commander puts its suggestion on a line of its own and may end with a full stop.
    const said = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ")
      .replace(/\.$/, "");
    throw new UsageError(`${said}. Run ${help} for the options.`);
  }
  return { kind: "parsed", command };
}

/** The setting flags, keyed by setting, without those not given. */
function flagLayer(options: SettingOptions): FlagLayer {
  const layer: FlagLayer = {
    model: options.model,
    base_url: options.baseUrl,
    api_key_env: options.apiKeyEnv,
    image: options.image,
    sandbox: options.sandbox,
    docker: options.docker,
    network: options.network,
    root: options.root,
    memory: options.memory,
    pids_limit: options.pidsLimit,
    cpus: options.cpus,
    timeout: options.timeout,
    max_steps: options.maxSteps,
    env: options.env,
    approval: options.approval,
    history: options.history,
    history_max_days: options.historyMaxDays,
    worktree: options.worktree,
    sync: options.sync,
    sync_limit: options.syncLimit,
    profile: options.profile,
  };
  return Object.fromEntries(
    Object.entries(layer).filter(([, value]) => value !== undefined),
  ) as FlagLayer;
}

/** `--cwd`, `--workspace DIR` or `PYGENT_WORKSPACE`, made absolute and (with `check`) checked. */
function workspaceOf(
  options: SettingOptions,
  context: ArgsContext,
  check = true,
): string | undefined {
  const cwd = context.cwd ?? Deno.cwd();
  if (options.cwd && options.workspace !== undefined) {
    throw new UsageError("--cwd and --workspace both name the workspace; give one of them.");
  }
  if (options.cwd) return cwd;
  const fromEnv = (context.getEnv ?? ((name: string) => Deno.env.get(name)))("PYGENT_WORKSPACE");
  const [shown, folder] = options.workspace !== undefined
    ? [`--workspace ${JSON.stringify(options.workspace)}`, options.workspace]
    : fromEnv
    ? [`PYGENT_WORKSPACE=${fromEnv}`, fromEnv]
    : [];
  if (folder === undefined) return undefined;
  const absolute = path.resolve(cwd, folder);
  if (!check) return absolute;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(absolute);
  } catch {
    throw new UsageError(`${shown}: no such folder; create it or pick another one.`);
  }
  if (!info.isDirectory) throw new UsageError(`${shown} is not a folder.`);
  return absolute;
}

/** What `pygent sessions` was asked for. */
export type SessionsArgs =
  | { kind: "list"; json: boolean }
  | { kind: "rm"; ids: string[] };

function sessionsProgram() {
  return new Command()
    .name("pygent sessions")
    .description(
      "Lists the kept sessions, newest first: id, when it started, workspace, messages and the " +
        "first request. pygent sessions rm ID removes one (a unique prefix of the id is enough).\n" +
        "Resume one with pygent --resume ID (or last), or pygent --continue in its workspace.",
    )
    .argument("[rm]", "rm: remove the sessions named after it")
    .argument("[id...]", "with rm: the sessions to remove")
    .option("--json", 'print one JSON object: { "dir", "sessions": [...] }')
    .helpOption("-h, --help", "print this help");
}

/**
 * Parses the arguments of `pygent sessions` (those after `sessions`).
 *
 * @throws {UsageError} On an unknown flag or word, or `rm` without an id.
 *
 * @example
 * ```ts
 * import { parseSessionsArgs } from "./args.ts";
 * const parsed = parseSessionsArgs(["rm", "20261201-1830"]);
 * if (parsed.kind === "sessions") console.log(parsed.args); // { kind: "rm", ids: [...] }
 * ```
 */
export function parseSessionsArgs(
  argv: string[],
): { kind: "sessions"; args: SessionsArgs } | { kind: "print"; text: string } {
  const parsed = run(sessionsProgram(), argv);
  if (parsed.kind === "print") return parsed;
  const [word, ids] = parsed.command.processedArgs;
  const json = parsed.command.opts().json ?? false;
  if (word === undefined) return { kind: "sessions", args: { kind: "list", json } };
  if (word !== "rm") {
    throw new UsageError(
      `pygent sessions ${word} is not a command; use pygent sessions or pygent sessions rm ID.`,
    );
  }
  if (ids.length === 0) throw new UsageError("Give the session to remove: pygent sessions rm ID.");
  if (json) throw new UsageError("--json is for the list; pygent sessions rm ID prints one line.");
  return { kind: "sessions", args: { kind: "rm", ids } };
}

/** The commands that keep or drop a worktree session's work. */
export type WorktreeCommandName = "diff" | "merge" | "apply" | "discard";

/** What `pygent diff|merge|apply|discard` was asked: the session, by (a prefix of) its id. */
export interface WorktreeCommandArgs {
  /** The session's id, or a unique prefix of it. */
  id: string;
}

const WORKTREE_COMMANDS: Record<WorktreeCommandName, string> = {
  diff: "Prints everything a --worktree session changed, as one diff against the commit it " +
    "started from (coloured on a terminal; pipe it to git apply to use it elsewhere).",
  merge: "Merges the session's branch pygent/ID into the branch your checkout is on, with its " +
    "history (as git merge --no-ff), then removes its worktree folder; the branch stays. A " +
    "conflict stops as git does: resolve and commit, or git merge --abort.",
  apply: "Applies the session's changes to your checkout as uncommitted changes (nothing is " +
    "committed); its branch and worktree stay until pygent discard ID.",
  discard: "Removes the session's worktree and its branch pygent/ID: its work is gone.",
};

function worktreeProgram(name: WorktreeCommandName) {
  return new Command()
    .name(`pygent ${name}`)
    .description(
      `${WORKTREE_COMMANDS[name]}\nID: the session's id, or a unique prefix of it (pygent ` +
        "sessions lists them); a branch pygent/ID of the current folder's repository works too.",
    )
    .argument("<id>", "the session (a unique prefix of its id is enough)")
    .helpOption("-h, --help", "print this help");
}

/**
 * Parses the arguments of `pygent diff`, `pygent merge`, `pygent apply` or `pygent discard`
 * (those after the command's name): one session id, or a prefix of it.
 *
 * @throws {UsageError} On an unknown flag, no id, or more than one.
 *
 * @example
 * ```ts
 * import { parseWorktreeCommandArgs } from "./args.ts";
 * const parsed = parseWorktreeCommandArgs("merge", ["20261202-10"]);
 * if (parsed.kind === "worktree") console.log(parsed.args); // { id: "20261202-10" }
 * ```
 */
export function parseWorktreeCommandArgs(
  name: WorktreeCommandName,
  argv: string[],
): { kind: "worktree"; args: WorktreeCommandArgs } | { kind: "print"; text: string } {
  const parsed = run(worktreeProgram(name), argv);
  if (parsed.kind === "print") return parsed;
  const [id] = parsed.command.processedArgs;
  if (id.trim() === "") {
    throw new UsageError(`Give the session: pygent ${name} ID (pygent sessions lists them).`);
  }
  return { kind: "worktree", args: { id } };
}

/** What `pygent batch` was asked. */
export interface BatchArgs {
  /** The tasks file, as given. */
  tasksFile: string;
  /** The setting flags (`--engines` among them), raw, for the settings loader. */
  flags: FlagLayer;
  /** `--parallel N`: tasks at a time over the pool; undefined: 2 per engine. */
  parallel: number | undefined;
  /** `--out FILE`: the results file; undefined: `TASKS.results.jsonl` beside the tasks file. */
  out: string | undefined;
  /** `--json`: events as JSON lines, not a progress bar. */
  json: boolean;
}

function batchProgram() {
  return withSettingFlags(
    new Command()
      .name("pygent batch")
      .description(
        "Runs every task of a JSONL file, each in its own container on its own copy of its " +
          'files, N at a time over a pool of engines. Each line: {"id", "prompt", ' +
          '"workspace"?, "repo"?, "ref"?, "image"?, "timeout"?, "max_steps"?}.\n' +
          "Each result is appended to the results file as its task ends, and each task's " +
          "changes written as RESULTS.diffs/ID.diff; running the same command again skips the " +
          "ids already there. Exits 0 when every task is done, 1 when one is not, 2 for bad input.",
      )
      .argument("<tasks>", "the tasks file (JSON lines)"),
  )
    .option("--parallel <n>", "tasks at a time over the whole pool (default 2 per engine)")
    .option("--out <file>", "the results file (default TASKS.results.jsonl beside TASKS)")
    .option(
      "--engines <urls>",
      "the engines, separated by commas: unix:///path or tcp://HOST:PORT (default: config " +
        "engines, else the engine a session would use)",
    )
    .option("--json", "print events as JSON lines instead of a progress bar")
    .helpOption("-h, --help", "print this help");
}

/**
 * Parses the arguments of `pygent batch` (those after `batch`).
 *
 * @throws {UsageError} On an unknown flag, no tasks file, or a `--parallel` that is not a whole
 * number of at least 1.
 *
 * @example
 * ```ts
 * import { parseBatchArgs } from "./args.ts";
 * const parsed = parseBatchArgs(["tasks.jsonl", "--parallel", "10"]);
 * if (parsed.kind === "batch") console.log(parsed.args.parallel); // 10
 * ```
 */
export function parseBatchArgs(
  argv: string[],
): { kind: "batch"; args: BatchArgs } | { kind: "print"; text: string } {
  const parsed = run(batchProgram(), argv);
  if (parsed.kind === "print") return parsed;
  const options = parsed.command.opts();
  const parallel = options.parallel === undefined ? undefined : Number(options.parallel);
  if (parallel !== undefined && (!Number.isSafeInteger(parallel) || parallel < 1)) {
    throw new UsageError(
      `--parallel must be a whole number of at least 1; got ${JSON.stringify(options.parallel)}.`,
    );
  }
  return {
    kind: "batch",
    args: {
      tasksFile: parsed.command.processedArgs[0],
      flags: {
        ...flagLayer(options),
        ...(options.engines !== undefined ? { engines: options.engines } : {}),
      },
      parallel,
      out: options.out,
      json: options.json ?? false,
    },
  };
}
