/**
 * What live output costs a command (issue 13 §1): the per-command median of `bash("true")`
 * and of a 5 MB output in a Docker session, with no one listening and with an `onOutput`
 * listener; with `--before DIR` (an older checkout's folder holding `lib/`), the same calls
 * through that tree's runtime too, alternated call by call with this one's, so both sides
 * see the same machine.
 *
 * ```sh
 * git archive HEAD~1 lib | tar -x -C /tmp/before   # the tree to compare against
 * deno run -A bench/live_output.ts --before /tmp/before --n 1000
 * ```
 *
 * @module
 */

import { createRuntime, type Runtime } from "../lib/runtime/mod.ts";
import { median, ms } from "./compare.ts";

const image = Deno.env.get("PYGENT_TEST_IMAGE") ?? "python:3.12-slim";
const args = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i += 2) args.set(Deno.args[i], Deno.args[i + 1]);
const n = Number(args.get("--n") ?? 500);
const bigN = Number(args.get("--big-n") ?? 20);
const before = args.get("--before");
const BIG = "head -c 5000000 /dev/zero | tr '\\0' x";

type Side = { name: string; run: () => Promise<unknown>; times: number[] };

/** Runs the sides' calls in turns (each side first every other round), `n` times. */
async function alternate(sides: Side[], rounds: number): Promise<void> {
  for (let i = 0; i < 3; i++) for (const side of sides) await side.run();
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [...sides].reverse() : sides;
    for (const side of order) {
      const t0 = performance.now();
      await side.run();
      side.times.push(performance.now() - t0);
    }
  }
}

const runtimes: Runtime[] = [];
try {
  const now = await createRuntime({ docker: true, image });
  runtimes.push(now);
  let old: Runtime | undefined;
  if (before) {
    const url = new URL(`file://${before.replace(/\/$/, "")}/lib/runtime/mod.ts`);
    const module = await import(url.href);
    old = await module.createRuntime({ docker: true, image }) as Runtime;
    runtimes.push(old);
  }
  let received = 0;
  const listen = { onOutput: () => void received++ };
  for (const [label, cmd, rounds] of [["true", "true", n], ["5 MB", BIG, bigN]] as const) {
    const sides: Side[] = [
      { name: "no one listening", run: () => now.bash(cmd), times: [] },
      { name: "onOutput", run: () => now.bash(cmd, listen), times: [] },
    ];
    if (old) sides.unshift({ name: "before", run: () => old!.bash(cmd), times: [] });
    await alternate(sides, rounds);
    const base = median(sides[0].times);
    console.log(`bash(${JSON.stringify(label)}), ${rounds} rounds, medians in ms:`);
    for (const side of sides) {
      const m = median(side.times);
      console.log(`  ${side.name.padEnd(18)} ${ms(m).padStart(6)}  ×${(m / base).toFixed(3)}`);
    }
  }
} finally {
  for (const rt of runtimes) await rt.cleanup();
}
