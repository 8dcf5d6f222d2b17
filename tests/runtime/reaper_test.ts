// Containers of sessions killed outright are removed at the next start (issue #4); with their
// temporary workspaces only when Pygent made them for that session (issue #11); and only
// containers Pygent made, which carry the name it gives them: labels alone are inherited.
import assert from "node:assert/strict";
import {
  createRuntime,
  DockerRuntime,
  newSessionId,
  OWNER_LABEL,
  processAlive,
  reapStaleContainers,
  SESSION_LABEL,
  TEMPORARY_WORKSPACE_LABEL,
  Workspace,
  WORKSPACE_LABEL,
} from "../../lib/runtime/mod.ts";
import { temporaryFolderOf } from "../../lib/runtime/workspace.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";

/**
 * The session of the containers these tests reap with a workspace; fresh each run, so two
 * runs side by side never want the same container name.
 */
const SESSION = newSessionId();

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const dead = new Deno.Command("true").spawn();
  await dead.status;
  return dead.pid;
}

/**
 * A running container of `session` (default: a fresh one) owned by `owner`, named as Pygent
 * names it (`pygent-<session>`) unless `name` says otherwise.
 */
async function containerOwnedBy(
  owner: string,
  options: { session?: string; name?: string; labels?: Record<string, string> } = {},
): Promise<string> {
  const session = options.session ?? newSessionId();
  return await withClient(async (c) => {
    const id = await c.createContainer({
      Image: TEST_IMAGE,
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["read _"],
      OpenStdin: true,
      Labels: { [SESSION_LABEL]: session, [OWNER_LABEL]: owner, ...options.labels },
    }, options.name ?? `pygent-${session}`);
    await c.startContainer(id);
    return id;
  });
}

/** True when container `id` still exists. */
function exists(id: string): Promise<boolean> {
  return withClient((c) => c.inspectContainer(id).then(() => true, () => false));
}

/**
 * True once container `id` is gone, within 10 s: the sessions of tests running beside this one
 * reap too, and a removal another reaper has begun ends a moment later.
 */
