/**
 * `pygent`: reads the command line, opens a session, runs it one-shot, piped
 * or interactive, and removes the sandbox however it ends (`/exit`, end of
 * input, Ctrl-C, SIGTERM, an error).
 *
 * @module
 */

import { Agent, type Approver, HistoryFileError } from "../agent/mod.ts";
import { type LoadedSettings, loadSettings, shownPath } from "../config/mod.ts";
import type { ApprovalMode } from "../policy/mod.ts";
import { ConfigError } from "../errors.ts";
import type { Runtime } from "../runtime/mod.ts";
import { VERSION } from "../version.ts";
import { agentOptions } from "./agent_options.ts";
import { createApprover } from "./approval_prompt.ts";
import { type CliConfig, parseArgs } from "./args.ts";
import type { CommandIo } from "./command_io.ts";
import { runBatchCommand } from "./batch_command.ts";
import { runConfigCommand } from "./config_command.ts";
import { runDoctorCommand } from "./doctor.ts";
import { runPolicyCommand } from "./policy_command.ts";
import { runTrustCommand } from "./trust_command.ts";
import { runSessionsCommand } from "./sessions_command.ts";
import {
  countMessages,
  findSession,
  newestSessionOf,
  newSessionId,
  pruneSessions,
  type ResumedSession,
  SessionError,
  sessionsDir,
  type SessionWorktreeInfo,
  SessionWriter,
} from "../sessions/mod.ts";
import {
  BRANCH_PREFIX,
  branchStates,
  findRepository,
  headCommit,
  worktreePath,
} from "../worktree/mod.ts";
import {
  runApplyCommand,
  runDiffCommand,
  runDiscardCommand,
  runMergeCommand,
} from "./worktree_command.ts";
import { endWorktreeSession, keptText } from "./worktree_end.ts";
import { parseInput } from "./commands.ts";
import { BROKEN_PIPE_EXIT_CODE, untilPipeBreaks } from "./broken_pipe.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { JsonView } from "./json_view.ts";
import { readLines } from "./line_reader.ts";
import { Prompt } from "./prompt.ts";
import { Session } from "./session.ts";
import { Supervisor } from "./supervisor.ts";
import { colorWanted, createStyle, type Style } from "./style.ts";
import { HOST_WARNING, TerminalView } from "./terminal_view.ts";
import { sanitize } from "./sanitize.ts";

const encoder = new TextEncoder();

function writer(file: { writeSync(p: Uint8Array): number }): (text: string) => void {
  return (text) => {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
  };
}

const out = writer(Deno.stdout);
const err = writer(Deno.stderr);

