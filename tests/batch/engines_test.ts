import assert from "node:assert/strict";
import {
  BatchSetupError,
  engineEndpoint,
  findEngines,
  NoEngineError,
} from "../../lib/batch/mod.ts";
import { KEYS } from "../../lib/config/mod.ts";
import { ConfigError } from "../../lib/errors.ts";

/** A folder of TLS files whose contents name the folder. */
async function certFolder(name: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: `pygent-certs-${name}-` });
  for (const file of ["ca.pem", "cert.pem", "key.pem"]) {
    await Deno.writeTextFile(`${dir}/${file}`, `${name} ${file}`);
  }
  return dir;
}

Deno.test("engineEndpoint() gives a tcp:// engine its own cert_path over DOCKER_CERT_PATH", async () => {
  const own = await certFolder("own");
  const shared = await certFolder("shared");
  try {
    const env = (name: string) =>
      ({ DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: shared } as Record<string, string>)[name];
    const mine = engineEndpoint({ url: "tcp://10.0.0.1:2376", certPath: own }, env);
    const other = engineEndpoint({ url: "tcp://10.0.0.2:2376" }, env);
    assert.ok(mine.transport === "tcp" && other.transport === "tcp");
    assert.equal(mine.tls?.cert, "own cert.pem");
    assert.equal(other.tls?.cert, "shared cert.pem");
    const plain = engineEndpoint({ url: "tcp://10.0.0.3:2375", tlsVerify: false }, env);
    assert.deepEqual(plain, { transport: "tcp", hostname: "10.0.0.3", port: 2375 });
  } finally {
    await Deno.remove(own, { recursive: true });
    await Deno.remove(shared, { recursive: true });
  }
});

Deno.test("engineEndpoint() refuses TLS files that cannot be read, naming the engine", () => {
  assert.throws(
    () => engineEndpoint({ url: "tcp://10.0.0.1:2376", certPath: "/nonexistent" }, () => undefined),
    (error: BatchSetupError) =>
      error instanceof BatchSetupError &&
      error.message.startsWith("TLS to tcp://10.0.0.1:2376: ") &&
      error.message.includes("/nonexistent/ca.pem"),
  );
});

Deno.test("an engine's cert_path that cannot be read names that engine's cert_path and its file", () => {
  assert.throws(
    () =>
      engineEndpoint(
        { url: "tcp://10.0.0.1:2376", certPath: "/nonexistent", file: "/home/u/config.toml" },
        (name) => name === "DOCKER_TLS_VERIFY" ? "1" : undefined,
      ),
    (error: BatchSetupError) =>
      error instanceof BatchSetupError && error.message.includes("/nonexistent/ca.pem") &&
      error.message.includes(
        "set cert_path of the engine tcp://10.0.0.1:2376 in " +
          "/home/u/config.toml to the folder",
      ) &&
      !error.message.includes("DOCKER_"),
  );
});

Deno.test("findEngines() leaves out an engine that does not answer, and refuses when none does", async () => {
  const notices: string[] = [];
  await assert.rejects(
    findEngines([{ url: "unix:///nonexistent/docker.sock" }], () => undefined, (message) => {
      notices.push(message);
    }),
    NoEngineError,
  );
  assert.equal(notices.length, 1);
  assert.match(notices[0], /^The engine unix:\/\/\/nonexistent\/docker\.sock does not answer/);
});

Deno.test("findEngines() refuses an engine named twice", async () => {
  const url = "unix:///var/run/docker.sock";
  await assert.rejects(
    findEngines([{ url }, { url }], () => undefined, () => {}),
    BatchSetupError,
    "named twice",
  );
});

Deno.test("the engines setting reads URLs and tables, refusing what is not an engine", () => {
  const file = { kind: "file", file: "config.toml", line: 3, key: "engines" } as const;
  assert.deepEqual(
    KEYS.engines.read(
      ["unix:///var/run/docker.sock", { url: "tcp://h:2376", cert_path: "/c" }, {
        url: "tcp://h:2375",
        tls_verify: false,
      }],
      file,
    ),
    [
      { url: "unix:///var/run/docker.sock" },
      { url: "tcp://h:2376", certPath: "/c" },
      { url: "tcp://h:2375", tlsVerify: false },
    ],
  );
  assert.deepEqual(
    KEYS.engines.read("unix:///a.sock, tcp://h:1", { kind: "flag", name: "--engines" }),
    [{ url: "unix:///a.sock" }, { url: "tcp://h:1" }],
  );
  for (
    const [raw, message] of [
      [
        ["http://h"],
        /engine 1 of "engines" in config\.toml line 3: "http:\/\/h" is not an engine's URL/,
      ],
      [[{ url: "tcp://h:1", cert: "/c" }], /cert is not an engine's setting/],
      [[{ url: "unix:///a.sock", cert_path: "/c" }], /for tcp:\/\/ engines only/],
      [[{ url: "tcp://h:1", tls_verify: "yes" }], /tls_verify must be true or false/],
      [[], /"engines" in config\.toml line 3 is not valid/],
    ] as const
  ) {
    assert.throws(() => KEYS.engines.read(raw, file), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, message);
      return true;
    });
  }
});
