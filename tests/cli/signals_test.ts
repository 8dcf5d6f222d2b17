import assert from "node:assert/strict";
import { DockerClient } from "../../lib/docker/mod.ts";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import {
  bashCall,
  containersOf,
  ownHostnameUnavailable,
  readUntil,
  spawnCli,
} from "./cli_process.ts";

/** Starts a session whose first command sleeps, and resolves once that command is running. */
async function midCommand(
  server: OpenAIServer,
  args: string[] = [],
  hostname?: string,
): Promise<Deno.ChildProcess> {
  server.push({ kind: "message", toolCalls: [bashCall("sleep 60")] });
  const child = spawnCli(["--json", "--docker", ...args, "sleep a minute"], { server, hostname });
  await readUntil(child, (line) => line.includes('"type":"tool_call"'));
  assert.equal(
    (await containersOf(child.pid, hostname)).length,
    1,
    "the session's container runs",
  );
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
  "a container left by a session killed outright is removed by the next pygent's start",
  async (t) => {
    if (ownHostnameUnavailable) {
      // Without a host name of their own, a parallel test's runtime could reap it instead.
      console.warn(`skipped: ${ownHostnameUnavailable}`);
      return;
    }
    await using server = await OpenAIServer.start();
    // Both sessions get a host name no other process has: only a pygent started under this
    // name reaps containers labelled with it, so the second session's start is the only reaper.
    const hostname = `pygent-reap-${crypto.randomUUID().slice(0, 8)}`;
    // A workspace of the test's own: the killed session cannot remove a temporary one.
    const workspace = await Deno.makeTempDir({ prefix: "pygent-cli-test-" });
    const killed = await midCommand(server, ["--workspace", workspace], hostname);
    const stale = await containersOf(killed.pid, hostname);
    try {
      killed.kill("SIGKILL");
      await killed.status;
      await t.step("SIGKILL leaves the container behind", async () => {
        assert.deepEqual(await containersOf(killed.pid, hostname), stale);
      });
      server.push(
        { kind: "message", toolCalls: [bashCall("true")] },
        { kind: "message", content: "Done." },
      );
      const next = spawnCli(["--docker", "anything"], { server, hostname });
      const { code, stderr } = await next.output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      assert.deepEqual(await containersOf(killed.pid, hostname), [], "the next start reaped it");
    } finally {
      const client = await DockerClient.connect();
      for (const id of stale) await client.removeContainer(id).catch(() => {});
      client.close();
      await Deno.remove(workspace, { recursive: true });
    }
  },
);
