/**
 * Stopping what a command started on the host: every process of the shell's
 * session (the local shell runs detached, in a session of its own) that began
 * after the command did, found without forking anything of ours.
 *
 * @module
 */

/** One host process as the kill sweep sees it. */
interface ProcessEntry {
  pid: number;
  parent: number;
  session: number;
  /** The program's name, as the kernel keeps it. */
  name: string;
  /** Start time in clock ticks since boot (Linux), or 0 when unknown. */
  startTicks: number;
}

/** Program names of shells: an orphaned one is a fork bomb's, not a server left running. */
const SHELLS = new Set(["bash", "sh", "dash", "ash", "zsh", "busybox"]);

/** Linux's USER_HZ, the unit of `/proc/<pid>/stat` start times; 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/**
 * Kills the command's processes in session `shellPid` (never the shell): those
 * with a pid above `lastPid` (the newest pid before the command), or, without
 * it, those started in the last `elapsedMs`; and orphaned shells, whenever they
 * started. They are stopped first so none can fork while the sweep runs.
 */
export async function killSessionCommands(
  shellPid: number,
  elapsedMs: number,
  lastPid?: number,
): Promise<void> {
  for (let sweep = 0; sweep < 20; sweep++) {
    const targets = await commandProcesses(shellPid, elapsedMs, lastPid);
    if (targets.length === 0) return;
    for (const pid of targets) sendSignal(pid, "SIGSTOP");
    for (const pid of targets) sendSignal(pid, "SIGKILL");
  }
}

async function commandProcesses(
  shellPid: number,
  elapsedMs: number,
  lastPid: number | undefined,
): Promise<number[]> {
  const entries = Deno.build.os === "linux" ? await procEntries() : await psEntries();
  const uptime = Deno.build.os === "linux" ? await uptimeTicks() : 0;
  // A little slack: the tick clock is coarse.
  const since = Number.isFinite(elapsedMs)
    ? uptime - Math.ceil(elapsedMs / 1000 * TICKS_PER_SECOND) - 2
    : -Infinity;
  const inSession = new Set(entries.filter((p) => p.session === shellPid).map((p) => p.pid));
  // Orphaned shells of the session (a fork bomb's subshells) go whenever they started.
  return entries
    .filter((p) =>
      inSession.has(p.pid) && p.pid !== shellPid &&
      ((lastPid === undefined ? p.startTicks >= since : p.pid > lastPid) ||
        (!inSession.has(p.parent) && SHELLS.has(p.name)))
    )
    .map((p) => p.pid);
}

async function procEntries(): Promise<ProcessEntry[]> {
  const entries: ProcessEntry[] = [];
  for await (const dir of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(dir.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${dir.name}/stat`).catch(() => "");
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields.length < 20) continue;
    entries.push({
      name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      pid: Number(dir.name),
      parent: Number(fields[1]),
      session: Number(fields[3]),
      startTicks: Number(fields[19]),
    });
  }
  return entries;
}

async function psEntries(): Promise<ProcessEntry[]> {
  const out = await new Deno.Command("ps", {
    args: ["-A", "-o", "pid=,ppid=,sess=,comm="],
    stdout: "piped",
  })
    .output();
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((line) => {
    const [pid, parent, session, ...command] = line.trim().split(/\s+/);
    const name = command.join(" ").split("/").at(-1) ?? "";
    return {
      pid: Number(pid),
      parent: Number(parent),
      session: Number(session),
      name,
      startTicks: 0,
    };
  });
}

async function uptimeTicks(): Promise<number> {
  const text = await Deno.readTextFile("/proc/uptime");
  return Math.floor(Number(text.split(" ")[0]) * TICKS_PER_SECOND);
}

/** Sends a signal, ignoring a process that is already gone. */
export function sendSignal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // Already gone.
  }
}
