/**
 * Workspace files read and written from inside the sandbox: one exec per
 * operation, as the host user, so that a path is resolved where the workspace
 * is the only thing of the host that is mounted. A symlink the sandbox swaps in
 * while a file is being opened can then only lead into the container's own
 * file system, never to the host's.
 *
 * @module
 */

import type { ExecCreateBody, ExecStream } from "../docker/mod.ts";
import { RuntimeError } from "./errors.ts";
import { decodeText, type FileRefusal, MAX_READ_BYTES, refusalError } from "./file_rules.ts";
import { concat } from "./output_buffer.ts";
import type { Workspace } from "./workspace.ts";

/**
 * The script of every file operation, run by `/bin/sh` inside the container as
 * `sh -c SCRIPT pygent-file WORKDIR r|w MAX PART...`. POSIX shell with builtins
 * for every check (`cd -P` and `$PWD` give a folder's physical path); `mkdir`,
 * `readlink`, `head`, `cat` and `wc` are the only commands it runs.
 *
 * It walks the path one folder at a time, standing in each (so the next name is
 * looked up in that folder, not through the path again), follows symlinks
 * itself, and refuses to stand outside the workspace. The file is opened
 * read-only for a read (`<`: no close-write for file watchers, and a running
 * executable opens) and read-write for a write (`<>`: no truncation, no waiting
 * on a pipe), and must then be the regular file that was checked; only then is
 * it written (`cat`, from the exec's stdin) or read (`head`, to stdout). The
 * outcome is one line on stderr, after anything the commands said:
 * `pygent-file:KIND<tab>DETAIL`.
 *
 * A pipe swapped in between a read's check and its open holds the open until
 * something writes to it: the operation's deadline ends the call then, and the
 * script stays blocked in the sandbox, as the commands that swapped it do.
 *
 * Whatever a race makes of a check, the script runs in the container, as a user
 * with no more power there than the sandbox's own: the worst it can touch is
 * the workspace or the container's own files, never another file of the host.
 */
const SCRIPT = `
unset CDPATH
say() {
  printf '\\npygent-file:%s\\t%s\\n' "$1" "$2" >&2
  [ "$1" = ok ] && exit 0
  exit 1
}
# Physically, never through CDPATH, and never "-" taken for OLDPWD.
go() {
  case $1 in
  /*) cd -P -- "$1" ;;
  *) cd -P -- "./$1" ;;
  esac 2>/dev/null
}
inside() {
  case $PWD in "$W" | "$W"/*) return 0 ;; esac
  return 1
}
# Follows $n while it is a symlink, standing in each target's folder; $first is the first target.
follow() {
  first= hops=0
  while [ -L "$n" ]; do
    hops=$((hops + 1))
    [ "$hops" -le 40 ] || say link-loop
    # A link removed since the check ends the walk here; one that stays unreadable is reported.
    t=$(readlink -- "$n" 2>/dev/null) || {
      [ -L "$n" ] && say io "a symlink could not be read (is readlink in the image?)"
      continue
    }
    [ -n "$first" ] || first=$t
    case $t in
    */*)
      n=\${t##*/} d=\${t%/*}
      go "\${d:-/}" || say dangling-link "$first"
      ;;
    *) n=$t ;;
    esac
    [ -n "$n" ] || n=.
  done
  if [ "$hops" -gt 0 ] && ! inside; then
    [ -n "$PWD" ] || say missing
    [ "$n" = . ] && say outside "$PWD"
    [ -e "$n" ] && say outside "\${PWD%/}/$n"
    say dangling-link "$first"
  fi
}
W=$1 op=$2 max=$3
shift 3
go "$W" || say gone
W=$PWD
while [ "$#" -gt 1 ]; do
  n=$1 part=$1
  shift
  if [ "$op" = w ] && [ ! -e "$n" ] && [ ! -L "$n" ]; then
    # When it fails because something appeared meanwhile, that is checked below as if it had
    # been there all along.
    mkdir -- "$n" 2>/dev/null || [ -w . ] || say denied
  fi
  follow
  if [ ! -d "$n" ]; then
    [ "$op" = w ] && [ -e "$n" ] && say parent-not-folder "$part"
    [ -n "$first" ] && say dangling-link "$first"
    say missing
  fi
  go "$n" || { [ -d "$n" ] && say denied; say missing; }
  # No $PWD: the folder was removed as the script entered it.
  inside || { [ -n "$PWD" ] || say missing; say outside "$PWD"; }
done
n=$1
follow
if [ "$op" = r ]; then
  if [ ! -e "$n" ]; then
    [ -n "$first" ] && say dangling-link "$first"
    say missing
  fi
  [ -d "$n" ] && say folder
  [ -f "$n" ] || say special
  # Read-only: read-write would tell file watchers the file was written, and fail on a running
  # executable (ETXTBSY). A pipe swapped in since the check holds the open until the deadline.
  { command exec 3<"$n"; } 2>/dev/null || { [ -e "$n" ] || say missing; say denied; }
  [ -f /dev/fd/3 ] || say special
else
  if [ -e "$n" ]; then
    [ -f "$n" ] || say not-regular-write
  elif [ -n "$first" ]; then
    say dangling-link "$first"
  fi
  { command exec 3<>"$n"; } 2>/dev/null || {
    if [ -e "$n" ]; then [ -w "$n" ] || say denied; else [ -w . ] || say denied; fi
    # The folder was removed while the script stood in it.
    [ . -ef "$PWD" ] || say missing
    say io "the file could not be opened"
  }
  [ -f /dev/fd/3 ] || say not-regular-write
fi
{ [ ! -L "$n" ] && [ /dev/fd/3 -ef "$n" ]; } || say swapped
if [ "$op" = r ]; then
  head -c "$((max + 1))" <&3 || say io "head failed"
  pos=0
  { while read -r key value; do [ "$key" = pos: ] && pos=$value; done </proc/self/fdinfo/3; } 2>/dev/null
  if [ "$pos" -gt "$max" ]; then
    rest=$(wc -c <&3 2>/dev/null)
    say too-big "$((pos + \${rest:-0}))"
  fi
else
  # The content is sent only once this line is out: on Podman, an exec that ends without
  # reading the input already sent loses its output (a refusal's status line with it).
  echo go
  cat >/dev/fd/3 || say io "cat failed"
fi
say ok
`;

