/**
 * Test helpers that run the real `pygent` command (`deno run -A main.ts`) as a
 * child process, with a clean environment pointed at the scripted OpenAI server.
 *
 * @module
 */

import type { JsonEvent } from "../../lib/cli/json_view.ts";
import { OWNER_LABEL } from "../../lib/runtime/mod.ts";
import { containersLabelled } from "../support/docker.ts";
import type { OpenAIServer } from "../support/openai_server.ts";

/** The CLI's entry point. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** How to run the CLI. */
export interface CliOptions {
  /** The scripted model server (`OPENAI_BASE_URL`); without one, no model variables are set. */
  server?: OpenAIServer;
  /** Variables added to the clean environment (they win over the defaults). */
  env?: Record<string, string>;
  /** Text written to stdin, which is then closed. Default: no stdin at all. */
  stdin?: string;
  /** The working directory. */
  cwd?: string;
  /**
   * A host name of the CLI's own (a UTS namespace made with `unshare`; needs root): the
   * containers it owns are labelled with this name, which no other test's process has.
   */
  hostname?: string;
}

/** What a finished run of the CLI did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Deno's cache as this test process uses it: a child given another `HOME` (the config tests)
 * still finds the npm packages there instead of downloading them again.
 */
const DENO_DIR: string = JSON.parse(
  new TextDecoder().decode(
    (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
  ),
).denoDir;

/**
 * The data folder of this test process's CLI runs, where their sessions are kept: never the
 * developer's own (`~/.local/share`). Tests of sessions give each run a folder of its own.
 */
const DATA_HOME: string = Deno.makeTempDirSync({ prefix: "pygent-test-data-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(DATA_HOME, { recursive: true });
  } catch {
    // Already gone.
  }
});

/** A clean environment: what Deno and Docker need, plus the model server. */
export function cliEnv(options: CliOptions = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "DENO_DIR", "DOCKER_HOST", "DOCKER_CERT_PATH", "TMPDIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  env.DENO_DIR ??= DENO_DIR;
  // No developer's own config file reaches a test: the user file is looked for where none is.
  env.XDG_CONFIG_HOME = "/nonexistent/pygent-test-config";
  env.XDG_DATA_HOME = DATA_HOME;
  if (options.server) {
    env.OPENAI_BASE_URL = options.server.baseURL;
    env.OPENAI_API_KEY = "test-key";
  }
  return { ...env, ...options.env };
}

/** Starts the CLI with `args`; stdout and stderr are piped. */
export function spawnCli(args: string[], options: CliOptions = {}): Deno.ChildProcess {
  const command = [Deno.execPath(), "run", "-A", MAIN, ...args];
  const [program, ...rest] = options.hostname === undefined
    ? command
    : ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', options.hostname, ...command];
  const child = new Deno.Command(program, {
    args: rest,
    env: cliEnv(options),
    clearEnv: true,
    cwd: options.cwd,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  feedStdin(child, options.stdin);
  return child;
}

/** Writes `stdin` to the child's stdin and closes it; a child started without one is left so. */
function feedStdin(child: Deno.ChildProcess, stdin: string | undefined): void {
  if (stdin === undefined) return;
  const writer = child.stdin.getWriter();
  writer.write(new TextEncoder().encode(stdin)).then(() => writer.close()).catch(() => {});
}

/** How a run of the CLI into a reader that stops reading ended. */
export interface IntoHeadResult {
  /** The CLI's exit code (not `head`'s). */
  code: number;
  /** The CLI's pid, for the containers it owns. */
  pid: number;
  /** What the CLI wrote to stderr. */
  stderr: string;
}

/** Runs `pygent ARGS | head -1`: its reader goes away after the first line. */
export async function runIntoHead(
  args: string[],
  options: CliOptions = {},
): Promise<IntoHeadResult> {
  // The CLI's pid first on stderr (exec keeps it); pipefail gives the CLI's exit code.
  const pipeline = 'set -o pipefail; sh -c \'echo $$ >&2; exec "$@"\' pygent "$@" | head -1';
  const child = new Deno.Command("bash", {
    args: ["-c", pipeline, "bash", Deno.execPath(), "run", "-A", MAIN, ...args],
    env: cliEnv(options),
    clearEnv: true,
    cwd: options.cwd,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  feedStdin(child, options.stdin);
  const [pid, ...rest] = (await new Response(child.stderr).text()).split("\n");
  const { code } = await child.status;
  return { code, pid: Number(pid), stderr: rest.join("\n") };
}

/** Runs the CLI to its end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { code, stdout, stderr } = await spawnCli(args, options).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** The parsed JSON lines of `--json` output; fails on a line that is not JSON. */
export function jsonLines(stdout: string): JsonEvent[] {
  return stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

/** The events of one type, typed. */
export function eventsOf<T extends JsonEvent["type"]>(
  events: JsonEvent[],
  type: T,
): Extract<JsonEvent, { type: T }>[] {
  return events.filter((event): event is Extract<JsonEvent, { type: T }> => event.type === type);
}

/** Reads a child's stdout line by line until `match` accepts a line; returns the lines read. */
export async function readUntil(
  child: Deno.ChildProcess,
  match: (line: string) => boolean,
  timeoutMs = 20_000,
): Promise<string[]> {
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = setTimeout(() => reader.cancel().catch(() => {}), timeoutMs);
  let pending = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(`no matching line within ${timeoutMs} ms; got:\n${lines.join("\n")}`);
      }
      const parts = (pending + value).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (match(line)) return lines;
      }
    }
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
}

/** Ids of the containers a process owns (by the owner label), on this host or `hostname`. */
export function containersOf(pid: number, hostname = Deno.hostname()): Promise<string[]> {
  return containersLabelled(OWNER_LABEL, `${hostname}:${pid}`);
}

/** Why a test needing {@linkcode CliOptions.hostname} cannot run here, if it cannot. */
export const ownHostnameUnavailable: string | undefined = await (async () => {
  try {
    const { success } = await new Deno.Command("unshare", {
      args: ["--uts", "sh", "-c", "hostname pygent-probe"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success ? undefined : "unshare --uts failed (not root?)";
  } catch {
    return "no unshare command";
  }
})();

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A scripted `bash` tool call. */
export function bashCall(cmd: string): { name: string; arguments: string } {
  return { name: "bash", arguments: JSON.stringify({ cmd }) };
}
