// The Engine API client against the real engine (issue #2).
import assert from "node:assert/strict";
import {
  CLIENT_API_VERSION,
  compareVersions,
  createTar,
  DockerClient,
  DockerConflictError,
  DockerNotFoundError,
  type ExecStream,
  readTar,
} from "../../lib/docker/mod.ts";
import { dockerTest, TEST_IMAGE, withClient, withWaitingContainer } from "../support/docker.ts";

async function withContainer(fn: (client: DockerClient, id: string) => Promise<void>) {
  await withClient((client) => withWaitingContainer(client, "client", (id) => fn(client, id)));
}

async function collect(stream: ExecStream) {
  const out = { stdout: "", stderr: "" };
  for await (const frame of stream.frames()) {
    const text = new TextDecoder().decode(frame.data);
    if (frame.stream === 1) out.stdout += text;
    if (frame.stream === 2) out.stderr += text;
  }
  stream.close();
  return out;
}

dockerTest("the client pings the engine and negotiates the lower API version", async () => {
  const client = await DockerClient.connect();
  try {
    assert.equal(await client.ping(), true);
    const engine = await client.version();
    const expected = compareVersions(engine.ApiVersion, CLIENT_API_VERSION) < 0
      ? engine.ApiVersion
      : CLIENT_API_VERSION;
    assert.equal(client.apiVersion, expected);
    assert.ok(compareVersions(client.apiVersion, "1.41") >= 0);
  } finally {
    client.close();
  }
});

dockerTest("a missing image is a typed not-found error with the engine's message", async () => {
  const client = await DockerClient.connect();
  try {
    await assert.rejects(client.inspectImage("pygent/no-such-image:1"), (error: Error) => {
      assert.ok(error instanceof DockerNotFoundError);
      assert.match(error.message, /no such image/i);
      return true;
    });
  } finally {
    client.close();
  }
});

dockerTest("a missing container is a typed not-found error", async () => {
  const client = await DockerClient.connect();
  try {
    await assert.rejects(client.inspectContainer("pygent-no-such-container"), /No such container/i);
    await assert.rejects(client.removeContainer("pygent-no-such-container"), DockerNotFoundError);
  } finally {
    client.close();
  }
});

dockerTest("a name already in use is a typed conflict error", async () => {
  await withContainer(async (client, id) => {
    const name = (await client.inspectContainer(id)).Name.slice(1);
    await assert.rejects(
      client.createContainer({ Image: TEST_IMAGE }, name),
      (error: Error) =>
        error instanceof DockerConflictError && /already in use/.test(error.message),
    );
  });
});

dockerTest("an exec stream carries stdin in and stdout and stderr apart", async () => {
  await withContainer(async (client, id) => {
    const exec = await client.createExec(id, {
      Cmd: ["sh", "-c", 'read line; echo "got $line"; echo err >&2; exit 3'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await client.startExec(exec);
    await stream.write("hello\n");
    await stream.closeWrite();
    assert.deepEqual(await collect(stream), { stdout: "got hello\n", stderr: "err\n" });
    const info = await client.inspectExec(exec);
    assert.equal(info.Running, false);
    assert.equal(info.ExitCode, 3);
  });
});

dockerTest("files are copied in and out through the archive endpoints", async () => {
  await withContainer(async (client, id) => {
    const content = new TextEncoder().encode("from the archive\n");
    await client.putArchive(id, "/tmp", createTar([{ name: "in.txt", content }]));
    const exec = await client.createExec(id, {
      Cmd: ["sh", "-c", "cat /tmp/in.txt; echo made > /tmp/out.txt"],
      AttachStdout: true,
      AttachStderr: true,
    });
    assert.equal((await collect(await client.startExec(exec))).stdout, "from the archive\n");
    const [file] = readTar(await client.getArchive(id, "/tmp/out.txt"));
    assert.equal(file.name, "out.txt");
    assert.equal(new TextDecoder().decode(file.content), "made\n");
  });
});

dockerTest("removing a running container takes one forced call", async () => {
  const client = await DockerClient.connect();
  try {
    const id = await client.createContainer({
      Image: TEST_IMAGE,
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["read _"],
      OpenStdin: true,
    });
    await client.startContainer(id);
    await client.removeContainer(id);
    await assert.rejects(client.inspectContainer(id), DockerNotFoundError);
  } finally {
    client.close();
  }
});

dockerTest("containers can be listed by label", async () => {
  await withContainer(async (client, id) => {
    const found = await client.listContainers({ label: ["pygent.test=client"] });
    assert.ok(found.some((c) => c.Id === id));
  });
});

dockerTest("an image committed with a LABEL change gives its containers that label", async () => {
  await withContainer(async (client, id) => {
    const image = await client.commitContainer(id, { changes: 'LABEL pygent.test="committed"' });
    try {
      const made = await client.createContainer({ Image: image });
      const labels = (await client.inspectContainer(made)).Config.Labels;
      await client.removeContainer(made);
      assert.equal(labels?.["pygent.test"], "committed");
    } finally {
      await client.removeImage(image);
    }
    await assert.rejects(client.inspectImage(image), DockerNotFoundError);
  });
});
