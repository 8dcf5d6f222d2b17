/**
 * The command line: flags and environment variables turned into one validated
 * {@linkcode CliConfig}. A flag beats its variable; a bad value of either is a
 * {@linkcode UsageError}. This is the only module that knows `commander`.
 *
 * @module
 */

import { Command, CommanderError } from "@commander-js/extra-typings";
import {
  DEFAULT_MAX_STEPS,
  DEFAULT_MODEL,
  DEFAULT_TIMEOUT_SECONDS,
  positiveIntegerSetting,
  secondsSetting,
} from "../agent/settings.ts";
import {
  ConfigError,
  DEFAULT_IMAGE,
  DEFAULT_MEMORY_BYTES,
  DEFAULT_PIDS_LIMIT,
  MIN_CPUS,
  MIN_MEMORY_BYTES,
  MIN_PIDS_LIMIT,
  parseBoolean,
  resolveRuntimeOptions,
} from "../runtime/mod.ts";
import type { RuntimeOptions } from "../runtime/mod.ts";
import { VERSION } from "../version.ts";
import { UsageError } from "./errors.ts";

/** Everything a run of `pygent` was asked to do, validated. */
export interface CliConfig {
  /** The request given on the command line (words joined by spaces), run once. */
  request: string | undefined;
  /** Sandbox settings, passed to the runtime unchanged (without `onEvent`). */
  runtime: RuntimeOptions;
  /** `--model` or `PYGENT_MODEL`; undefined leaves the agent's default. */
  model: string | undefined;
  /** `--timeout` or `PYGENT_TIMEOUT`, seconds per command; undefined leaves the agent's default. */
  timeoutSeconds: number | undefined;
  /** `--max-steps` or `PYGENT_MAX_STEPS`; undefined leaves the agent's default. */
  maxSteps: number | undefined;
  /** `--load FILE`: a saved conversation to resume. */
  load: string | undefined;
  /** `--json`: events as JSON lines on stdout, nothing else. */
  json: boolean;
}

/** What the command line asks for: a run, or text to print and leave (help, version). */
export type ParsedArgs =
  | { kind: "run"; config: CliConfig }
  | { kind: "print"; text: string };

/** Where {@linkcode parseArgs} reads variables and the current directory from. */
export interface ArgsContext {
  /** Reads an environment variable; default `Deno.env.get`. */
  getEnv?: (name: string) => string | undefined;
  /** The directory `--cwd` means; default `Deno.cwd()`. */
  cwd?: string;
}

const VARIABLES = `
Environment variables (a flag beats its variable):
  OPENAI_API_KEY      key of the OpenAI API (optional with another OPENAI_BASE_URL)
  OPENAI_BASE_URL     any OpenAI-compatible server, e.g. http://localhost:11434/v1
  PYGENT_MODEL        model name (default ${DEFAULT_MODEL})
  PYGENT_USE_DOCKER   1: Docker or an error; 0: the host; unset: Docker when an engine answers
  PYGENT_IMAGE        container image (default ${DEFAULT_IMAGE})
  PYGENT_WORKSPACE    host folder to work in (default: a fresh temporary folder)
  PYGENT_TIMEOUT      seconds per command (default ${DEFAULT_TIMEOUT_SECONDS})
  PYGENT_MAX_STEPS    model requests per message (default ${DEFAULT_MAX_STEPS})
  NO_COLOR            set to turn colours off
  DOCKER_HOST         the engine's endpoint (unix:///path or tcp://host:port)
  DOCKER_TLS_VERIFY   with DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem): TLS to a tcp:// engine

Session commands: /help, /reset, /save FILE, /exit, !COMMAND (runs in the sandbox).`;

