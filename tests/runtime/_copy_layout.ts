/**
 * The copy mode tests' workspace (a folder with an `outside` folder beside it, which nothing
 * may ever reach) and what they look at in it.
 *
 * @module
 */

/**
 * Makes `base/workspace` (readable by any uid, for a sandbox that runs as another user) holding
 * `files`, and `base/outside`; disposing removes both.
 */
export async function layout(files: Record<string, string> = {}) {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-copy-" }));
  const workspace = `${base}/workspace`;
  const outside = `${base}/outside`;
  await Deno.mkdir(workspace);
  await Deno.chmod(workspace, 0o755);
  await Deno.mkdir(outside);
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(`${workspace}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.writeTextFile(`${workspace}/${path}`, content);
  }
  return {
    base,
    workspace,
    outside,
    [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }),
  };
}

/** The names in folder `dir`, sorted. */
export async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

/** Whether anything (a symbolic link too, even a dangling one) is at `path`. */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
