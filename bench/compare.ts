/**
 * Pygent's Docker runtime against the `docker` CLI, side by side on one engine
 * in one run (issue #7): a command on the session's long-lived shell against
 * `docker exec`, create + start + first command against `docker run --rm`,
 * cleanup against `docker rm -f`, and a 5 MB output. Prints medians, minimums
 * and ratios (docker / pygent) as a Markdown table, with the machine and the
 * engine they were measured on.
 *
 * The `docker` CLI appears here only, as the thing compared against.
 *
 * ```sh
 * deno run -A bench/compare.ts            # defaults
 * BENCH_N=200 deno run -A bench/compare.ts
 * deno run -A bench/compare.ts --n 200 --start-n 20 --big-n 10
 * ```
 *
 * @module
 */

import { DockerClient } from "../lib/docker/mod.ts";
import { Workspace } from "../lib/runtime/workspace.ts";
import {
  containerConfig,
  createRuntime,
  OWNER_LABEL,
  resolveRuntimeOptions,
  type Runtime,
} from "../lib/runtime/mod.ts";

/** How much to measure; every field can be set by a flag or a variable. */
export interface BenchConfig {
  /** Image of every container. `--image`, `PYGENT_TEST_IMAGE`. */
  image: string;
  /** Iterations of each command row. `--n`, `BENCH_N`. */
  n: number;
  /** Iterations of the start-up and cleanup rows. `--start-n`, `BENCH_START_N`. */
  startN: number;
  /** Iterations of each 5 MB row. `--big-n`, `BENCH_BIG_N`. */
  bigN: number;
  /** Untimed iterations before each row. `--warmup`, `BENCH_WARMUP`. */
  warmup: number;
}

/** One row of the table: the same operation through Pygent and through the CLI. */
export interface Row {
  name: string;
  pygent: number[];
  docker: number[];
  /** What the docker column ran. */
  against: string;
  note?: string;
}

const BIG_BYTES = 5_000_000;
/**
 * Not a hex digit: the end marker is a random hex token, and output full of its first
 * character takes the marker search's slow path (see frames_bench.ts), which would make
 * one run in 16 slower at random.
 */
const BIG_CMD = `head -c ${BIG_BYTES} /dev/zero | tr '\\0' x`;
const PY_CMD = "python3 -c 'print(1)'";
const BENCH_LABEL = "pygent.bench";
/** How long a session idles before the settled cleanup row times `rt.cleanup()`. */
const SETTLE_MS = 500;

const USAGE =
  `Usage: deno run -A bench/compare.ts [--n N] [--start-n N] [--big-n N] [--warmup N] [--image IMAGE]
  --n        iterations of each command row        (BENCH_N, default 100)
  --start-n  iterations of start-up and cleanup    (BENCH_START_N, default 15)
  --big-n    iterations of the 5 MB output rows    (BENCH_BIG_N, default 20)
  --warmup   untimed iterations before each row    (BENCH_WARMUP, default 3)
  --image    image of every container              (PYGENT_TEST_IMAGE, default python:3.12-slim)`;

/** A flag or variable the benchmark cannot use; its message says which and why. */
export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = "UsageError";
  }
}

const FLAGS = new Set(["n", "start-n", "big-n", "warmup", "image"]);

/**
 * Reads the settings from flags, then variables, then defaults.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./compare.ts";
 * const config = parseConfig(["--n", "20"], () => undefined);
 * console.log(config.n, config.image); // 20 "python:3.12-slim"
 * ```
 */
export function parseConfig(
  args: string[],
  env: (name: string) => string | undefined,
): BenchConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!match || !FLAGS.has(match[1])) throw new UsageError(`Unknown argument ${args[i]}`);
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new UsageError(`--${match[1]} needs a value`);
    flags.set(match[1], value);
  }
  const count = (flag: string, variable: string, fallback: number, min: number) => {
    const text = flags.get(flag) ?? env(variable);
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) {
      throw new UsageError(
        `--${flag} (${variable}) must be a whole number of at least ${min}; got ${text}`,
      );
    }
    return value;
  };
  return {
    n: count("n", "BENCH_N", 100, 1),
    startN: count("start-n", "BENCH_START_N", 15, 1),
    bigN: count("big-n", "BENCH_BIG_N", 20, 1),
    warmup: count("warmup", "BENCH_WARMUP", 3, 0),
    image: flags.get("image") || env("PYGENT_TEST_IMAGE") || "python:3.12-slim",
  };
}

