/**
 * What the file tools cost once they go through the sandbox (issue 11, item 7):
 * `read_file`, `write_file` and `edit_file` on the host side (`Workspace`, as
 * before) against the same calls through the Docker runtime (one exec per
 * operation, as the host user), alternated call by call on one workspace.
 * Prints medians and minimums as a Markdown table.
 *
 * ```sh
 * deno run -A bench/files.ts
 * deno run -A bench/files.ts --n 100 --image python:3.12-slim
 * ```
 *
 * @module
 */

import { editFileTool } from "../lib/agent/tools/edit_file.ts";
import { DockerClient } from "../lib/docker/mod.ts";
import { createRuntime, type DockerRuntime, type Runtime } from "../lib/runtime/mod.ts";
import { Workspace } from "../lib/runtime/workspace.ts";
import { markdownTable, median, ms } from "./compare.ts";

/** One operation, before and after: timings in milliseconds. */
interface Row {
  name: string;
  /** The host side n times in a row, with no exec in between. */
  alone: number[];
  before: number[];
  after: number[];
}

/** About 1 KiB, a small source file; its first line is what `edit_file` changes. */
const SMALL = "# edit -9\n" + "print('hello')\n".repeat(67);
const BIG = new TextEncoder().encode("x".repeat(1024 * 1024 - 1) + "\n");

function flag(name: string, variable: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return (at >= 0 ? Deno.args[at + 1] : undefined) ?? Deno.env.get(variable) ?? fallback;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Runs `before` and `after` n times each, alternated, each side first every other round. */
async function alternate(
  name: string,
  n: number,
  before: (i: number) => Promise<unknown>,
  after: (i: number) => Promise<unknown>,
): Promise<Row> {
  for (let i = 0; i < 3; i++) await Promise.all([before(-1 - i), after(-1 - i)]);
  const row: Row = { name, alone: [], before: [], after: [] };
  // On a machine of few cores the engine is still busy after each exec, which slows the host
  // side alternated with it: measured alone first, too.
  for (let i = 0; i < n; i++) row.alone.push(await timed(() => before(n + i)));
  for (let i = 0; i < n; i++) {
    if (i % 2) {
      row.before.push(await timed(() => before(i)));
      row.after.push(await timed(() => after(i)));
    } else {
      row.after.push(await timed(() => after(i)));
      row.before.push(await timed(() => before(i)));
    }
  }
  return row;
}

/** The host side as a runtime, for the `edit_file` tool. */
function hostSide(ws: Workspace, rt: Runtime): Runtime {
  const side: Runtime = {
    kind: rt.kind,
    workspace: rt.workspace,
    sandbox: rt.sandbox,
    started: true,
    start: () => Promise.resolve(side),
    describe: () => Promise.resolve(rt.sandbox),
    bash: (cmd, options) => rt.bash(cmd, options),
    readFile: (path) => ws.readFile(path),
    writeFile: (path, content) => ws.writeFile(path, content),
    reset: () => rt.reset(),
    frozen: (work) => rt.frozen(work),
    sync: () => rt.sync(),
    cleanup: () => rt.cleanup(),
    [Symbol.asyncDispose]: () => rt.cleanup(),
  };
  return side;
}

/** One exec of `true` as the host user, start to end: the fixed cost of the "after" column. */
async function execTrue(client: DockerClient, containerId: string): Promise<void> {
  const uid = Deno.uid();
  const execId = await client.createExec(containerId, {
    Cmd: ["/bin/sh", "-c", "true"],
    AttachStdout: true,
    AttachStderr: true,
    ...(uid === null ? {} : { User: `${uid}:${Deno.gid()}` }),
  });
  const stream = await client.startExec(execId);
  for await (const _ of stream.frames()) { /* drained */ }
  stream.close();
}

function table(rows: Row[]): string {
  const header = [
    "operation",
    "n",
    "before alone median",
    "before median",
    "before min",
    "after median",
    "after min",
  ];
  const cell = (xs: number[], f: (xs: number[]) => number) => xs.length ? ms(f(xs)) : "";
  const body = rows.map((r) => [
    r.name,
    String(r.after.length),
    cell(r.alone, median),
    cell(r.before, median),
    cell(r.before, (xs) => Math.min(...xs)),
    cell(r.after, median),
    cell(r.after, (xs) => Math.min(...xs)),
  ]);
  return markdownTable(header, body);
}

async function main(): Promise<void> {
  const n = Number(flag("n", "BENCH_N", "50"));
  const image = flag("image", "PYGENT_TEST_IMAGE", "python:3.12-slim");
  const rt = await createRuntime({ docker: true, image }) as DockerRuntime;
  const client = await DockerClient.connect();
  try {
    const ws = await Workspace.open(rt.workspace, ["/workspace"]);
    const host = hostSide(ws, rt);
    const context = { timeoutMs: 30_000 };
    const rows: Row[] = [];
    rows.push(
      await alternate(
        "`write_file`, 1 KiB over a file",
        n,
        () => ws.writeFile("src/before.py", SMALL),
        () => rt.writeFile("src/after.py", SMALL),
      ),
    );
    rows.push(
      await alternate(
        "`write_file`, 1 KiB in a new folder",
        n,
        (i) => ws.writeFile(`new/before${i}/app.py`, SMALL),
        (i) => rt.writeFile(`new/after${i}/app.py`, SMALL),
      ),
    );
    rows.push(
      await alternate(
        "`read_file`, 1 KiB",
        n,
        () => ws.readFile("src/before.py"),
        () => rt.readFile("src/after.py"),
      ),
    );
    // Each edit replaces the first line the previous one wrote.
    const lines = { before: "# edit -9", after: "# edit -9" };
    const edit = (side: "before" | "after", runtime: Runtime) => async (i: number) => {
      const line = `# edit ${i}`;
      await editFileTool.run({ path: `src/${side}.py`, old: lines[side], new: line }, {
        ...context,
        runtime,
      });
      lines[side] = line;
    };
    rows.push(
      await alternate(
        "`edit_file` (a read and a write)",
        n,
        edit("before", host),
        edit("after", rt),
      ),
    );
    const bigN = Math.max(5, Math.round(n / 2));
    rows.push(
      await alternate(
        "`write_file`, 1 MiB",
        bigN,
        () => ws.writeFile("big/before.txt", BIG),
        () => rt.writeFile("big/after.txt", BIG),
      ),
    );
    rows.push(
      await alternate(
        "`read_file`, 1 MiB",
        bigN,
        () => ws.readFile("big/before.txt"),
        () => rt.readFile("big/after.txt"),
      ),
    );
    const containerId = rt.containerId!;
    const floor = await alternate(
      "floor: one exec of `true` as the host user",
      n,
      () => Promise.resolve(),
      () => execTrue(client, containerId),
    );
    rows.push({ ...floor, alone: [], before: [] });
    console.log(`engine ${client.engine.Version} (API ${client.apiVersion}), image ${image}`);
    console.log("milliseconds; before = host side (Workspace), after = through the sandbox\n");
    console.log(table(rows));
  } finally {
    client.close();
    await rt.cleanup();
  }
}

if (import.meta.main) await main();