const STATUS_MARK = "\npygent-file:";
/** An operation's deadline when none is given: the engine's default request timeout. */
const DEFAULT_DEADLINE_MS = 15_000;
/** Enough of stderr's end for the status line and a command's complaint. */
const STDERR_LIMIT = 64 * 1024;
const encoder = new TextEncoder();

/** An exec started in the sandbox's container, and which container that was. */
export interface StartedExec {
  containerId: string;
  stream: ExecStream;
}

/** What {@linkcode ContainerFiles} needs from the runtime that owns the container. */
export interface ContainerFilesOptions {
  /**
   * Creates and starts an exec in the running container (creating it on first
   * use, replacing it when it is gone), as the runtime starts its shells.
   * `signal` aborts when the operation's deadline passes.
   */
  startExec: (body: ExecCreateBody, signal?: AbortSignal) => Promise<StartedExec>;
  /** Throws a `SandboxLostError` when container `id` is gone or not running. */
  assertRunning: (id: string) => Promise<void>;
  /** The workspace, knowing the container's name for it (for the lexical path rules). */
  workspace: Workspace;
  /** Where the workspace is mounted in the container, e.g. `/workspace`. */
  workdir: string;
  /**
   * Who the operations run as (`uid:gid`): the host user, so what they make belongs to them
   * whoever the sandbox runs as (root with `--root`); unset for the container's own user (a host
   * with no uids, such as Windows). A function is asked at each operation: which uid is the
   * host user's may be known only once the container is made (root's, in a rootless engine).
   */
  user?: string | (() => string | undefined);
  /**
   * How long one operation may take, all of it (starting the exec, writing the
   * content, reading the output), before it fails with a `RuntimeError` naming
   * it (a hung engine, a pipe swapped in for the file); the exec is closed then.
   * Default 15 000, the engine's default request timeout.
   */
  deadlineMs?: number;
}

