/**
 * `deno task compile`: builds self-contained `pygent` executables into `dist/`,
 * one per platform, with `deno compile`.
 *
 * `deno compile` downloads the runtime of each target from Deno's servers
 * (dl.deno.land). Where that is out of reach the task stops at the first
 * target with a message that says so, and exits with code 1.
 *
 * Usage: `deno task compile [TARGET...]` (default: every target below).
 *
 * @module
 */

/** The platforms Pygent ships binaries for, as `deno compile --target` names them. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** The file `deno compile` writes for `target` (Windows adds `.exe` itself). */
export function outputPath(target: string): string {
  return `dist/pygent-${target}`;
}

const DOWNLOAD_FAILURE = /dl\.deno\.land|error sending request|dns error|failed to lookup address/i;

async function compile(target: string): Promise<{ ok: boolean; stderr: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["compile", "-A", "--target", target, "--output", outputPath(target), "main.ts"],
    cwd: new URL("..", import.meta.url),
    stdout: "inherit",
    stderr: "piped",
  });
  const { success, stderr } = await command.output();
  return { ok: success, stderr: new TextDecoder().decode(stderr) };
}

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((arg) => !(TARGETS as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    console.error(`Unknown target ${unknown.join(", ")}; choose from: ${TARGETS.join(", ")}.`);
    return 2;
  }
  const targets = args.length > 0 ? args : [...TARGETS];
  for (const target of targets) {
    console.error(`Building ${outputPath(target)} …`);
    const { ok, stderr } = await compile(target);
    if (ok) continue;
    console.error(stderr.trimEnd());
    if (DOWNLOAD_FAILURE.test(stderr)) {
      console.error(
        `\ndeno compile could not download the Deno runtime for ${target} from dl.deno.land, ` +
          "so no binary was built. Run this task on a machine that can reach Deno's servers " +
          "(the release workflow does), or point DENORT_BIN at a denort binary of that target.",
      );
    } else {
      console.error(`\ndeno compile failed for ${target}; see its message above.`);
    }
    return 1;
  }
  console.error(`Built ${targets.length} binaries in dist/.`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