/**
 * Runs `pygent` with `args` and resolves to its exit code: 0 when it did what
 * was asked, 1 on an error, 2 on a bad flag or variable, 130/143 after
 * SIGINT/SIGTERM, 141 when what reads stdout stops reading (`| head`): a signal or the broken
 * pipe ends the process itself, once the sandbox is gone.
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 * Deno.exit(await main(["--version"]));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const subcommand = SUBCOMMANDS.get(args[0]);
  if (subcommand) return await subcommand(args.slice(1), commandIo());
  let config: CliConfig;
  let loadedSettings: LoadedSettings;
  let resumed: ResumedSession | undefined;
  /** With `--worktree`: the branch's id and where its work is. */
  let worktree: { id: string; info: SessionWorktreeInfo; notice?: string } | undefined;
  const sessionId = newSessionId();
  const getEnv = (name: string) => Deno.env.get(name);
  try {
    const parsed = parseArgs(args);
    if (parsed.kind === "print") {
      out(parsed.text);
      return 0;
    }
    config = parsed.config;
    if (config.resume !== undefined || config.continue) {
      resumed = await sessionToResume(config, getEnv);
      config = { ...config, workspace: await resumedWorkspace(config, resumed) };
    }
    loadedSettings = await loadSettings({
      flags: config.flags,
      getEnv,
      cwd: Deno.cwd(),
      workspace: config.workspace,
    });
    // A resumed worktree session goes on on its branch, whatever the settings say.
    const resumedBranch = resumed?.header.worktree?.branch;
    if (loadedSettings.settings.worktree.value || resumedBranch !== undefined) {
      const source = config.workspace ?? Deno.cwd();
      const id = resumedBranch?.slice(BRANCH_PREFIX.length) ?? sessionId;
      worktree = { id, ...await worktreeInfo(source, id, resumedBranch !== undefined, getEnv) };
      config = { ...config, workspace: source };
    }
  } catch (error) {
    if (
      !(error instanceof UsageError || error instanceof ConfigError ||
        error instanceof SessionError)
    ) {
      throw error;
    }
    err(`pygent: ${sanitize(error.message)}\n`);
    return USAGE_EXIT_CODE;
  }
  const { settings } = loadedSettings;
  const interactive = config.request === undefined && !config.json && Deno.stdin.isTerminal();
  const oneShot = config.request !== undefined;
  const style = createStyle(colorWanted(Deno.stdout));
  // When no one reads stdout any more (`| head`), the session stops as after Ctrl-C, so that no
  // container outlives it; until the supervisor exists there is nothing to remove.
  let onPipeBroken: () => void = () => Deno.exit(BROKEN_PIPE_EXIT_CODE);
  const sessionOut = untilPipeBreaks(out, () => onPipeBroken());
  const view = makeView(config.json, style, sessionOut);
  for (const notice of loadedSettings.notices) view.event({ type: "notice", message: notice });
  if (worktree?.notice) view.event({ type: "notice", message: worktree.notice });
  const keyVariable = settings.api_key_env;
  if (keyVariable.source !== "default" && !getEnv(keyVariable.value)?.trim()) {
    // Named on purpose, yet empty: most likely a variable not exported in this shell.
    view.event({
      type: "notice",
      message: `${keyVariable.value} (api_key_env) is not set: requests go to the model ` +
        "server without an API key.",
    });
  }
  // The runtime makes a temporary folder when no workspace was named, and removes it at the end.
  const temporaryWorkspace = config.workspace === undefined;
  // Only a person at the terminal can answer; elsewhere a call that needs approval is refused.
  let askUser: Approver | undefined;
  let prompt: Prompt | undefined;

  let session: Session;
  let loaded = 0;
  try {
    session = await Session.open({
      view,
      oneShot,
      worktree: worktree !== undefined,
      timeoutMs: settings.timeout.value * 1000,
      createAgent: async (onEvent) => {
        const options = agentOptions(settings, {
          workspace: config.workspace,
          getEnv,
          onEvent,
          ...(interactive ? { approve: (request, signal) => askUser!(request, signal) } : {}),
        });
        if (worktree) Object.assign(options, { worktree: true, sessionId: worktree.id });
        if (resumed) return new Agent({ ...options, history: resumed.messages });
        if (!config.load) return new Agent(options);
        const agent = await Agent.load(config.load, options);
        loaded = agent.history.filter((message) => message.role !== "system").length;
        return agent;
      },
    });
  } catch (error) {
    // A missing key, a bad setting or an unreadable --load file: nothing has started.
    if (!(error instanceof ConfigError || error instanceof HistoryFileError)) throw error;
    view.error(error);
    return USAGE_EXIT_CODE;
  }

  const runtime = session.runtime;
  const supervisor = new Supervisor(session, {
    interactive,
    onError: (e) => view.error(e),
    onCleaned: () => {
      const made = session.agent.worktree;
      session.agent.releaseWorktree();
      // A signal ends the session before its branch is dealt with: say where it is.
      if (made && supervisor.ending) err(`${keptText(made, undefined)}\n`);
      // With --json the session event has said so, and stderr stays quiet.
      const removed = temporaryWorkspace && !config.json ? removedWorkspace(runtime) : undefined;
      if (removed === undefined) return;
      err(
        `pygent: the temporary workspace ${sanitize(removed)} was removed; ` +
          "use --cwd or --workspace DIR to keep the files.\n",
      );
    },
  });
  onPipeBroken = () => supervisor.end(BROKEN_PIPE_EXIT_CODE);
  let code = 1;
  try {
    const sandbox = await runtime.describe();
    const writer = settings.history.value
      ? await keepSession(view, getEnv, settings.history_max_days.value, sessionId, {
        pygent: VERSION,
        model: session.agent.model.name,
        workspace: temporaryWorkspace ? null : await Deno.realPath(config.workspace!),
        sandbox: sandbox.kind === "docker" ? { kind: "docker", image: sandbox.image } : {
          kind: "host",
        },
        ...(resumed ? { resumedFrom: resumed.header.id } : {}),
        ...(worktree ? { worktree: worktree.info } : {}),
      })
      : undefined;
    if (writer) session.record(writer);
    const resumedLine = resumed &&
      `Resumed session ${resumed.header.id} (${countMessages(resumed.messages)} messages)`;
    if (resumedLine && !config.json) view.info(resumedLine);
    if (sandbox.kind === "local" && settings.sandbox.value === "host" && !interactive) {
      // The interactive first line says it; asked-for host mode has no fallback notice.
      view.event({ type: "notice", message: HOST_WARNING });
    }
    if (interactive || config.json) {
      await runtime.start();
      view.session({
        version: VERSION,
        model: session.agent.model.name,
        sandbox: runtime.sandbox,
        workspace: runtime.workspace,
        temporaryWorkspace,
        sessionId: writer?.id ?? null,
        resumedFrom: resumed?.header.id ?? null,
      });
      if (interactive) view.info(approvalLine(settings.approval.value, runtime.sandbox.kind));
    }
    if (resumedLine && config.json) view.info(resumedLine);
    if (resumed) resumeNotes(view, resumed, temporaryWorkspace);
    if (config.load) {
      view.info(
        `Loaded the conversation from ${config.load} (${loaded} messages). Files are not part ` +
          "of it: they are where that session's workspace was (--workspace DIR to use it again).",
      );
    }
    if (interactive) {
      prompt = new Prompt({
        prompt: `${style.magenta("pygent")}${style.dim("›")} `,
        hint: (text) => sessionOut(`${style.dim(text)}\n`),
      });
      supervisor.watch(prompt);
      // Interactive means not --json: the view is the terminal's.
      if (view instanceof TerminalView) {
        askUser = createApprover({
          view,
          prompt,
          userConfigFile: shownPath(loadedSettings.userFile, { home: getEnv("HOME") }),
          cancel: () => supervisor.cancel(),
        });
      }
      code = await interact(prompt, supervisor);
    } else {
      code = oneShot
        ? (await supervisor.run({ kind: "message", text: config.request! })) === "ok" ? 0 : 1
        : await pipe(supervisor);
    }
    const made = session.agent.worktree;
    const asker = prompt;
    if (made && !supervisor.ending) {
      // No process of the sandbox may touch the worktree while git merges or removes it: when
      // the container could not be removed, the branch is kept, and nothing is asked.
      const removed = await runtime.cleanup().then(() => true, (error) => {
        view.error(error);
        return false;
      });
      await endWorktreeSession(made, {
        // One-shot and piped output is the answer: what was kept goes beside it, on stderr.
        info: (message) => config.json || interactive ? view.info(message) : err(`${message}\n`),
        error: (error) => view.error(error),
        ...(asker && removed
          ? { terminal: { ask: (question) => asker.ask(question), out, err } }
          : {}),
      });
    }
  } catch (error) {
    if (!supervisor.ending) view.error(error instanceof Error ? error : new Error(String(error)));
    code = 1;
  } finally {
    session.stopRecording();
    await supervisor.close();
  }
  return code;
}