// ---------------------------------------------------------------------------
// Statistics and the table.

function sorted(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** The median of some timings. */
export function median(xs: number[]): number {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Formats milliseconds with the precision that matters at their size. */
export function ms(value: number): string {
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** A difference in milliseconds with its sign. */
export function signed(value: number): string {
  return `${value < 0 ? "−" : "+"}${ms(Math.abs(value))}`;
}

/** The rows as a Markdown table: median, minimum and the docker / pygent ratio of medians. */
export function table(rows: Row[]): string {
  const header = [
    "operation",
    "n",
    "pygent median ms",
    "pygent min ms",
    "docker median ms",
    "docker min ms",
    "ratio docker/pygent",
  ];
  const body = rows.map((row) => [
    row.name,
    String(row.pygent.length),
    ms(median(row.pygent)),
    ms(Math.min(...row.pygent)),
    ms(median(row.docker)),
    ms(Math.min(...row.docker)),
    `${(median(row.docker) / median(row.pygent)).toFixed(2)}×`,
  ]);
  return markdownTable(header, body);
}

/**
 * A Markdown table, columns padded to line up: the first two (the operation and n) left-aligned,
 * the figures after them right-aligned.
 */
export function markdownTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${
    widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")
  }|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

// ---------------------------------------------------------------------------
// The docker CLI, the thing compared against.

interface CliResult {
  stdout: Uint8Array;
  ms: number;
}

/** Runs the docker CLI once, timed; a failure throws with its stderr. */
async function docker(args: string[], stdout: "piped" | "null" = "piped"): Promise<CliResult> {
  const started = performance.now();
  const out = await new Deno.Command("docker", { args, stdout, stderr: "piped" }).output();
  const elapsed = performance.now() - started;
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`docker ${args.join(" ")} failed (exit ${out.code}): ${err}`);
  }
  return { stdout: stdout === "piped" ? out.stdout : new Uint8Array(0), ms: elapsed };
}

// ---------------------------------------------------------------------------
// Everything the run made, removed even when it fails or is interrupted.

class Tracker {
  readonly runtimes = new Set<Runtime>();
  #names = 0;

  /** A fresh container name for the CLI side, labelled so the sweep finds it. */
  name(): string {
    return `pygent-bench-${Deno.pid}-${++this.#names}`;
  }

  /** Labels for containers the CLI makes. */
  get labelArgs(): string[] {
    return ["--label", `${BENCH_LABEL}=${Deno.pid}`];
  }

  /** Removes every runtime and container of this run; returns how many containers were left. */
  async sweep(): Promise<number> {
    await Promise.allSettled([...this.runtimes].map((rt) => rt.cleanup()));
    this.runtimes.clear();
    const filters = [`label=${BENCH_LABEL}=${Deno.pid}`, `label=${OWNER_LABEL}=${ownerValue()}`];
    const ids = new Set<string>();
    for (const filter of filters) {
      const out = await docker(["ps", "-aq", "--no-trunc", "--filter", filter]).catch(() => null);
      const text = out ? new TextDecoder().decode(out.stdout) : "";
      for (const id of text.split("\n").filter(Boolean)) ids.add(id);
    }
    if (ids.size > 0) await docker(["rm", "-f", ...ids], "null").catch(() => {});
    return ids.size;
  }
}

function ownerValue(): string {
  return `${Deno.hostname()}:${Deno.pid}`;
}

async function newRuntime(tracker: Tracker, image: string): Promise<Runtime> {
  const rt = await createRuntime({ docker: true, image });
  tracker.runtimes.add(rt);
  return rt;
}

async function dropRuntime(tracker: Tracker, rt: Runtime): Promise<void> {
  tracker.runtimes.delete(rt);
  await rt.cleanup();
}

// ---------------------------------------------------------------------------
// The rows.

/** The 5 MB output as Pygent keeps it by default: 256 KiB head and tail of stdout. */
function bigKept(stdout: string): boolean {
  return stdout.includes(`${BIG_BYTES - 512 * 1024} bytes omitted`) && stdout.startsWith("xxxx");
}

async function pygentBash(rt: Runtime, cmd: string, expect: (stdout: string) => boolean) {
  const started = performance.now();
  const r = await rt.bash(cmd, { timeoutMs: 60_000 });
  const elapsed = performance.now() - started;
  if (r.exitCode !== 0 || !expect(r.stdout)) {
    throw new Error(
      `pygent: ${cmd} gave exit ${r.exitCode}, ${JSON.stringify(r.stdout.slice(0, 80))}`,
    );
  }
  return elapsed;
}

async function dockerExec(
  container: string,
  argv: string[],
  expect: (stdout: Uint8Array) => boolean,
) {
  const out = await docker(["exec", container, ...argv]);
  if (!expect(out.stdout)) throw new Error(`docker exec ${argv.join(" ")}: unexpected output`);
  return out.ms;
}

/** Runs `a` and `b` alternately, `warmup` untimed rounds first, and keeps both timings. */
async function alternate(
  n: number,
  warmup: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<{ a: number[]; b: number[] }> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    // Every other round runs b first, so neither side always follows the other.
    let ta: number, tb: number;
    if (i % 2 === 0) {
      ta = await a();
      tb = await b();
    } else {
      tb = await b();
      ta = await a();
    }
    if (i >= warmup) {
      as.push(ta);
      bs.push(tb);
    }
  }
  return { a: as, b: bs };
}

