// A remote engine over TLS: a second dockerd on 127.0.0.1 with --tlsverify (issue #15 §2).
import assert from "node:assert/strict";
import {
  DockerClient,
  DockerConnectionError,
  type EngineVersion,
  type EnvLookup,
} from "../../lib/docker/mod.ts";
import { checkEngine } from "../../lib/doctor/engine_check.ts";
import {
  containersLabelled,
  TEST_IMAGE,
  withClient,
  withWaitingContainer,
} from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { testAgent, toolResults } from "../agent/_helpers.ts";
import { envOf, tlsEngine, tlsEngineTest, tlsEnv } from "../support/tls_engine.ts";

/** Connects with `env`, expecting a `DockerConnectionError`, and returns it. */
async function connectionError(env: EnvLookup): Promise<DockerConnectionError> {
  let client: DockerClient | undefined;
  try {
    client = await DockerClient.connect({ env, timeoutMs: 5_000 });
  } catch (error) {
    assert.ok(error instanceof DockerConnectionError, `${error}`);
    return error;
  }
  client.close();
  assert.fail(`connected to ${env("DOCKER_HOST")} although it should not`);
}

/** Runs `fn` with a client of the TLS engine, closed afterwards. */
async function withTlsClient<T>(fn: (client: DockerClient) => Promise<T>): Promise<T> {
  const engine = await tlsEngine();
  const client = await DockerClient.connect({ env: tlsEnv(engine.host, engine.certPath) });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

async function info(client: DockerClient): Promise<{ DockerRootDir: string; Name: string }> {
  return await (await client.request("GET", "/info")).json();
}

tlsEngineTest(
  "DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH reach a separate engine over TLS",
  async () => {
    const engine = await tlsEngine();
    await withTlsClient(async (client) => {
      assert.deepEqual(
        { transport: client.endpoint.transport, tls: "tls" in client.endpoint },
        { transport: "tcp", tls: true },
      );
      const version: EngineVersion = await client.version();
      assert.match(version.ApiVersion, /^1\.\d+$/);
      const remote = await info(client);
      const local = await withClient(info);
      assert.ok(remote.DockerRootDir.startsWith("/tmp/pygent-tls-engine/"), remote.DockerRootDir);
      assert.notEqual(remote.DockerRootDir, local.DockerRootDir);
    });
    assert.match(engine.host, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  },
);

tlsEngineTest("a container runs its command on the TLS engine, exec stream included", async () => {
  await withTlsClient((client) =>
    withWaitingContainer(client, "tls-engine", async (id) => {
      const exec = await client.createExec(id, {
        Cmd: ["sh", "-c", "echo on the remote engine; cat /etc/hostname"],
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await client.startExec(exec);
      let stdout = "";
      for await (const frame of stream.frames()) stdout += new TextDecoder().decode(frame.data);
      stream.close();
      assert.equal(stdout, `on the remote engine\n${id.slice(0, 12)}\n`);
      assert.equal((await client.inspectExec(exec)).ExitCode, 0);
    })
  );
});

tlsEngineTest(
  "the first engine's containers on the default bridge still start beside the TLS engine",
  async () => {
    await tlsEngine();
    await withClient(async (client) => {
      const id = await client.createContainer({
        Image: TEST_IMAGE,
        Entrypoint: ["/bin/sh", "-c"],
        Cmd: ["read _"],
        OpenStdin: true,
        Labels: { "pygent.test": "tls-engine" },
      });
      try {
        await client.startContainer(id);
        assert.equal((await client.inspectContainer(id)).State.Running, true);
        // Read raw: Pygent's types leave out the network settings it never needs.
        const raw = await (await client.request("GET", `/containers/${id}/json`)).json();
        assert.match(raw.NetworkSettings.Networks.bridge.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);
      } finally {
        await client.removeContainer(id);
      }
    });
  },
);

tlsEngineTest(
  "a client certificate from another CA is a connection error that names the endpoint and DOCKER_CERT_PATH",
  async () => {
    const engine = await tlsEngine();
    const error = await connectionError(tlsEnv(engine.host, engine.certs.foreignClient));
    assert.ok(error.message.includes(engine.host), error.message);
    assert.ok(error.message.includes(`${engine.certs.foreignClient}/cert.pem`), error.message);
    assert.match(
      error.message,
      /refused the client certificate.*DOCKER_CERT_PATH holds the cert\.pem/,
    );
  },
);

tlsEngineTest(
  "an expired client certificate is a connection error that says to renew it",
  async () => {
    const engine = await tlsEngine();
    const error = await connectionError(tlsEnv(engine.host, engine.certs.expiredClient));
    assert.ok(error.message.includes(engine.host), error.message);
    assert.match(error.message, /expired on 2020-01-02\. Renew the certificate/);
  },
);

tlsEngineTest(
  "a client certificate not valid yet is a connection error that says to check the clock",
  async () => {
    const engine = await tlsEngine();
    const error = await connectionError(tlsEnv(engine.host, engine.certs.futureClient));
    assert.ok(error.message.includes(engine.host), error.message);
    assert.match(error.message, /valid only from 2099-01-01.*Check this machine's clock/);
  },
);

tlsEngineTest(
  "an engine certificate not signed by the CA in DOCKER_CERT_PATH is a connection error",
  async () => {
    const engine = await tlsEngine();
    const error = await connectionError(tlsEnv(engine.host, engine.certs.foreignCa));
    assert.ok(error.message.includes(engine.host), error.message);
    assert.ok(error.message.includes(`not signed by the CA in ${engine.certs.foreignCa}/ca.pem`));
    assert.match(error.message, /Point DOCKER_CERT_PATH at this engine's certificates/);
  },
);

tlsEngineTest(
  "plain tcp against the TLS port is a connection error that says to set DOCKER_TLS_VERIFY=1",
  async () => {
    const engine = await tlsEngine();
    const error = await connectionError(envOf({ DOCKER_HOST: engine.host }));
    assert.ok(error.message.includes(engine.host), error.message);
    assert.match(error.message, /expects TLS on this port.*Set DOCKER_TLS_VERIFY=1/);
  },
);

tlsEngineTest(
  "TLS against a plain HTTP port is a connection error that says to unset DOCKER_TLS_VERIFY",
  async () => {
    const engine = await tlsEngine();
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response("not an engine"),
    );
    const host = `tcp://127.0.0.1:${server.addr.port}`;
    const error = await connectionError(tlsEnv(host, engine.certPath));
    assert.ok(error.message.includes(host), error.message);
    assert.match(error.message, /does not speak TLS on this port.*Unset DOCKER_TLS_VERIFY/);
  },
);

tlsEngineTest(
  "pygent doctor's engine check fails with the TLS problem and what to do, in auto mode too",
  async () => {
    const engine = await tlsEngine();
    const probe = await checkEngine({
      getEnv: tlsEnv(engine.host, engine.certs.expiredClient),
      sandbox: "auto",
      timeoutMs: 5_000,
    });
    probe.client?.close();
    assert.equal(probe.outcome.status, "fail");
    assert.match(probe.outcome.summary, /^tcp:\/\/127\.0\.0\.1:\d+ \(TLS\): it refused the client/);
    assert.match(probe.outcome.summary, /expired on 2020-01-02; a session cannot start$/);
    assert.match(probe.outcome.remediation ?? "", /^Renew the certificate .* Or pass --no-docker/);
  },
);

tlsEngineTest("a whole session runs on the TLS engine in copy mode", async () => {
  const engine = await tlsEngine();
  const getEnv = tlsEnv(engine.host, engine.certPath);
  const workspace = await Deno.makeTempDir({ prefix: "pygent-tls-session-" });
  await Deno.writeTextFile(`${workspace}/input.txt`, "from the host\n");
  try {
    await using server = await OpenAIServer.start([
      {
        kind: "message",
        toolCalls: [{ name: "bash", arguments: '{"cmd":"tr a-z A-Z < input.txt > made.txt"}' }],
      },
      { kind: "message", content: "made.txt holds it in capitals." },
    ]);
    const labelled = (client: DockerClient) =>
      client.listContainers({ label: [`pygent.workspace=${workspace}`] });
    {
      await using agent = testAgent(server, {
        runtimeOptions: { docker: true, image: TEST_IMAGE, sync: "copy", getEnv, workspace },
      });
      const result = await agent.step("Put input.txt in capitals into made.txt");
      assert.equal(result.stopReason, "done");
      assert.equal(toolResults(server.requests[1])[0], "[exit code 0]");
      assert.equal(await Deno.readTextFile(`${workspace}/made.txt`), "FROM THE HOST\n");
      assert.equal((await withTlsClient(labelled)).length, 1, "its container is on the TLS engine");
      assert.deepEqual(await containersLabelled("pygent.workspace", workspace), []);
    }
    assert.deepEqual(await withTlsClient(labelled), [], "and is removed when the session ends");
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});