async function removedSoon(id: string): Promise<boolean> {
  for (let look = 0; look < 100; look++) {
    if (!(await exists(id))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Reaps a container of a dead session whose labels all come from its image, as a crafted
 * image's `LABEL`s would: they name `workspace` as the session's temporary workspace. The
 * container has the name Pygent gives it, as when Pygent runs the crafted image. Checks that
 * the reaper did act on the container.
 */
async function reapImageLabelled(workspace: string): Promise<void> {
  const labels: Record<string, string> = {
    [OWNER_LABEL]: `${Deno.hostname()}:${await deadPid()}`,
    [SESSION_LABEL]: SESSION,
    [WORKSPACE_LABEL]: workspace,
    [TEMPORARY_WORKSPACE_LABEL]: "true",
  };
  // One pair per LABEL: Podman reads the rest of the line as the first pair's value.
  const changes = Object.entries(labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`)
    .join("\n");
  await withClient(async (c) => {
    const source = await c.createContainer({ Image: TEST_IMAGE });
    const image = await c.commitContainer(source, { changes })
      .finally(() => c.removeContainer(source));
    try {
      const id = await c.createContainer({ Image: image }, `pygent-${SESSION}`);
      try {
        const inherited = (await c.inspectContainer(id)).Config.Labels ?? {};
        for (const [key, value] of Object.entries(labels)) assert.equal(inherited[key], value);
        await reapStaleContainers(c);
        assert.equal(await removedSoon(id), true, "the container is gone");
      } finally {
        await c.removeContainer(id).catch(() => {});
      }
    } finally {
      await c.removeImage(image);
    }
  });
}

/**
 * A folder of the user's in `dir` (default: the temp folder), named like Pygent's, holding
 * `pygent-cli/keep.txt` and, when `marker` is given, a `session` file that says it.
 */
async function usersFolder(options: { dir?: string; marker?: string } = {}): Promise<string> {
  const folder = await Deno.realPath(
    await Deno.makeTempDir({ dir: options.dir, prefix: "pygent-" }),
  );
  await Deno.mkdir(`${folder}/pygent-cli`);
  await Deno.writeTextFile(`${folder}/pygent-cli/keep.txt`, "mine");
  if (options.marker !== undefined) await Deno.writeTextFile(`${folder}/session`, options.marker);
  return folder;
}

async function assertKept(folder: string): Promise<void> {
  assert.equal(await Deno.readTextFile(`${folder}/pygent-cli/keep.txt`), "mine");
}

/** A folder outside the temp folder: in the home folder. */
function outsideTemp(): string {
  const home = Deno.env.get("HOME");
  assert.ok(home, "HOME names a folder outside the temp folder");
  return home;
}

dockerTest(
  "a container whose owner process is gone is removed; a live owner's is kept",
  async () => {
    const pid = await deadPid();
    const staleId = await containerOwnedBy(`${Deno.hostname()}:${pid}`);
    const liveId = await containerOwnedBy(`${Deno.hostname()}:${Deno.ppid}`);
    const otherHostId = await containerOwnedBy(`some-other-host:${pid}`);
    try {
      await withClient((c) => reapStaleContainers(c));
      assert.equal(await removedSoon(staleId), true);
      assert.equal(await exists(liveId), true);
      assert.equal(await exists(otherHostId), true);
    } finally {
      await withClient(async (c) => {
        for (const id of [staleId, liveId, otherHostId]) {
          await c.removeContainer(id).catch(() => {});
        }
      });
    }
  },
);

dockerTest(
  "a dead session's temporary workspace goes with its container; a given one stays",
  async () => {
    const owner = `${Deno.hostname()}:${await deadPid()}`;
    const temporary = await Workspace.open(undefined, [], SESSION);
    const given = await Deno.makeTempDir({ prefix: "pygent-" });
    const ids = [
      await containerOwnedBy(owner, {
        session: SESSION,
        labels: { [WORKSPACE_LABEL]: temporary.path, [TEMPORARY_WORKSPACE_LABEL]: "true" },
      }),
      await containerOwnedBy(owner, { labels: { [WORKSPACE_LABEL]: given } }),
    ];
    try {
      await withClient((c) => reapStaleContainers(c));
      // The private folder the workspace lives in, its marker with it.
      const folder = temporary.path.slice(0, temporary.path.lastIndexOf("/"));
      await assert.rejects(Deno.stat(folder), Deno.errors.NotFound);
      assert.equal((await Deno.stat(given)).isDirectory, true);
    } finally {
      await temporary.dispose();
      await Deno.remove(given, { recursive: true });
      await withClient(async (c) => {
        for (const id of ids) await c.removeContainer(id).catch(() => {});
      });
    }
  },
);

dockerTest(
  "a dead owner's replacement container, pygent-<session>-2, is removed; look-alike names stay",
  async () => {
    const owner = `${Deno.hostname()}:${await deadPid()}`;
    const session = newSessionId();
    const lookAlikes = [
      `pygent-${session}-1`,
      `pygent-${session}-02`,
      `pygent-${session}-2-copy`,
      `pygent-${session}x`,
      `my-pygent-${session}`,
      `pygent-${newSessionId()}`, // another session's name
    ];
    const ids: string[] = [];
    try {
      ids.push(await containerOwnedBy(owner, { session, name: `pygent-${session}-2` }));
      for (const name of lookAlikes) ids.push(await containerOwnedBy(owner, { session, name }));
      await withClient((c) => reapStaleContainers(c));
      assert.equal(await removedSoon(ids[0]), true, "the replacement is gone");
      assert.deepEqual(
        await Promise.all(ids.slice(1).map(exists)),
        lookAlikes.map(() => true),
        "the look-alikes stay",
      );
    } finally {
      await withClient(async (c) => {
        for (const id of ids) await c.removeContainer(id).catch(() => {});
      });
    }
  },
);

dockerTest(
  "a user's container run from an image committed from a dead session's is kept, with its temp folder",
  async () => {
    // While a session runs, `docker commit pygent-<session> my-env`; once it has ended,
    // `docker run my-env`, with or without a name: the image carries all of Pygent's labels,
    // naming the session's owner and its temporary workspace.
    const session = newSessionId();
    const temporary = await Workspace.open(undefined, [], session);
    const folder = temporary.path.slice(0, temporary.path.lastIndexOf("/"));
    const owner = new Deno.Command("sleep", { args: ["60"] }).spawn();
    const end = async () => {
      try {
        owner.kill("SIGKILL");
      } catch {
        // Already ended.
      }
      await owner.status;
    };
    const ids: string[] = [];
    try {
      const source = await containerOwnedBy(`${Deno.hostname()}:${owner.pid}`, {
        session,
        labels: { [WORKSPACE_LABEL]: temporary.path, [TEMPORARY_WORKSPACE_LABEL]: "true" },
      });
      await withClient(async (c) => {
        const image = await c.commitContainer(source).finally(() => c.removeContainer(source));
        await end();
        try {
          ids.push(await c.createContainer({ Image: image }, `my-env-${session}`));
          ids.push(await c.createContainer({ Image: image })); // a name the engine picks
          const inherited = (await c.inspectContainer(ids[0])).Config.Labels ?? {};
          assert.equal(inherited[SESSION_LABEL], session);
          await reapStaleContainers(c);
          for (const id of ids) assert.equal(await exists(id), true);
          assert.equal((await Deno.stat(folder)).isDirectory, true);
        } finally {
          for (const id of ids) await c.removeContainer(id).catch(() => {});
          await c.removeImage(image);
        }
      });
    } finally {
      await end();
      await temporary.dispose();
    }
  },
);

dockerTest(
  "a Docker session's temporary workspace is marked with its container's session",
  async () => {
    await using rt = await createRuntime({ docker: true, image: TEST_IMAGE });
    assert.ok(rt instanceof DockerRuntime);
    await rt.bash("true");
    const info = await withClient((c) => c.inspectContainer(rt.containerId!));
    const session = info.Config.Labels?.[SESSION_LABEL] ?? "";
    assert.equal(info.Config.Labels?.[TEMPORARY_WORKSPACE_LABEL], "true");
    assert.equal(
      await temporaryFolderOf(rt.workspace, session),
      rt.workspace.slice(0, rt.workspace.lastIndexOf("/")),
    );
  },
);

dockerTest("image labels cannot get a folder outside the temp folder removed", async () => {
  const folder = await usersFolder({ dir: outsideTemp(), marker: SESSION });
  try {
    await reapImageLabelled(`${folder}/pygent-cli`);
    await assertKept(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

dockerTest("image labels cannot get a temp folder without a session marker removed", async () => {
  const folder = await usersFolder();
  try {
    await reapImageLabelled(`${folder}/pygent-cli`);
    await assertKept(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

dockerTest("image labels cannot get a temp folder marked for another session removed", async () => {
  const folder = await usersFolder({ marker: "0ther5e5" });
  try {
    await reapImageLabelled(`${folder}/pygent-cli`);
    await assertKept(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

dockerTest("image labels cannot get a temp folder another user owns removed", async () => {
  if (Deno.uid() !== 0) {
    console.warn("skipped: only root can give a folder to another user");
    return;
  }
  const folder = await usersFolder({ marker: SESSION });
  try {
    await Deno.chown(folder, 65534, 65534);
    await reapImageLabelled(`${folder}/pygent-cli`);
    await assertKept(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

dockerTest(
  "image labels cannot get a folder removed through a symlink in the temp folder",
  async () => {
    const folder = await usersFolder({ dir: outsideTemp(), marker: SESSION });
    const link = await Deno.makeTempDir({ prefix: "pygent-" });
    try {
      await Deno.remove(link);
      await Deno.symlink(folder, link);
      await reapImageLabelled(`${link}/pygent-cli`);
      await assertKept(folder);
    } finally {
      await Deno.remove(link).catch(() => {});
      await Deno.remove(folder, { recursive: true });
    }
  },
);

Deno.test("asking whether a stopped process is alive does not resume it", async () => {
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  const state = async () => (await Deno.readTextFile(`/proc/${child.pid}/stat`)).split(") ")[1][0];
  try {
    Deno.kill(child.pid, "SIGSTOP");
    // A signal is delivered asynchronously: wait until the process shows as stopped.
    for (let i = 0; i < 100 && await state() !== "T"; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await state(), "T");
    assert.equal(await processAlive(child.pid), true);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await state(), "T");
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
  assert.equal(await processAlive(child.pid), false);
});