/** What the engine's exec stream gives with nothing of Pygent's shell on top. */
export interface Floor {
  /** One echo round trip through `cat`. */
  echo: number[];
  /** 5 MB of output drained from a plain `sh`, no markers, nothing kept. */
  drain: number[];
}

/**
 * The floor, measured on open exec streams of `container` through Pygent's own
 * Docker client: no shell protocol, no markers, no output kept.
 */
async function openFloor(container: string) {
  const client = await DockerClient.connect();
  const open = async (cmd: string[]) => {
    const execId = await client.createExec(container, {
      Cmd: cmd,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await client.startExec(execId);
    return { stream, frames: stream.frames() };
  };
  /** Writes `input`, then reads until `bytes` bytes of output came back; returns the time. */
  const roundTrip = async (
    { stream, frames }: Awaited<ReturnType<typeof open>>,
    input: string,
    bytes: number,
  ) => {
    const started = performance.now();
    await stream.write(input);
    for (let got = 0; got < bytes;) {
      const next = await frames.next();
      if (next.done) throw new Error("the floor's exec ended early");
      got += next.value.data.length;
    }
    return performance.now() - started;
  };
  try {
    const cat = await open(["cat"]);
    const sh = await open(["sh"]);
    return {
      echo: () => roundTrip(cat, "x\n", 2),
      drain: () => roundTrip(sh, `${BIG_CMD}\n`, BIG_BYTES),
      close() {
        cat.stream.close();
        sh.stream.close();
        client.close();
      },
    };
  } catch (error) {
    client.close();
    throw error;
  }
}

async function commandRows(
  config: BenchConfig,
  tracker: Tracker,
): Promise<{ rows: Row[]; floor: Floor }> {
  const rt = await newRuntime(tracker, config.image);
  const container = tracker.name();
  await docker(
    ["run", "-d", "--name", container, ...tracker.labelArgs, "--network", "none", "--init"]
      .concat([config.image, "sleep", "infinity"]),
    "null",
  );
  const text = new TextDecoder();
  const floor = await openFloor(container);
  try {
    const trueRow = await alternate(
      config.n,
      config.warmup,
      () => pygentBash(rt, "true", (s) => s === ""),
      () => dockerExec(container, ["true"], (s) => s.length === 0),
    );
    const pyRow = await alternate(
      config.n,
      config.warmup,
      () => pygentBash(rt, PY_CMD, (s) => s === "1\n"),
      () => dockerExec(container, ["python3", "-c", "print(1)"], (s) => text.decode(s) === "1\n"),
    );
    const bigRow = await alternate(
      config.bigN,
      Math.min(config.warmup, 1),
      // Pygent keeps 1 MiB per call (stdout gets half: 256 KiB head + 256 KiB tail); all 5 MB
      // still cross the stream and are searched for the end marker.
      () => pygentBash(rt, BIG_CMD, bigKept),
      () => dockerExec(container, ["sh", "-c", BIG_CMD], (s) => s.length === BIG_BYTES),
    );
    // Without the docker CLI in between: Pygent alternates with the floor (in-process, on
    // open streams), docker exec runs n times in a row.
    const trueFloor = await alternate(
      config.n,
      config.warmup,
      () => pygentBash(rt, "true", (s) => s === ""),
      floor.echo,
    );
    const bigFloor = await alternate(
      config.bigN,
      Math.min(config.warmup, 1),
      () => pygentBash(rt, BIG_CMD, bigKept),
      floor.drain,
    );
    const inRow = async (f: () => Promise<number>, n: number) => {
      const times: number[] = [];
      for (let i = 0; i < config.warmup + n; i++) {
        const t = await f();
        if (i >= config.warmup) times.push(t);
      }
      return times;
    };
    const dockerInRow = await inRow(
      () => dockerExec(container, ["true"], (s) => s.length === 0),
      config.n,
    );
    const bigDockerInRow = await inRow(
      () => dockerExec(container, ["sh", "-c", BIG_CMD], (s) => s.length === BIG_BYTES),
      config.bigN,
    );
    const mbps = (t: number[]) => (BIG_BYTES / 1e6 / (median(t) / 1000)).toFixed(0);
    const rows: Row[] = [
      { name: 'bash("true")', pygent: trueRow.a, docker: trueRow.b, against: "docker exec C true" },
      {
        name: 'bash("true"), no CLI in between',
        pygent: trueFloor.a,
        docker: dockerInRow,
        against: "docker exec C true",
        note: "no docker CLI process, nor the engine's clean-up of its exec, between two " +
          "Pygent calls (Pygent alternates with the floor's echo); docker exec n times in a row",
      },
      {
        name: `bash("${PY_CMD}")`,
        pygent: pyRow.a,
        docker: pyRow.b,
        against: "docker exec C python3 -c 'print(1)'",
      },
      {
        name: "5 MB of output",
        pygent: bigRow.a,
        docker: bigRow.b,
        against: `docker exec C sh -c "${BIG_CMD}"`,
        note: `throughput: pygent ${mbps(bigRow.a)} MB/s (default 1 MiB output limit: ` +
          `512 KiB of stdout kept, the rest counted and dropped), docker exec ${mbps(bigRow.b)} ` +
          "MB/s (all 5 MB read into memory)",
      },
      {
        name: "5 MB of output, no CLI in between",
        pygent: bigFloor.a,
        docker: bigDockerInRow,
        against: `docker exec C sh -c "${BIG_CMD}"`,
        note: `as row 2; throughput: pygent ${mbps(bigFloor.a)} MB/s, docker exec ` +
          `${mbps(bigDockerInRow)} MB/s`,
      },
    ];
    return { rows, floor: { echo: trueFloor.b, drain: bigFloor.b } };
  } finally {
    floor.close();
    await dropRuntime(tracker, rt);
    await docker(["rm", "-f", container], "null").catch(() => {});
  }
}

/**
 * One life of a Pygent session: create + start + first command, then cleanup.
 * With `settleMs`, the session idles (untimed) before cleanup, as a real one does.
 */
async function pygentLife(tracker: Tracker, image: string, settleMs = 0) {
  const started = performance.now();
  const rt = await newRuntime(tracker, image);
  await pygentBash(rt, "true", (s) => s === "");
  const ready = performance.now();
  if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
  const settled = performance.now();
  await dropRuntime(tracker, rt);
  const gone = performance.now();
  return { start: ready - started, cleanup: gone - settled, life: gone - started };
}

async function lifeRows(config: BenchConfig, tracker: Tracker): Promise<Row[]> {
  const start: number[] = [];
  const cleanup: number[] = [];
  const settledCleanup: number[] = [];
  const life: number[] = [];
  const run: number[] = [];
  const runNone: number[] = [];
  const rm: number[] = [];
  const warmup = Math.min(config.warmup, 1);
  const runArgs = (extra: string[]) => {
    const name = tracker.name();
    return ["run", "--rm", "--name", name, ...tracker.labelArgs, ...extra, config.image, "true"];
  };
  for (let i = 0; i < warmup + config.startN; i++) {
    const timed = i >= warmup;
    const p = await pygentLife(tracker, config.image);
    const settled = await pygentLife(tracker, config.image, SETTLE_MS);
    const d = await docker(runArgs([]), "null");
    const dn = await docker(runArgs(["--network", "none"]), "null");
    const name = tracker.name();
    await docker(
      ["run", "-d", "--name", name, ...tracker.labelArgs, "--network", "none", "--init"]
        .concat([config.image, "sleep", "infinity"]),
      "null",
    );
    const r = await docker(["rm", "-f", name], "null");
    if (!timed) continue;
    start.push(p.start);
    cleanup.push(p.cleanup);
    settledCleanup.push(settled.cleanup);
    life.push(p.life);
    run.push(d.ms);
    runNone.push(dn.ms);
    rm.push(r.ms);
  }
  return [
    {
      name: "create + start + first command",
      pygent: start,
      docker: run,
      against: "docker run --rm IMAGE true",
      note: "the target row; docker run --rm also waits for its container's removal",
    },
    {
      name: "create + start + first command, no network",
      pygent: start,
      docker: runNone,
      against: "docker run --rm --network none IMAGE true",
      note: "Pygent's containers have no network by default: the like-for-like row",
    },
    {
      name: "start + first command + cleanup",
      pygent: life,
      docker: run,
      against: "docker run --rm IMAGE true",
      note: "a whole session's life against a whole docker run --rm",
    },
    {
      name: "cleanup",
      pygent: settledCleanup,
      docker: rm,
      against: "docker rm -f C (a running --init sleep container)",
      note: `rt.cleanup() of a session idle for ${SETTLE_MS} ms (untimed): closes the shells, ` +
        "one forced DELETE, removes the temporary workspace",
    },
    {
      name: "cleanup right after the first command",
      pygent: cleanup,
      docker: rm,
      against: "docker rm -f C (a running --init sleep container)",
      note: "rt.cleanup() as the life row times it: it also waits for the background " +
        "controller shell to finish starting",
    },
  ];
}

/** Where the time of a start goes: the API calls `createRuntime` makes, one by one. */
async function startSteps(config: BenchConfig, tracker: Tracker): Promise<Map<string, number[]>> {
  const steps = new Map<string, number[]>();
  const options = resolveRuntimeOptions({ docker: true, image: config.image });
  for (let i = 0; i < Math.min(config.warmup, 1) + config.startN; i++) {
    const timed = i > 0 || config.warmup === 0;
    let t = performance.now();
    const mark = (step: string) => {
      const now = performance.now();
      if (timed) steps.set(step, [...(steps.get(step) ?? []), now - t]);
      t = now;
    };
    const client = await DockerClient.connect();
    mark("connect (GET /version)");
    const workspace = await Workspace.open();
    let id: string | undefined;
    try {
      mark("temporary workspace");
      await client.listContainers({ label: [OWNER_LABEL] });
      mark("list containers (stale-container sweep; parallel in createRuntime)");
      const body = containerConfig(options, workspace, "bench");
      body.Labels = { [BENCH_LABEL]: String(Deno.pid) };
      id = await client.createContainer(body, tracker.name());
      mark("POST /containers/create");
      await client.startContainer(id);
      mark("POST /containers/{id}/start");
      const execId = await client.createExec(id, {
        Cmd: ["/bin/sh"],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      mark("POST /containers/{id}/exec");
      const stream = await client.startExec(execId);
      mark("POST /exec/{id}/start (hijack)");
      const frames = stream.frames();
      const until = async (text: string) => {
        let seen = "";
        while (!seen.includes(text)) {
          const next = await frames.next();
          if (next.done) throw new Error("the shell ended");
          seen += new TextDecoder().decode(next.value.data);
        }
      };
      await stream.write("echo ready\n");
      await until("ready");
      mark("shell answers");
      await stream.write("true; echo done\n");
      await until("done");
      mark("first command");
      stream.close();
      await client.removeContainer(id);
      id = undefined;
      mark("DELETE /containers/{id}?force=1");
    } finally {
      if (id) await client.removeContainer(id).catch(() => {});
      client.close();
      await workspace.dispose().catch(() => {});
    }
  }
  return steps;
}

/** The issue's targets, met or not, and how far from the floor a command is. */
export function targets(rows: Row[], floorTimes: Floor): string[] {
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const byName = (name: string, against?: string) =>
    rows.find((row) => row.name === name && (!against || row.against === against))!;
  const alternated = byName('bash("true")');
  const inRow = byName('bash("true"), no CLI in between');
  const cmd = median(alternated.pygent);
  const ratio = median(alternated.docker) / cmd;
  const startRow = byName("create + start + first command", "docker run --rm IMAGE true");
  const start = median(startRow.pygent);
  const run = median(startRow.docker);
  const echo = median(floorTimes.echo);
  const steady = median(inRow.pygent);
  const big = byName("5 MB of output, no CLI in between");
  const drain = median(floorTimes.drain);
  return [
    `bash("true") median ${ms(cmd)} ms alternated with docker exec, ${ms(steady)} ms with no ` +
    `CLI in between (target ≤ 5 ms): ${verdict(cmd <= 5)}`,
    `${ratio.toFixed(0)}× faster than docker exec alternated, ` +
    `${(median(inRow.docker) / steady).toFixed(0)}× with no CLI in between (target ≥ 20×): ` +
    verdict(ratio >= 20),
    `start + first command ${ms(start)} ms vs docker run --rm ${ms(run)} ms (target: no ` +
    `slower): ${verdict(start <= run)}`,
    `floor: one echo through \`cat\` on an open exec stream, median ${ms(echo)} ms, min ` +
    `${ms(Math.min(...floorTimes.echo))} ms, alternated with bash("true") at ${ms(steady)} ms: ` +
    `${(steady / echo).toFixed(1)}× the floor (${signed(steady - echo)} ms)`,
    `5 MB drained from a plain exec stream (no markers, nothing kept): median ${ms(drain)} ms ` +
    `(${(BIG_BYTES / 1e3 / drain).toFixed(0)} MB/s); alternated with Pygent at ` +
    `${ms(median(big.pygent))} ms (${signed(median(big.pygent) - drain)} ms for the shell ` +
    "protocol, marker search and bounded capture)",
  ];
}

// ---------------------------------------------------------------------------
// The machine.

async function cpuModel(): Promise<string> {
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1] ?? "unknown";
  } catch {
    try {
      const out = await new Deno.Command("sysctl", { args: ["-n", "machdep.cpu.brand_string"] })
        .output();
      return new TextDecoder().decode(out.stdout).trim() || "unknown";
    } catch {
      return "unknown";
    }
  }
}

async function machine(config: BenchConfig): Promise<string[]> {
  const client = await DockerClient.connect();
  try {
    const e = client.engine;
    const cli = await docker(["version", "--format", "{{.Client.Version}}"]).catch(() => null);
    const memGiB = (Deno.systemMemoryInfo().total / 1024 ** 3).toFixed(1);
    return [
      `date: ${new Date().toISOString()}`,
      `cpu: ${await cpuModel()}, ${navigator.hardwareConcurrency} cores, ${memGiB} GiB memory`,
      `os: ${Deno.build.os} ${Deno.build.arch}, kernel ${Deno.osRelease()}`,
      `deno: ${Deno.version.deno} (v8 ${Deno.version.v8})`,
      `engine: Docker ${e.Version} (${e.Os}/${e.Arch}), API ${e.ApiVersion} ` +
      `(min ${e.MinAPIVersion ?? "?"}), Pygent speaks ${client.apiVersion}, ` +
      `endpoint ${JSON.stringify(client.endpoint)}`,
      `docker CLI: ${cli ? new TextDecoder().decode(cli.stdout).trim() : "unknown"}`,
      `image: ${config.image}`,
      `iterations: ${config.n} per command row, ${config.startN} per start/cleanup row, ` +
      `${config.bigN} for 5 MB, ${config.warmup} warm-up`,
    ];
  } finally {
    client.close();
  }
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const config = parseConfig(Deno.args, (name) => Deno.env.get(name));
  const tracker = new Tracker();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    console.error("\ninterrupted: removing the benchmark's containers…");
    tracker.sweep().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const info = await machine(config);
    console.log("# Pygent runtime vs docker CLI\n");
    for (const line of info) console.log(`- ${line}`);
    console.log("");
    const progress = (what: string) => console.error(`… ${what}`);

    progress(`commands (${config.n} each) and the floor`);
    const { rows, floor: floorTimes } = await commandRows(config, tracker);
    progress(`start-up and cleanup (${config.startN} each)`);
    rows.push(...await lifeRows(config, tracker));
    progress("start-up, step by step");
    const steps = await startSteps(config, tracker);

    console.log(table(rows));
    console.log("");
    rows.forEach((row, i) => {
      console.log(
        `${i + 1}. ${row.name}: docker column is \`${row.against}\`` +
          (row.note ? `; ${row.note}` : ""),
      );
    });
    console.log("\n## Targets\n");
    for (const line of targets(rows, floorTimes)) console.log(`- ${line}`);
    console.log("\n## Start-up, step by step (medians, Pygent's Docker client)\n");
    let total = 0;
    for (const [step, times] of steps) {
      const m = median(times);
      total += m;
      console.log(`- ${step}: ${ms(m)} ms`);
    }
    console.log(`- sum of medians: ${ms(total)} ms`);
  } finally {
    const left = await tracker.sweep();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    if (left > 0) console.error(`removed ${left} container(s) left behind by an error`);
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
  } else {
    try {
      await main();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.error(error.message);
      Deno.exit(2);
    }
  }
}
