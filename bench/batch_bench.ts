/**
 * `pygent batch`'s throughput (issue 15 §4): 50 tasks of one tool call each (`true` in the
 * sandbox, then an answer), against the scripted OpenAI server over real HTTP, on one engine,
 * 10 at a time against one after another. Each task is what a batch task always is: its own
 * copy of its files (an empty folder and its starting point), its own container, one step.
 *
 * ```sh
 * deno run -A bench/batch_bench.ts [--tasks 50] [--parallel 10] [--model-latency MS]
 * ```
 *
 * Prints the wall time of each run and their ratio, and where the time goes: each task's median
 * duration, how busy the machine's CPUs were, the CPU time per task (the whole machine's, and
 * this process's with its git children), and a sandbox's own cost (start, one command,
 * removal). Recorded in BENCHMARKS.md ("Batch"). Under `deno bench` it does nothing: one run
 * takes a minute.
 *
 * @module
 */

import { type BatchTask, type PoolEngine, ResultsFile, runBatch } from "../lib/batch/mod.ts";
import { DockerClient } from "../lib/docker/mod.ts";
import { createRuntime } from "../lib/runtime/mod.ts";
import { OpenAIServer, type ScriptedReply } from "../tests/support/openai_server.ts";
import { batchScript } from "../tests/batch/_script.ts";
import { median, ms } from "./compare.ts";

const image = Deno.env.get("PYGENT_TEST_IMAGE") ?? "python:3.12-slim";
const args = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i += 2) args.set(Deno.args[i], Deno.args[i + 1]);
const count = Number(args.get("--tasks") ?? 50);
const wide = Number(args.get("--parallel") ?? 10);
/** How long the scripted model takes to answer each request, as a real one takes seconds. */
const latencyMs = Number(args.get("--model-latency") ?? 0);

/** The batch script, each answer after the model's latency. */
function slowScript(...request: Parameters<typeof batchScript>): ScriptedReply {
  const reply = batchScript(...request);
  return reply.kind === "message" ? { ...reply, delayMs: latencyMs } : reply;
}

/** The machine's busy and total CPU time so far, in clock ticks (Linux `/proc/stat`). */
function cpuTicks(): { busy: number; total: number } {
  const [, ...fields] = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  const idle = ticks[3] + ticks[4];
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds this process and its waited-for children (git, cp) used so far. */
function ownCpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  // The fields after the command's name (which may hold spaces), from the 3rd on.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  return (fields[11] + fields[12] + fields[13] + fields[14]) / 100;
}

/**
 * Runs the tasks `parallel` at a time: the wall time, each task's duration, and how busy the
 * machine's CPUs were meanwhile (every process: the engine, containerd, runc, this one).
 */
async function run(
  engine: PoolEngine,
  parallel: number,
  n = count,
): Promise<{ wallMs: number; taskMs: number[]; busy: number; ownCpu: number }> {
  await using server = await OpenAIServer.start(slowScript);
  const dir = await Deno.makeTempDir({ prefix: "pygent-bench-batch-" });
  const tasks: BatchTask[] = Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    prompt: "sh: true",
    source: { kind: "empty" },
    line: i + 1,
  }));
  try {
    const started = performance.now();
    const before = cpuTicks();
    const ownBefore = ownCpuSeconds();
    const summary = await runBatch({
      tasks,
      engines: [engine],
      parallel,
      results: await ResultsFile.open(`${dir}/results.jsonl`),
      diffsDir: `${dir}/diffs`,
      agentOptions: {
        baseURL: server.baseURL,
        apiKey: "bench",
        modelName: "test-model",
        runtimeOptions: { image },
      },
    });
    const wallMs = performance.now() - started;
    const after = cpuTicks();
    const busy = (after.busy - before.busy) / (after.total - before.total);
    const ownCpu = ownCpuSeconds() - ownBefore;
    const notDone = summary.results.filter((result) => result.outcome !== "done");
    if (notDone.length > 0) throw new Error(`not done: ${JSON.stringify(notDone[0])}`);
    return { wallMs, taskMs: summary.results.map((result) => result.durationMs), busy, ownCpu };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** CPU seconds of the whole machine per task, from a run's wall time and busy share. */
function cpuPerTask(result: { wallMs: number; busy: number }, n: number): number {
  return result.busy * result.wallMs / 1000 * navigator.hardwareConcurrency / n;
}

/** A sandbox alone, the way each task has one: started, one command, removed; `n` in turn. */
async function containersAlone(n: number): Promise<{ wallMs: number; busy: number }> {
  const started = performance.now();
  const before = cpuTicks();
  for (let i = 0; i < n; i++) {
    const runtime = await createRuntime({ docker: true, image });
    await runtime.bash("true");
    await runtime.cleanup();
  }
  const after = cpuTicks();
  return {
    wallMs: performance.now() - started,
    busy: (after.busy - before.busy) / (after.total - before.total),
  };
}

function report(
  label: string,
  result: { wallMs: number; taskMs: number[]; busy: number; ownCpu: number },
) {
  console.log(
    `${label}: ${(result.wallMs / 1000).toFixed(1)} s, task median ${
      ms(median(result.taskMs))
    } ms, CPUs ${percent(result.busy)} busy, ${
      cpuPerTask(result, count).toFixed(2)
    } CPU-s/task of the machine, ${(result.ownCpu / count).toFixed(3)} of pygent's process and git`,
  );
}

if (import.meta.main) {
  // Other work on the machine takes CPUs from the engine: say how much there was.
  const load = Deno.loadavg().map((n) => n.toFixed(1)).join(" ");
  const client = await DockerClient.connect();
  client.close();
  const engine = { name: "local", endpoint: client.endpoint };
  // A first task pays for what is cached afterwards (the image's layers in the page cache).
  await run(engine, 1, 2);
  const serial = await run(engine, 1);
  const parallel = await run(engine, wide);
  const alone = await containersAlone(10);
  console.log(
    `${count} tasks, one tool call each, one engine, ${navigator.hardwareConcurrency} CPUs`,
  );
  console.log(`load average before the runs: ${load}; model latency ${latencyMs} ms a request`);
  report("--parallel 1 ", serial);
  report(`--parallel ${wide}`, parallel);
  console.log(`ratio: ${(serial.wallMs / parallel.wallMs).toFixed(2)}x`);
  console.log(
    `a container alone (start, one command, removal; 10 in turn): ${ms(alone.wallMs / 10)} ms, ${
      cpuPerTask(alone, 10).toFixed(2)
    } CPU-s each`,
  );
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