/**
 * Reads and writes workspace files from inside the container, with the rules
 * of the host's `Workspace` (relative or absolute-inside paths, `..` refused
 * before anything is touched, regular files only, UTF-8 text, 16 MiB per read,
 * symlinks followed only while they stay inside, parents made on write) and
 * its messages.
 *
 * @example
 * ```ts
 * import { DockerClient } from "../docker/mod.ts";
 * import { ContainerFiles } from "./container_files.ts";
 * import { Workspace } from "./workspace.ts";
 * const client = await DockerClient.connect();
 * const workspace = await Workspace.open("/tmp/project", ["/workspace"]);
 * // A running container with /tmp/project mounted at /workspace.
 * const containerId = "3f2a…";
 * const files = new ContainerFiles({
 *   workspace,
 *   workdir: "/workspace",
 *   user: `${Deno.uid()}:${Deno.gid()}`,
 *   startExec: async (body) => ({
 *     containerId,
 *     stream: await client.startExec(await client.createExec(containerId, body)),
 *   }),
 *   assertRunning: async () => {},
 * });
 * await files.writeFile("src/app.py", "print(1)\n");
 * console.log(await files.readFile("src/app.py"));
 * client.close();
 * ```
 */
export class ContainerFiles {
  readonly #options: ContainerFilesOptions;

  /** Made by the Docker runtime, with the container it owns. */
  constructor(options: ContainerFilesOptions) {
    this.#options = options;
  }

  /** Reads a file as UTF-8 text, a byte-order mark kept; see `Workspace.readFile`. */
  async readFile(path: string): Promise<string> {
    return decodeText(path, await this.readBytes(path));
  }

  /** Reads a regular file's bytes, up to {@linkcode MAX_READ_BYTES}. */
  async readBytes(path: string): Promise<Uint8Array> {
    const { status, stdout } = await this.#run("r", path);
    if (status.kind !== "ok") throw this.#failure("read", path, status);
    // The script measures what it read; without /proc it cannot, and this says what it can.
    if (stdout.length > MAX_READ_BYTES) throw refusalError(path, { kind: "grew" });
    return stdout;
  }

  /** Creates or overwrites a file, making its parent folders, as the host user. */
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const bytes = typeof content === "string" ? encoder.encode(content) : content;
    const { status } = await this.#run("w", path, bytes);
    if (status.kind !== "ok") throw this.#failure("write", path, status);
  }

  /** Runs the script for one operation and collects what it said, within the deadline. */
  async #run(op: "r" | "w", given: string, input?: Uint8Array): Promise<Outcome> {
    const parts = this.#options.workspace.relativeParts(given);
    if (parts.length === 0) throw refusalError(given, { kind: "workspace-folder" });
    const { workdir } = this.#options;
    const user = typeof this.#options.user === "function"
      ? this.#options.user()
      : this.#options.user;
    const body: ExecCreateBody = {
      Cmd: ["/bin/sh", "-c", SCRIPT, "pygent-file", workdir, op, `${MAX_READ_BYTES}`, ...parts],
      AttachStdin: input !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      // The commands' complaints in words the messages can quote.
      Env: ["LC_ALL=C"],
      WorkingDir: workdir,
      ...(user === undefined ? {} : { User: user }),
    };
    const ms = this.#options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        stop.abort();
        reject(
          new RuntimeError(
            `Could not ${op === "r" ? "read" : "write"} ${given} in the sandbox: it did not ` +
              `finish within ${ms} ms. Check that the Docker engine still answers (docker info) ` +
              "and that the file is a regular file, then try again.",
          ),
        );
      }, ms);
    });
    try {
      return await Promise.race([this.#exec(op, given, body, stop.signal, input), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts the exec, feeds it `input` and reads it to its end, or until `signal` closes it. */
  async #exec(
    op: "r" | "w",
    given: string,
    body: ExecCreateBody,
    signal: AbortSignal,
    input?: Uint8Array,
  ): Promise<Outcome> {
    const { containerId, stream } = await this.#options.startExec(body, signal);
    // Closing the stream ends whatever waits on it: the feed, the reads.
    const close = () => stream.close();
    signal.addEventListener("abort", close, { once: true });
    try {
      // Past the deadline already (a start that did not heed the signal): the caller has its error.
      signal.throwIfAborted();
      // Fed while the output is read (a big file fills the pipe before the script reads it),
      // from the script's first output on, once its checks have passed.
      let fed: Promise<unknown> = Promise.resolve(undefined);
      const { stdout, stderr } = await collect(stream, () => {
        if (input !== undefined) fed = feed(stream, input).then(() => undefined, (e) => e);
      });
      // Cut short by the deadline: what was collected is not the script's answer.
      signal.throwIfAborted();
      const status = parseStatus(stderr);
      if (status === undefined) return await this.#explainSilence(containerId, op, given, stderr);
      // Only a finished script has read all of stdin. One that refused left the rest unread, and
      // the engine, which stops reading then, would hold the write forever: closing ends it.
      if (status.kind === "ok") {
        const error = await fed;
        if (error !== undefined) throw error;
      }
      return { status, stdout };
    } finally {
      signal.removeEventListener("abort", close);
      stream.close();
    }
  }

  /** The script ended without a status: the container went, or the script was killed. */
  async #explainSilence(
    containerId: string,
    op: "r" | "w",
    given: string,
    stderr: string,
  ): Promise<never> {
    await this.#options.assertRunning(containerId);
    const said = stderr.trim();
    throw new RuntimeError(
      `Could not ${op === "r" ? "read" : "write"} ${given} in the sandbox: the helper ended ` +
        `without finishing${said ? ` (${said})` : ""}. Try again, or use a command.`,
    );
  }

  #failure(verb: "read" | "write", given: string, status: Failed): RuntimeError {
    if (status.kind === "refused") return refusalError(given, status.refusal);
    const why = status.kind === "gone"
      ? `the sandbox has no workspace at ${this.#options.workdir}`
      : [status.detail, status.said].filter(Boolean).join(": ");
    return new RuntimeError(
      `Could not ${verb} ${given} in the sandbox (${why}). Check the file with a command.`,
    );
  }
}