/**
 * Where a worktree session's work will be, checked before anything starts: the repository of
 * `source` (with a commit to start from, for a new branch); for a resumed session, a notice
 * when its branch was merged or discarded since.
 *
 * @throws {WorktreeSetupError} Not a repository, no commit, no git: a usage error.
 */
async function worktreeInfo(
  source: string,
  id: string,
  resumed: boolean,
  getEnv: (name: string) => string | undefined,
): Promise<{ info: SessionWorktreeInfo; notice?: string }> {
  const repository = await findRepository(source);
  const branch = BRANCH_PREFIX + id;
  const info = { repository: repository.root, branch, path: worktreePath(id, getEnv) };
  const states = resumed ? await branchStates(repository.root) : undefined;
  const state = states?.of(branch);
  if (state === "merged") {
    return {
      info,
      notice: `The session's branch ${branch} was merged into ${states?.current ?? "HEAD"} ` +
        "already: it goes on from there, and what it does next can be merged again.",
    };
  }
  await headCommit(repository);
  if (state !== "discarded") return { info };
  return {
    info,
    notice: `The session's branch ${branch} was discarded: it starts again from HEAD, and files ` +
      "the conversation speaks of may be gone.",
  };
}

/** The session `--resume ID|last` or `--continue` names, read and repaired. */
async function sessionToResume(
  config: CliConfig,
  getEnv: (name: string) => string | undefined,
): Promise<ResumedSession> {
  const dir = sessionsDir(getEnv);
  if (config.resume !== undefined) return await findSession(dir, config.resume);
  return await newestSessionOf(dir, await Deno.realPath(config.workspace ?? Deno.cwd()));
}

/**
 * Where a resumed session goes on: the workspace named on the command line, else the session's
 * own (`--continue`: the current folder), else a new temporary one when the session's was one.
 */
