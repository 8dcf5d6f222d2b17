import assert from "node:assert/strict";
import {
  candidateEndpoints,
  DockerHostError,
  DockerTlsFilesError,
  formatEndpoint,
  parseDockerHost,
} from "../../lib/docker/mod.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("DOCKER_HOST unix:// names a socket path", () => {
  assert.deepEqual(parseDockerHost("unix:///run/user/1000/docker.sock", env({})), {
    transport: "unix",
    path: "/run/user/1000/docker.sock",
  });
});

Deno.test("DOCKER_HOST tcp:// without TLS defaults to port 2375", () => {
  assert.deepEqual(parseDockerHost("tcp://10.0.0.2", env({})), {
    transport: "tcp",
    hostname: "10.0.0.2",
    port: 2375,
  });
});

Deno.test("DOCKER_TLS_VERIFY reads ca, cert and key from DOCKER_CERT_PATH", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const f of ["ca.pem", "cert.pem", "key.pem"]) await Deno.writeTextFile(`${dir}/${f}`, f);
    const endpoint = parseDockerHost(
      "tcp://engine.example:2376",
      env({ DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: dir }),
    );
    assert.deepEqual(endpoint, {
      transport: "tcp",
      hostname: "engine.example",
      port: 2376,
      tls: { caCert: "ca.pem", cert: "cert.pem", key: "key.pem", certPath: dir },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DOCKER_TLS_VERIFY without certificates says which file is missing", () => {
  assert.throws(
    () =>
      parseDockerHost("tcp://h:2376", env({ DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/nope" })),
    /\/nope\/ca\.pem cannot be read/,
  );
});

Deno.test("an empty DOCKER_CERT_PATH reads the TLS files from ~/.docker, as docker does", async () => {
  const home = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${home}/.docker`);
    for (const f of ["ca.pem", "cert.pem", "key.pem"]) {
      await Deno.writeTextFile(`${home}/.docker/${f}`, f);
    }
    const endpoint = parseDockerHost(
      "tcp://h:2376",
      env({ DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "", HOME: home }),
    );
    assert.ok(endpoint.transport === "tcp");
    assert.equal(endpoint.tls?.certPath, `${home}/.docker`);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("an empty DOCKER_TLS_VERIFY means plain tcp, as docker does", () => {
  assert.deepEqual(
    parseDockerHost("tcp://h", env({ DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "/nope" })),
    { transport: "tcp", hostname: "h", port: 2375 },
  );
});

Deno.test("TLS files that cannot be read name the engine's URL and DOCKER_CERT_PATH", () => {
  assert.throws(
    () =>
      parseDockerHost("tcp://h:2376", env({ DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/nope" })),
    (error: Error) =>
      error instanceof DockerTlsFilesError && error.message.includes("tcp://h:2376") &&
      error.message.includes("set DOCKER_CERT_PATH to the folder"),
  );
});

Deno.test("a named pipe DOCKER_HOST explains the tcp endpoint to use instead", () => {
  assert.throws(() => parseDockerHost("npipe:////./pipe/docker_engine", env({})), DockerHostError);
});

Deno.test("an unknown DOCKER_HOST scheme is refused with the accepted forms", () => {
  assert.throws(
    () => parseDockerHost("ssh://me@host", env({})),
    /unix:\/\/\/path.*tcp:\/\/HOST:PORT/,
  );
});

Deno.test("without DOCKER_HOST the system socket comes first, then the per-user sockets", () => {
  const found = candidateEndpoints(env({ HOME: "/home/u", XDG_RUNTIME_DIR: "/run/user/1000" }));
  assert.deepEqual(found.map((e) => e.transport === "unix" && e.path), [
    "/var/run/docker.sock",
    "/home/u/.docker/run/docker.sock",
    "/home/u/.colima/default/docker.sock",
    "/home/u/.orbstack/run/docker.sock",
    "/home/u/.rd/docker.sock",
    "/run/user/1000/docker.sock",
    "/run/user/1000/podman/podman.sock",
  ]);
});

Deno.test("DOCKER_HOST, when set, is the only endpoint tried", () => {
  assert.equal(candidateEndpoints(env({ DOCKER_HOST: "unix:///x.sock", HOME: "/h" })).length, 1);
});

Deno.test("formatEndpoint() writes an IPv6 engine as DOCKER_HOST does, in brackets", () => {
  assert.equal(
    formatEndpoint({ transport: "tcp", hostname: "::1", port: 2375 }),
    "tcp://[::1]:2375",
  );
});