/** The script's outcome: done, refused (as data), or failed. */
type Status =
  | { kind: "ok" }
  | { kind: "refused"; refusal: FileRefusal }
  | { kind: "io" | "gone"; detail: string; said: string };
type Failed = Exclude<Status, { kind: "ok" }>;

interface Outcome {
  status: Status;
  stdout: Uint8Array;
}

/**
 * Reads the status line: the first mark on stderr. Nothing prints one before the script does (its
 * commands never print the path's names), and the script prints nothing after it.
 */
function parseStatus(stderr: string): Status | undefined {
  const at = stderr.indexOf(STATUS_MARK);
  if (at < 0) return undefined;
  const line = stderr.slice(at + STATUS_MARK.length).replace(/\n$/, "");
  const tab = line.indexOf("\t");
  const kind = tab < 0 ? line : line.slice(0, tab);
  const detail = tab < 0 ? "" : line.slice(tab + 1);
  const said = stderr.slice(0, at).trim();
  switch (kind) {
    case "ok":
      return { kind: "ok" };
    case "io":
    case "gone":
      return { kind, detail, said };
    case "too-big":
      return { kind: "refused", refusal: { kind, size: Number(detail) } };
    case "parent-not-folder":
      return { kind: "refused", refusal: { kind, part: detail } };
    case "dangling-link":
      return { kind: "refused", refusal: { kind, target: detail } };
    case "outside":
      return { kind: "refused", refusal: { kind, real: detail } };
    case "missing":
    case "folder":
    case "special":
    case "not-regular-write":
    case "denied":
    case "link-loop":
    case "swapped":
      return { kind: "refused", refusal: { kind } };
    default:
      return { kind: "io", detail: `unexpected status ${JSON.stringify(kind)}`, said };
  }
}

async function feed(stream: ExecStream, input: Uint8Array): Promise<void> {
  try {
    await stream.write(input);
  } finally {
    await stream.closeWrite();
  }
}

/**
 * Gathers stdout (at most one byte past the read limit) and the end of stderr; `onOutput` is
 * called once, at the first stdout.
 */
async function collect(
  stream: ExecStream,
  onOutput: () => void,
): Promise<{ stdout: Uint8Array; stderr: string }> {
  let first = true;
  const chunks: Uint8Array[] = [];
  let size = 0;
  let stderr = "";
  const decoder = new TextDecoder();
  for await (const frame of stream.frames()) {
    if (frame.stream === 1 && first) {
      first = false;
      onOutput();
    }
    if (frame.stream === 1 && size <= MAX_READ_BYTES) {
      const take = frame.data.subarray(0, MAX_READ_BYTES + 1 - size);
      chunks.push(take.slice());
      size += take.length;
    } else if (frame.stream === 2) {
      // The status line comes last: what is dropped, if anything, is the start.
      stderr = (stderr + decoder.decode(frame.data, { stream: true })).slice(-STDERR_LIMIT);
    }
  }
  return { stdout: concat(chunks), stderr };
}