function program() {
  return new Command()
    .name("pygent")
    .description(
      "A coding assistant that runs its commands in a Docker sandbox.\n" +
        "With a request: runs it and exits. Without one: a session (each input line a message).",
    )
    .argument("[request...]", "a request to run once")
    .option("--docker", "run commands in a Docker container; an error if no engine answers")
    .option("--no-docker", "run commands on the host (nothing is isolated)")
    .option("--image <image>", `container image (default ${DEFAULT_IMAGE})`)
    .option("--model <name>", `model name (default ${DEFAULT_MODEL})`)
    .option("--workspace <dir>", "host folder to work in (used in place)")
    .option("--cwd", "use the current directory as the workspace")
    .option("--network", "give the container a network (off by default)")
    .option("--root", "run as root in the container (default: your own uid:gid)")
    .option(
      "--env <name[=value]>",
      "pass a variable to the sandbox (repeatable; NAME alone takes its value from here)",
      (value: string, previous: string[] | undefined) => [...previous ?? [], value],
    )
    .option("--cpus <n>", "CPU limit of the container, e.g. 1.5")
    .option("--pids-limit <n>", `most processes in the container (default ${DEFAULT_PIDS_LIMIT})`)
    .option(
      "--memory <size>",
      `memory limit of the container, e.g. 2g (default ${DEFAULT_MEMORY_BYTES / 1024 ** 2}m)`,
    )
    .option(
      "--timeout <seconds>",
      `time limit of each command (default ${DEFAULT_TIMEOUT_SECONDS})`,
    )
    .option("--max-steps <n>", `model requests per message (default ${DEFAULT_MAX_STEPS})`)
    .option("--load <file>", "resume a conversation saved with /save")
    .option("--json", "print only events, as JSON lines, on stdout")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "print this help")
    .addHelpText("after", VARIABLES)
    .exitOverride()
    .showSuggestionAfterError(true);
}

/**
 * Parses `pygent`'s arguments and variables into a {@linkcode CliConfig}.
 *
 * @throws {UsageError} On an unknown flag or a value that cannot be used.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * const parsed = parseArgs(["--no-docker", "list", "files"], { getEnv: () => undefined });
 * if (parsed.kind === "run") console.log(parsed.config.request); // "list files"
 * ```
 */
