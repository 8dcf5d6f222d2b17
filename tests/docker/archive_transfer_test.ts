// Archives to and from the engine may take as long as they keep moving (issue 15, §1: a large
// workspace over a slow link to a remote engine); one that stops moving fails within the engine
// timeout, naming the endpoint and how far it got. A proxy in front of the engine's socket plays
// the slow link and the engine that stops reading.
import assert from "node:assert/strict";
import { createTar, DockerClient, DockerConnectionError, readTar } from "../../lib/docker/mod.ts";
import {
  createRuntime,
  type DockerRuntime,
  SandboxUnavailableError,
  WORKSPACE_LABEL,
} from "../../lib/runtime/mod.ts";
import { containersLabelled, dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";
import { EngineProxy } from "../support/engine_proxy.ts";
import { layout } from "../runtime/_copy_layout.ts";

const MIB = 1024 * 1024;
/**
 * The engine timeout of these tests: each transfer takes twice as long or more in total. Not
 * lower: a container's creation and start, under the same timeout, take hundreds of ms on a
 * busy machine.
 */
const ENGINE_TIMEOUT_MS = 1_000;
/** The slow link's speed: the 16 MiB workspace takes about 4 s, one 8 MiB file 2 s. */
const LINK_BYTES_PER_SECOND = 4 * MIB;
/** How long after the engine stops a transfer the call must have failed, on a busy machine. */
const FAILED_WITHIN_MS = 8_000;

/** A workspace of 16 MiB of random bytes: one file of 8 MiB and eight of 1 MiB. */
async function bigWorkspace() {
  const dir = await layout();
  const random = (size: number) => {
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; at += 65_536) {
      crypto.getRandomValues(bytes.subarray(at, at + 65_536));
    }
    return bytes;
  };
  await Deno.writeFile(`${dir.workspace}/big.bin`, random(8 * MIB));
  for (let i = 0; i < 8; i++) await Deno.writeFile(`${dir.workspace}/part${i}.bin`, random(MIB));
  return dir;
}

/** `sha256sum`'s lines for the workspace's files, made on the host. */
async function hostSums(workspace: string): Promise<string> {
  const lines: string[] = [];
  const names = (await Array.fromAsync(Deno.readDir(workspace))).map((e) => e.name).sort();
  for (const name of names) {
    const digest = await crypto.subtle.digest(
      "SHA-256",
      await Deno.readFile(`${workspace}/${name}`),
    );
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    lines.push(`${hex}  ${name}`);
  }
  return lines.join("\n") + "\n";
}

/** A container that waits, through `client`, removed afterwards. */
async function withContainer(client: DockerClient, fn: (id: string) => Promise<void>) {
  const id = await client.createContainer({
    Image: TEST_IMAGE,
    Cmd: ["sleep", "infinity"],
    Labels: { "pygent.test": "archive_transfer" },
  });
  try {
    await client.startContainer(id);
    await fn(id);
  } finally {
    await withClient((c) => c.removeContainer(id));
  }
}

/**
 * Runs `fn` with a container waiting on its engine, reached through a proxy (whose link a test
 * slows or freezes) by a client with the tests' engine timeout.
 */
async function withProxiedContainer(
  fn: (proxy: EngineProxy, client: DockerClient, id: string) => Promise<void>,
) {
  const proxy = await EngineProxy.start();
  const client = await DockerClient.connect({
    env: (name) => proxy.env(name),
    requestTimeoutMs: ENGINE_TIMEOUT_MS,
  });
  try {
    await withContainer(client, (id) => fn(proxy, client, id));
  } finally {
    client.close();
    proxy.close();
  }
}

dockerTest(
  "a workspace upload longer than the engine timeout in total starts while it keeps moving",
  async () => {
    await using dir = await bigWorkspace();
    const proxy = await EngineProxy.start();
    proxy.uploadBytesPerSecond = LINK_BYTES_PER_SECOND;
    try {
      const started = performance.now();
      await using rt = await createRuntime({
        docker: true,
        image: TEST_IMAGE,
        workspace: dir.workspace,
        sync: "copy",
        engineTimeoutMs: ENGINE_TIMEOUT_MS,
        getEnv: (name) => proxy.env(name),
      }) as DockerRuntime;
      const took = performance.now() - started;
      // The upload alone took several engine timeouts: no whole-request deadline applied.
      assert.ok(took > 3 * ENGINE_TIMEOUT_MS, `the start took only ${took} ms`);
      proxy.uploadBytesPerSecond = undefined;
      const r = await rt.bash("sha256sum *");
      assert.equal(r.stdout, await hostSums(dir.workspace));
    } finally {
      proxy.close();
    }
  },
);