async function resumedWorkspace(
  config: CliConfig,
  resumed: ResumedSession,
): Promise<string | undefined> {
  if (config.workspace !== undefined) return config.workspace;
  if (config.continue) return Deno.cwd();
  const workspace = resumed.header.workspace;
  if (workspace === null) return undefined;
  try {
    if ((await Deno.stat(workspace)).isDirectory) return workspace;
  } catch {
    // Said below.
  }
  throw new UsageError(
    `the workspace of session ${resumed.header.id}, ${workspace}, is gone; give ` +
      "--workspace DIR to resume it elsewhere.",
  );
}

/** What the user should know of a resumed conversation besides its first line. */
function resumeNotes(
  view: { info(message: string): void },
  resumed: ResumedSession,
  temporaryWorkspace: boolean,
): void {
  if (resumed.repaired > 0) {
    const n = resumed.repaired;
    view.info(
      `It ended in the middle of a step: ${n} tool call${n === 1 ? " is" : "s are"} marked as ` +
        "ended there, for the model to see.",
    );
  }
  if (temporaryWorkspace && resumed.header.workspace === null) {
    view.info(
      "Its workspace was temporary and was removed: this one is new and empty " +
        "(--workspace DIR keeps the files next time).",
    );
  }
}

/**
 * The writer that keeps this session, after removing the sessions older than `maxDays`; none,
 * with a notice, when there is nowhere to keep it.
 */
async function keepSession(
  view: { event(event: { type: "notice"; message: string }): void },
  getEnv: (name: string) => string | undefined,
  maxDays: number,
  id: string,
  info: ConstructorParameters<typeof SessionWriter>[0]["info"],
): Promise<SessionWriter | undefined> {
  let dir: string;
  try {
    dir = sessionsDir(getEnv);
  } catch (error) {
    if (!(error instanceof SessionError)) throw error;
    view.event({ type: "notice", message: `The session is not kept: ${error.message}` });
    return undefined;
  }
  // Pruning is housekeeping: a folder that cannot be read now is tried again next time.
  await pruneSessions(dir, maxDays).catch(() => {});
  return new SessionWriter({ dir, info, id });
}

/** The temporary workspace, when one was made and is now gone. */
function removedWorkspace(runtime: Runtime): string | undefined {
  if (!runtime.started) return undefined;
  const path = runtime.workspace;
  try {
    Deno.statSync(path);
    return undefined;
  } catch {
    return path;
  }
}

/** What the approval mode means here, for the session's first lines. */
function approvalLine(mode: ApprovalMode, kind: "docker" | "local"): string {
  if (mode === "never") return 'Approval "never": nothing is asked (deny rules still apply).';
  if (mode === "auto" && kind === "docker") {
    return 'Approval "auto": commands run in the container unasked, but those ask rules name.';
  }
  return `Approval "${mode}": asks before each command and file write that no allow rule allows.`;
}

/** `pygent WORD …`: the commands besides a session, by their first word. */
const SUBCOMMANDS = new Map<string, (argv: string[], io: CommandIo) => Promise<number>>([
  ["config", runConfigCommand],
  ["policy", runPolicyCommand],
  ["trust", runTrustCommand],
  ["sessions", runSessionsCommand],
  ["doctor", runDoctorCommand],
  ["diff", runDiffCommand],
  ["merge", runMergeCommand],
  ["apply", runApplyCommand],
  ["discard", runDiscardCommand],
  ["batch", runBatchCommand],
]);

function commandIo(): CommandIo {
  return { out, err, getEnv: (name) => Deno.env.get(name), cwd: Deno.cwd() };
}

function makeView(
  json: boolean,
  style: Style,
  out: (text: string) => void,
): JsonView | TerminalView {
  if (json) return new JsonView(out);
  const live = Deno.stdout.isTerminal();
  return new TerminalView({
    out,
    err,
    style,
    errStyle: createStyle(colorWanted(Deno.stderr)),
    live,
    columns: live ? Deno.consoleSize().columns : 80,
  });
}

/** The interactive session: one prompt after another until `/exit`, Ctrl-D or Ctrl-C twice. */
async function interact(prompt: Prompt, supervisor: Supervisor): Promise<number> {
  while (true) {
    const line = await prompt.read();
    if (line === undefined || await supervisor.run(parseInput(line)) === "exit") return 0;
  }
}

/** Piped input: each line a message (or a session command) until `/exit` or the end. */
async function pipe(supervisor: Supervisor): Promise<number> {
  let failed = false;
  for await (const line of readLines(Deno.stdin.readable)) {
    const outcome = await supervisor.run(parseInput(line));
    if (outcome === "exit") break;
    failed ||= outcome !== "ok";
  }
  return failed ? 1 : 0;
}
