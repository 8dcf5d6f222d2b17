// Podman's Docker-compatible API, where it answers differently from Docker (issue #15 §3).
import assert from "node:assert/strict";
import {
  DockerApiError,
  DockerClient,
  DockerConflictError,
  DockerError,
  DockerNotFoundError,
  dropsAllCapabilities,
  isPodman,
  parseDockerHost,
} from "../../lib/docker/mod.ts";
import { checkSandbox } from "../../lib/doctor/sandbox_check.ts";
import { resolveRuntimeOptions } from "../../lib/runtime/options.ts";
import { TEST_IMAGE, withWaitingContainer } from "../support/docker.ts";
import { PODMAN_HOST, podmanTest, withPodman } from "../support/podman.ts";

/** Runs `fn` with a container of the test image that waits on its stdin, removed afterwards. */
async function withContainer(fn: (client: DockerClient, id: string) => Promise<void>) {
  await withPodman((client) =>
    withWaitingContainer(client, "podman", (id) => fn(client, id), { CapDrop: ["ALL"] })
  );
}

podmanTest("Podman is told apart from Docker by its version's components", async () => {
  await withPodman((client) => {
    assert.equal(isPodman(client.engine), true);
    assert.ok(client.engine.Components?.some((c) => c.Name === "Podman Engine"));
    return Promise.resolve();
  });
});

podmanTest("Podman's error message reaches the user, not its JSON body", async () => {
  await withPodman(async (client) => {
    await assert.rejects(client.inspectContainer("pygent-no-such-container"), (error: Error) => {
      assert.ok(error instanceof DockerNotFoundError);
      assert.match(error.message, /^no container with name or ID "pygent-no-such-container" found/);
      assert.doesNotMatch(error.message, /"cause"|"response"/);
      return true;
    });
  });
});

podmanTest("an exec in a stopped container is a conflict on Podman too (its 500)", async () => {
  await withPodman(async (client) => {
    const id = await client.createContainer({ Image: TEST_IMAGE, Cmd: ["true"] });
    try {
      await assert.rejects(client.createExec(id, { Cmd: ["true"] }), (error: Error) => {
        assert.ok(error instanceof DockerConflictError, `${error.name}: ${error.message}`);
        assert.match(error.message, /can only create exec sessions on running containers/);
        return true;
      });
    } finally {
      await client.removeContainer(id);
    }
  });
});

podmanTest("removing a running container without force is a conflict on Podman", async () => {
  await withContainer(async (client, id) => {
    await assert.rejects(client.removeContainer(id, { force: false }), DockerConflictError);
  });
});

podmanTest("a pull that fails in Podman's stream (answered 200) fails with its error", async () => {
  await withPodman(async (client) => {
    await assert.rejects(
      client.pullImage("pygent/no-such-image:1"),
      (error: Error) => {
        assert.ok(error instanceof DockerApiError);
        assert.match(error.message, /pygent\/no-such-image:1/);
        return true;
      },
    );
  });
});

podmanTest("CapDrop ALL, read back by Podman as the expanded list, drops all", async () => {
  await withContainer(async (client, id) => {
    const { HostConfig: host } = await client.inspectContainer(id);
    assert.notDeepEqual(host.CapDrop, ["ALL"], "Podman expands ALL");
    assert.ok(dropsAllCapabilities(host.CapDrop), `CapDrop ${host.CapDrop}`);
    const keptNetRaw = host.CapDrop?.filter((c) => !/^(CAP_)?NET_RAW$/.test(c));
    assert.equal(dropsAllCapabilities(keptNetRaw), false);
  });
});

podmanTest("Podman's process list gives the freeze host pids and stopped states", async () => {
  await withContainer(async (client, id) => {
    const exec = await client.createExec(id, {
      Cmd: ["sh", "-c", "sleep 60 & kill -STOP $!"],
      AttachStdout: true,
    });
    const stream = await client.startExec(exec);
    for await (const _ of stream.frames()) { /* until the shell has stopped its child */ }
    stream.close();
    const init = String((await client.inspectContainer(id)).State.Pid);
    let processes = await client.containerProcesses(id);
    for (let i = 0; i < 50 && !processes.some((p) => p.state.startsWith("T")); i++) {
      await new Promise((r) => setTimeout(r, 100));
      processes = await client.containerProcesses(id);
    }
    assert.ok(processes.some((p) => p.hostPid === init), JSON.stringify(processes));
    assert.ok(processes.some((p) => p.state.startsWith("T")), JSON.stringify(processes));
  });
});

podmanTest("pygent doctor's sandbox check passes against Podman", async () => {
  const probe = await checkSandbox({
    endpoint: parseDockerHost(PODMAN_HOST),
    options: resolveRuntimeOptions({ docker: true, image: TEST_IMAGE }),
    timeoutMs: 15_000,
  });
  assert.equal(probe.outcome.status, "ok", probe.outcome.summary);
  assert.match(probe.outcome.summary, /no capabilities/);
  assert.match(probe.outcome.summary, /no network/);
});

Deno.test("a process list without host pids and states fails closed", async () => {
  // An engine that answers as Podman does when it cannot list: 200 and an empty body.
  const dir = await Deno.makeTempDir({ prefix: "pygent-top-" });
  const path = `${dir}/engine.sock`;
  const server = Deno.serve({ path, transport: "unix", onListen() {} }, (request) => {
    if (new URL(request.url).pathname.endsWith("/version")) {
      return Response.json({ Version: "4.3.1", ApiVersion: "1.41", Os: "linux", Arch: "amd64" });
    }
    return new Response("", { status: 200 });
  });
  const client = await DockerClient.connect({ endpoint: parseDockerHost(`unix://${path}`) });
  try {
    await assert.rejects(
      client.containerProcesses("abc"),
      (error: Error) =>
        error instanceof DockerError &&
        /did not list container abc's processes/.test(error.message),
    );
  } finally {
    client.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
