/**
 * Copy mode against bind mode (issue 15, §1), on one engine in one run, for a workspace of
 * 1 000 files / 20 MB (20 KiB each, in 20 folders): the session's start with its first
 * command (copy mode uploads the workspace), and a step's end: a command that changes 10
 * files, then `sync()` (copy mode brings them back; bind mode has nothing to do); a sync with
 * nothing changed; and one command, for scale. Prints medians, minimums and ratios
 * (copy / bind) as a Markdown table.
 *
 * ```sh
 * deno run -A bench/sync_bench.ts            # defaults
 * deno run -A bench/sync_bench.ts --n 20 --start-n 5
 * ```
 *
 * Recorded in BENCHMARKS.md ("Copy mode").
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createRuntime, type Runtime, type SyncMode } from "../lib/runtime/mod.ts";

const FILES = 1_000;
const FILE_BYTES = 20 * 1024;
const CHANGED_PER_STEP = 10;

/** A workspace of `FILES` files of `FILE_BYTES`, in a fresh temporary folder. */
async function workspace(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-bench-sync-" }));
  const content = new Uint8Array(FILE_BYTES).fill(0x61);
  for (let i = 0; i < FILES; i++) {
    await Deno.mkdir(`${dir}/dir${i % 20}`, { recursive: true });
    await Deno.writeFile(`${dir}/dir${i % 20}/file${i}.txt`, content);
  }
  return dir;
}

function start(dir: string, sync: SyncMode, image: string): Promise<Runtime> {
  return createRuntime({ docker: true, image, workspace: dir, sync });
}

let round = 0;

/** A step's end: a command changes `CHANGED_PER_STEP` files, then the runtime syncs. */
async function step(rt: Runtime): Promise<void> {
  round++;
  const files = Array.from(
    { length: CHANGED_PER_STEP },
    (_, i) => `dir${i % 20}/file${(round * CHANGED_PER_STEP + i) % FILES}.txt`,
  );
  await rt.bash(`for f in ${files.join(" ")}; do echo ${round} >> "$f"; done`);
  await rt.sync();
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Measures both modes, alternating which goes first, and prints the table. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { n: { type: "string" }, "start-n": { type: "string" }, image: { type: "string" } },
  });
  const n = Number(values.n ?? 20);
  const startN = Number(values["start-n"] ?? 5);
  const image = values.image ?? Deno.env.get("PYGENT_TEST_IMAGE") ?? "python:3.12-slim";
  const dir = await workspace();
  const rows: { name: string; bind: number[]; copy: number[] }[] = [
    { name: "start + first command", bind: [], copy: [] },
    { name: `step: ${CHANGED_PER_STEP} files changed + sync()`, bind: [], copy: [] },
    { name: "step: nothing changed, sync()", bind: [], copy: [] },
    { name: "one command (`true`), for scale", bind: [], copy: [] },
  ];
  try {
    for (let i = 0; i < startN; i++) {
      for (const mode of i % 2 ? ["copy", "bind"] as const : ["bind", "copy"] as const) {
        let rt: Runtime | undefined;
        rows[0][mode].push(
          await timed(async () => {
            rt = await start(dir, mode, image);
            await rt.bash("true");
          }),
        );
        await rt?.cleanup();
      }
    }
    const runtimes = {
      bind: await start(dir, "bind", image),
      copy: await start(dir, "copy", image),
    };
    try {
      for (let i = 0; i < n; i++) {
        for (const mode of ["bind", "copy"] as const) {
          rows[1][mode].push(await timed(() => step(runtimes[mode])));
          rows[2][mode].push(await timed(() => runtimes[mode].sync()));
          rows[3][mode].push(await timed(() => runtimes[mode].bash("true")));
        }
      }
    } finally {
      await runtimes.bind.cleanup();
      await runtimes.copy.cleanup();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(
    `Workspace: ${FILES} files, ${(FILES * FILE_BYTES / 1e6).toFixed(1)} MB. ` +
      `Start rows: ${startN} each; step rows: ${n} each.\n`,
  );
  console.log("| operation | bind median (min) ms | copy median (min) ms | copy / bind |");
  console.log("|---|---|---|---|");
  for (const row of rows) {
    const b = median(row.bind);
    const c = median(row.copy);
    console.log(
      `| ${row.name} | ${b.toFixed(1)} (${Math.min(...row.bind).toFixed(1)}) | ${c.toFixed(1)} (${
        Math.min(...row.copy).toFixed(1)
      }) | ${b < 0.1 ? "— (bind: nothing to do)" : `${(c / b).toFixed(1)}×`} |`,
    );
  }
}

if (import.meta.main) await main();
