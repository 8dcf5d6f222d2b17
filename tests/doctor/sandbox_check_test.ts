import assert from "node:assert/strict";
import { DockerClient, type DockerEndpoint, DockerNotFoundError } from "../../lib/docker/mod.ts";
import { checkSandbox } from "../../lib/doctor/sandbox_check.ts";
import { resolveRuntimeOptions } from "../../lib/runtime/options.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";

async function engineEndpoint(): Promise<DockerEndpoint> {
  const client = await DockerClient.connect();
  client.close();
  return client.endpoint;
}

dockerTest("checkSandbox() starts a locked-down container, probes it and removes it", async () => {
  const endpoint = await engineEndpoint();
  const options = resolveRuntimeOptions({ image: TEST_IMAGE, memoryBytes: 256 * 1024 ** 2 });
  const probe = await checkSandbox({ endpoint, options, timeoutMs: 10_000 });
  assert.equal(probe.outcome.status, "ok", probe.outcome.summary);
  assert.match(
    probe.outcome.summary,
    /^started in \d+\.\d s, workspace mounted \(sync bind\), uid \d+, memory 256 MiB, 256 pids, no capabilities, no network, removed$/,
  );
  assert.equal(probe.uid, Deno.uid());
  assert.equal(probe.workspaceWritable, true);
  assert.ok(probe.containerId);
  await withClient(async (client) => {
    await assert.rejects(client.inspectContainer(probe.containerId!), DockerNotFoundError);
  });
});

dockerTest("checkSandbox() reports the network a run's settings give", async () => {
  const endpoint = await engineEndpoint();
  const options = resolveRuntimeOptions({ image: TEST_IMAGE, network: true });
  const probe = await checkSandbox({ endpoint, options, timeoutMs: 10_000 });
  assert.equal(probe.outcome.status, "ok", probe.outcome.summary);
  assert.match(probe.outcome.summary, /network on \(as configured\)/);
});

dockerTest(
  "checkSandbox() says the workspace is copied in when the settings choose copy mode",
  async () => {
    const endpoint = await engineEndpoint();
    const options = resolveRuntimeOptions({ image: TEST_IMAGE, sync: "copy" });
    const probe = await checkSandbox({ endpoint, options, timeoutMs: 10_000 });
    assert.equal(probe.outcome.status, "ok", probe.outcome.summary);
    assert.match(
      probe.outcome.summary,
      /^started in \d+\.\d s, workspace copied in \(sync copy\),/,
    );
  },
);

dockerTest(
  "checkSandbox() fails a workspace too big for copy mode, saying how to shrink it",
  async () => {
    const endpoint = await engineEndpoint();
    const workspace = await Deno.makeTempDir({ prefix: "pygent-doctor-copy-" });
    try {
      await Deno.writeFile(`${workspace}/big.bin`, new Uint8Array(2 * 1024 * 1024));
      const options = resolveRuntimeOptions({
        image: TEST_IMAGE,
        workspace,
        sync: "copy",
        syncLimitBytes: 1024 * 1024,
      });
      const probe = await checkSandbox({ endpoint, options, timeoutMs: 10_000 });
      assert.equal(probe.outcome.status, "fail");
      assert.match(
        probe.outcome.summary,
        /The workspace is 2\.0 MiB, over the copy mode limit of 1\.0 MiB/,
      );
      assert.equal(
        probe.outcome.remediation,
        "Leave out what the sandbox does not need in a .pygentignore file, raise --sync-limit, " +
          "or use --sync bind with an engine on this machine.",
      );
    } finally {
      await Deno.remove(workspace, { recursive: true });
    }
  },
);