dockerTest(
  "an upload the engine stops reading fails within the engine timeout, saying how far it got, " +
    "and leaves no container",
  async () => {
    await using dir = await bigWorkspace();
    const proxy = await EngineProxy.start();
    proxy.stallUploadsAfter = 2 * MIB;
    // The engine holds the container while the upload's connection lasts, and the proxy, which
    // does not read, cannot see the client close it: the cut stands for that, well after the
    // client's timeout (1 s) even on a busy machine, and within the removal's patience.
    proxy.cutStalledUploadsAfterMs = 2_500;
    try {
      const error = await createRuntime({
        docker: true,
        image: TEST_IMAGE,
        workspace: dir.workspace,
        sync: "copy",
        engineTimeoutMs: ENGINE_TIMEOUT_MS,
        getEnv: (name) => proxy.env(name),
      }).then(() => undefined, (e) => e);
      const waited = performance.now() - proxy.uploadStalledAt!;
      assert.ok(error instanceof SandboxUnavailableError, `got ${error}`);
      const lost = error.cause;
      assert.ok(lost instanceof DockerConnectionError, `got ${lost}`);
      assert.equal(lost.endpoint, `unix://${proxy.path}`);
      const stalled =
        /the upload \(PUT \/containers\/\w+\/archive\) stalled after (\d+) bytes of (\d+): the engine took nothing for 1000 ms/
          .exec(lost.message);
      assert.ok(stalled, lost.message);
      const [sent, size] = [Number(stalled[1]), Number(stalled[2])];
      assert.ok(sent >= 2 * MIB && sent < size, `${sent} of ${size}`);
      assert.ok(size > 16 * MIB && size < 17 * MIB, `size ${size}`);
      assert.ok(
        waited >= 900 && waited < FAILED_WITHIN_MS,
        `failed ${waited} ms after the engine stopped`,
      );
      assert.deepEqual(await containersLabelled(WORKSPACE_LABEL, dir.workspace), []);
    } finally {
      proxy.close();
    }
  },
);

dockerTest(
  "an archive download longer than the engine timeout in total completes while it keeps coming",
  async () => {
    await withProxiedContainer(async (proxy, client, id) => {
      const content = crypto.getRandomValues(new Uint8Array(65_536));
      const big = new Uint8Array(8 * MIB);
      for (let at = 0; at < big.length; at += content.length) big.set(content, at);
      await client.putArchive(id, "/tmp", createTar([{ name: "big.bin", content: big }]));
      proxy.downloadBytesPerSecond = LINK_BYTES_PER_SECOND;
      const started = performance.now();
      const [file] = readTar(await client.getArchive(id, "/tmp/big.bin"));
      const took = performance.now() - started;
      assert.ok(took > 1.5 * ENGINE_TIMEOUT_MS, `the download took only ${took} ms`);
      assert.deepEqual(file.content, big);
    });
  },
);

dockerTest(
  "an archive download that stops coming fails within the engine timeout, saying how far it got",
  async () => {
    await withProxiedContainer(async (proxy, client, id) => {
      // Random, so that it cannot be sent compressed.
      const content = new Uint8Array(8 * MIB);
      for (let at = 0; at < content.length; at += 65_536) {
        crypto.getRandomValues(content.subarray(at, at + 65_536));
      }
      await client.putArchive(id, "/tmp", createTar([{ name: "big.bin", content }]));
      proxy.downloadBytesPerSecond = LINK_BYTES_PER_SECOND;
      let frozenAt = Infinity;
      const freeze = setTimeout(() => {
        proxy.frozen = true;
        frozenAt = performance.now();
      }, 300);
      const error = await client.getArchive(id, "/tmp/big.bin").then(() => undefined, (e) => e);
      clearTimeout(freeze);
      const waited = performance.now() - frozenAt;
      assert.ok(error instanceof DockerConnectionError, `got ${error}`);
      assert.equal(error.endpoint, `unix://${proxy.path}`);
      const stalled =
        /the download \(GET \/containers\/\w+\/archive\) stalled after (\d+) bytes: nothing came for 1000 ms/
          .exec(error.message);
      assert.ok(stalled, error.message);
      assert.ok(Number(stalled[1]) > 0 && Number(stalled[1]) < 8 * MIB, stalled[1]);
      assert.ok(
        waited >= 900 && waited < FAILED_WITHIN_MS,
        `failed ${waited} ms after the freeze`,
      );
      proxy.frozen = false;
    });
  },
);
