import type { DockerClient } from "../../lib/docker/mod.ts";
import { RootChannel } from "../../lib/runtime/root_channel.ts";
import { createRuntime, type DockerRuntime, type RuntimeOptions } from "../../lib/runtime/mod.ts";
import { TEST_IMAGE } from "../support/docker.ts";

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

/**
 * A root shell channel into the containers of `client`, as copy mode's runtime opens one, which
 * gives up after `idle.ms` with no output.
 */
export function rootChannel(
  client: DockerClient,
  idle: { ms: number; error: () => Error },
): RootChannel {
  return new RootChannel(async (containerId) => {
    const execId = await client.createExec(containerId, {
      Cmd: ["/bin/sh"],
      User: "0:0",
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    return { containerId, stream: await client.startExec(execId) };
  }, idle);
}

/** A copy mode runtime of the test image on `workspace`. */
export async function copyRuntime(
  workspace: string,
  options: RuntimeOptions = {},
): Promise<DockerRuntime> {
  return await createRuntime({
    docker: true,
    image: TEST_IMAGE,
    workspace,
    sync: "copy",
    ...options,
  }) as DockerRuntime;
}