export function parseArgs(argv: string[], context: ArgsContext = {}): ParsedArgs {
  const getEnv = context.getEnv ?? ((name: string) => Deno.env.get(name));
  let printed = "";
  const command = program().configureOutput({
    writeOut: (text) => printed += text,
    writeErr: () => {},
    outputError: () => {},
  });
  try {
    command.parse(argv, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { kind: "print", text: printed };
    throw new UsageError(
      `${error.message.replace(/^error: /, "")}. Run pygent --help for the options.`,
    );
  }
  const flags = command.opts();
  const words = command.processedArgs[0];
  const setting = (flag: string, variable: string, value: string | undefined) =>
    value !== undefined
      ? { name: flag, value }
      : getEnv(variable)
      ? { name: variable, value: getEnv(variable) as string }
      : undefined;

  if (flags.cwd && flags.workspace !== undefined) {
    throw new UsageError("--cwd and --workspace both name the workspace; give one of them.");
  }
  const workspace = flags.cwd
    ? context.cwd ?? Deno.cwd()
    : checkedFolder(setting("--workspace", "PYGENT_WORKSPACE", flags.workspace));
  const useDocker = getEnv("PYGENT_USE_DOCKER");
  const runtime: RuntimeOptions = {
    docker: flags.docker ??
      (useDocker ? configValue(() => parseBoolean("PYGENT_USE_DOCKER", useDocker)) : undefined),
    image: nonEmpty(setting("--image", "PYGENT_IMAGE", flags.image)),
    workspace,
    network: flags.network ?? false,
    user: flags.root ? "root" : "host",
    env: sandboxEnv(flags.env ?? [], getEnv),
    cpus: flags.cpus === undefined ? undefined : atLeast(
      "--cpus",
      flags.cpus,
      positiveNumber({ name: "--cpus", value: flags.cpus }),
      MIN_CPUS,
      String(MIN_CPUS),
    ),
    memoryBytes: flags.memory === undefined ? undefined : atLeast(
      "--memory",
      flags.memory,
      byteSize(flags.memory),
      MIN_MEMORY_BYTES,
      `${MIN_MEMORY_BYTES / 1024 ** 2}m`,
    ),
    pidsLimit: optional(
      flags.pidsLimit === undefined ? undefined : { name: "--pids-limit", value: flags.pidsLimit },
      ({ name, value }) =>
        atLeast(
          name,
          value,
          configValue(() => positiveIntegerSetting(() => value, name, 0)),
          MIN_PIDS_LIMIT,
          String(MIN_PIDS_LIMIT),
        ),
    ),
    getEnv,
  };
  configValue(() => resolveRuntimeOptions(runtime));
  return {
    kind: "run",
    config: {
      request: words.length > 0 ? words.join(" ") : undefined,
      runtime,
      model: nonEmpty(setting("--model", "PYGENT_MODEL", flags.model)),
      timeoutSeconds: optional(
        setting("--timeout", "PYGENT_TIMEOUT", flags.timeout),
        ({ name, value }) => configValue(() => secondsSetting(() => value, name, 0)),
      ),
      maxSteps: optional(
        setting("--max-steps", "PYGENT_MAX_STEPS", flags.maxSteps),
        ({ name, value }) => configValue(() => positiveIntegerSetting(() => value, name, 0)),
      ),
      load: flags.load,
      json: flags.json ?? false,
    },
  };
}

// The smallest limits the runtime accepts (lib/runtime/options.ts), said here in the flags' units.

/** Refuses a limit below what the runtime accepts, naming the flag and a value that works. */
function atLeast(flag: string, given: string, value: number, min: number, shown: string): number {
  if (value < min) throw new UsageError(`${flag} ${given} is too small; use at least ${shown}.`);
  return value;
}

/** A value and where it came from (a flag or a variable), for messages. */
interface Setting {
  name: string;
  value: string;
}

function optional<T>(found: Setting | undefined, parse: (s: Setting) => T): T | undefined {
  return found === undefined ? undefined : parse(found);
}

function show({ name, value }: Setting): string {
  return name.startsWith("--") ? `${name} ${JSON.stringify(value)}` : `${name}=${value}`;
}

function nonEmpty(found: Setting | undefined): string | undefined {
  if (found === undefined) return undefined;
  if (!found.value.trim()) throw new UsageError(`${found.name} is empty; give a name.`);
  return found.value;
}

function positiveNumber(found: Setting): number {
  const n = Number(found.value);
  if (!found.value.trim() || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${show(found)} is not valid; use a number above 0, e.g. 1.5.`);
  }
  return n;
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses `512m`, `2g`, `1.5G`, `1048576` (bytes; k, m, g are powers of 1024). */
function byteSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?\s*$/i.exec(value);
  if (!match) {
    throw new UsageError(
      `--memory ${JSON.stringify(value)} is not valid; use a size like 512m or 2g.`,
    );
  }
  return Math.round(Number(match[1]) * UNITS[match[2].toLowerCase()]);
}

function checkedFolder(found: Setting | undefined): string | undefined {
  if (found === undefined) return undefined;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(found.value);
  } catch {
    throw new UsageError(`${show(found)}: no such folder; create it or pick another one.`);
  }
  if (!info.isDirectory) throw new UsageError(`${show(found)} is not a folder.`);
  return found.value;
}

function sandboxEnv(
  specs: string[],
  getEnv: (name: string) => string | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = eq < 0 ? spec : spec.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(
        `--env ${JSON.stringify(spec)} is not valid; use NAME or NAME=VALUE with a variable name.`,
      );
    }
    const value = eq < 0 ? getEnv(name) : spec.slice(eq + 1);
    if (value === undefined) {
      throw new UsageError(
        `--env ${name}: ${name} is not set here; set it or use --env ${name}=VALUE.`,
      );
    }
    env[name] = value;
  }
  return env;
}

/** Runs a runtime validation, turning its {@linkcode ConfigError} into a {@linkcode UsageError}. */
function configValue<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}
