import assert from "node:assert/strict";
import { DockerClient } from "../../lib/docker/mod.ts";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, containersOf, readUntil, spawnCli } from "./cli_process.ts";

/** Starts a session whose first command sleeps, and resolves once that command is running. */
async function midCommand(server: OpenAIServer, args: string[] = []): Promise<Deno.ChildProcess> {
  server.push({ kind: "message", toolCalls: [bashCall("sleep 60")] });
  const child = spawnCli(["--json", "--docker", ...args, "sleep a minute"], { server });
  await readUntil(child, (line) => line.includes('"type":"tool_call"'));
  assert.equal((await containersOf(child.pid)).length, 1, "the session's container runs");
  return child;
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  dockerTest(
    `${signal} mid-command ends pygent with code ${code} and removes its container`,
    async () => {
      await using server = await OpenAIServer.start();
      const child = await midCommand(server);
      child.kill(signal);
      const status = await child.status;
      assert.equal(status.code, code);
      assert.deepEqual(await containersOf(child.pid), []);
    },
  );
}

dockerTest(
  "a container left by a session killed outright is removed at the next start",
  async () => {
    await using server = await OpenAIServer.start();
    // A workspace of the test's own: the killed session cannot remove a temporary one.
    const workspace = await Deno.makeTempDir({ prefix: "pygent-cli-test-" });
    const killed = await midCommand(server, ["--workspace", workspace]);
    const [stale] = await containersOf(killed.pid);
    killed.kill("SIGKILL");
    await killed.status;
    // SIGKILL leaves the container behind; another test's runtime, starting in parallel, may
    // already have reaped it, which is right too.
    assert.ok([0, 1].includes((await containersOf(killed.pid)).length));
    try {
      server.push(
        { kind: "message", toolCalls: [bashCall("true")] },
        { kind: "message", content: "Done." },
      );
      const next = spawnCli(["--docker", "anything"], { server });
      const { code } = await next.output();
      assert.equal(code, 0);
      assert.deepEqual(await containersOf(killed.pid), []);
    } finally {
      const client = await DockerClient.connect();
      await client.removeContainer(stale).catch(() => {});
      client.close();
      await Deno.remove(workspace, { recursive: true });
    }
  },
);
