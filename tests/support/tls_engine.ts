/**
 * A second Docker engine that is remote as far as Pygent can tell: its own `dockerd` (with its
 * own containerd, data, state, pidfile and bridge) listening only on `tcp://127.0.0.1:PORT` with
 * `--tlsverify`, and certificates made here with `openssl`. One per test process, started on
 * first use and stopped when the process ends; leftovers of a process that died are cleaned up
 * by the next start.
 *
 * Starting `dockerd` needs root: elsewhere {@linkcode tlsEngineTest} skips with the reason
 * printed, except under `CI=true`, where the tests run and fail.
 *
 * @module
 */

import { DockerClient, type EnvLookup, parseDockerHost } from "../../lib/docker/mod.ts";
import { noEngineReason, TEST_IMAGE, withClient } from "./docker.ts";

/** Where every test process keeps its engine's files: one folder per process id. */
const ROOT = "/tmp/pygent-tls-engine";
/** Bridge names are this prefix and the owning process id (at most 15 characters). */
const BRIDGE_PREFIX = "pygtls";

/** Folders of `ca.pem`, `cert.pem` and `key.pem`, as `DOCKER_CERT_PATH` expects. */
export interface TlsCertFolders {
  /** The right ones: the engine's CA and a client certificate it signed. */
  client: string;
  /** The engine's CA, and a client certificate signed by another CA. */
  foreignClient: string;
  /** The engine's CA, and a client certificate of the engine's CA that expired in 2020. */
  expiredClient: string;
  /** The engine's CA, and a client certificate of the engine's CA valid only from 2099. */
  futureClient: string;
  /** Another CA's `ca.pem` (not the one that signed the engine), and a valid client certificate. */
  foreignCa: string;
}

/** A running TLS engine. */
export interface TlsEngine {
  /** `tcp://127.0.0.1:PORT`, as `DOCKER_HOST` takes it. */
  host: string;
  /** The folder of the right certificates (`DOCKER_CERT_PATH`). */
  certPath: string;
  /** The variables that point Pygent at this engine. */
  env: { DOCKER_HOST: string; DOCKER_TLS_VERIFY: string; DOCKER_CERT_PATH: string };
  /** Certificate folders for the error cases. */
  certs: TlsCertFolders;
  /** The engine's log, for failures worth a look. */
  logFile: string;
  /** Stops the engine and removes its bridge and files. Safe to call twice. */
  stop(): Promise<void>;
}

/** An environment lookup with `vars` over nothing else (no `HOME`, no real `DOCKER_HOST`). */
export function envOf(vars: Record<string, string>): EnvLookup {
  return (name) => vars[name];
}

/** The variables for the engine at `host` with the certificates in `certPath`. */
export function tlsEnv(host: string, certPath: string): EnvLookup {
  return envOf({ DOCKER_HOST: host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certPath });
}

async function missingCommand(): Promise<string | undefined> {
  for (const command of ["dockerd", "openssl", "ip"]) {
    const found = await new Deno.Command("sh", { args: ["-c", `command -v ${command}`] }).output();
    if (!found.success) return `${command} is not installed (run .ci/run)`;
  }
  return undefined;
}

/** Why the TLS engine cannot be started here, or undefined when it can. */
export const noTlsEngineReason: string | undefined = noEngineReason ??
  (Deno.uid() !== 0 ? "starting a second dockerd needs root" : await missingCommand());
const skip = noTlsEngineReason !== undefined && Deno.env.get("CI") !== "true";
if (skip) console.warn(`Skipping TLS engine tests: ${noTlsEngineReason}`);

/** `Deno.test` for a test that needs the TLS engine (see {@linkcode tlsEngine}). */
export function tlsEngineTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  Deno.test({ name, ignore: skip, fn });
}

let running: Promise<TlsEngine> | undefined;

/**
 * The TLS engine of this test process, started on first call (a few seconds: the certificates,
 * the daemon, and a copy of {@linkcode TEST_IMAGE} from the first engine).
 */
export function tlsEngine(): Promise<TlsEngine> {
  running ??= startTlsEngine().catch((error) => {
    running = undefined;
    throw error;
  });
  return running;
}

async function run(command: string, args: string[], cwd?: string): Promise<string> {
  const output = await new Deno.Command(command, { args, cwd, stdin: "null" }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr).trim()}`,
    );
  }
  return text;
}

/** Makes the certificates of {@linkcode TlsCertFolders} under `dir`. */
async function makeCertificates(dir: string): Promise<TlsCertFolders & { server: string }> {
  const pki = `${dir}/pki`;
  await Deno.mkdir(pki, { recursive: true });
  const ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  // Arguments as one line split at spaces (none has a space), then any that have one.
  const ssl = (args: string, ...more: string[]) =>
    run("openssl", [...args.split(" "), ...more], pki);
  const newCa = (name: string) =>
    ssl(
      `req -x509 ${ec} -keyout ${name}-key.pem -out ${name}.pem -days 2`,
      "-subj",
      `/CN=pygent test ${name}`,
    );
  await newCa("ca");
  await newCa("other-ca");
  await Deno.writeTextFile(
    `${pki}/server.ext`,
    "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  await Deno.writeTextFile(`${pki}/client.ext`, "extendedKeyUsage=clientAuth\n");
  const request = (name: string, cn: string) =>
    ssl(`req ${ec} -keyout ${name}-key.pem -out ${name}.csr`, "-subj", `/CN=${cn}`);
  await request("server", "127.0.0.1");
  await request("client", "pygent test client");
  let serial = 1;
  const sign = (name: string, ca: string, ext: string, out: string) =>
    ssl(
      `x509 -req -in ${name}.csr -CA ${ca}.pem -CAkey ${ca}-key.pem -set_serial ${serial++} ` +
        `-days 2 -extfile ${ext} -out ${out}`,
    );
  await sign("server", "ca", "server.ext", "server.pem");
  await sign("client", "ca", "client.ext", "client.pem");
  await sign("client", "other-ca", "client.ext", "foreign-client.pem");
  // `x509 -days` cannot go back in time; `openssl ca` takes any dates.
  await Deno.writeTextFile(
    `${pki}/ca.cnf`,
    "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n" +
      "serial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n" +
      "[any]\ncommonName = supplied\n",
  );
  await Deno.writeTextFile(`${pki}/index.txt`, "");
  await Deno.writeTextFile(`${pki}/serial`, "10\n");
  const dated = (start: string, end: string, out: string) =>
    ssl(
      "ca -batch -config ca.cnf -cert ca.pem -keyfile ca-key.pem -in client.csr -extfile client.ext " +
        `-notext -startdate ${start} -enddate ${end} -out ${out}`,
    );
  await dated("20200101000000Z", "20200102000000Z", "expired-client.pem");
  await dated("20990101000000Z", "20990102000000Z", "future-client.pem");

  const folder = async (name: string, ca: string, cert: string) => {
    const path = `${dir}/${name}`;
    await Deno.mkdir(path);
    await Deno.copyFile(`${pki}/${ca}.pem`, `${path}/ca.pem`);
    await Deno.copyFile(`${pki}/${cert}.pem`, `${path}/cert.pem`);
    await Deno.copyFile(`${pki}/client-key.pem`, `${path}/key.pem`);
    return path;
  };
  return {
    server: pki,
    client: await folder("client", "ca", "client"),
    foreignClient: await folder("foreign-client", "ca", "foreign-client"),
    expiredClient: await folder("expired-client", "ca", "expired-client"),
    futureClient: await folder("future-client", "ca", "future-client"),
    foreignCa: await folder("foreign-ca", "other-ca", "client"),
  };
}

/** Blocks for `ms`: cleaning up must also work synchronously, while the process unloads. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function cmdline(pid: number | string): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
  } catch {
    return ""; // Gone already.
  }
}

function cgroups(pid: string): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cgroup`);
  } catch {
    return ""; // Gone already.
  }
}

/** The names in a folder; none when it does not exist. */
function entries(path: string): string[] {
  try {
    return [...Deno.readDirSync(path)].map((entry) => entry.name);
  } catch {
    return [];
  }
}

function runSync(command: string, args: string[]): void {
  new Deno.Command(command, { args, stdin: "null", stdout: "null", stderr: "null" }).outputSync();
}

/**
 * Stops the engine whose files are in `dir` and removes them and its bridge: whatever a
 * previous run left (a stale pidfile, a daemon killed hard, mounts, the bridge) included.
 */
function removeEngine(dir: string, bridge: string): void {
  let pid: number | undefined;
  try {
    pid = Number(Deno.readTextFileSync(`${dir}/docker.pid`).trim());
  } catch {
    pid = undefined;
  }
  // A daemon stopped with SIGTERM stops its containers and its containerd itself.
  if (pid && cmdline(pid).includes(`${dir}/`)) {
    try {
      Deno.kill(pid, "SIGTERM");
    } catch {
      // Ended meanwhile.
    }
    for (let i = 0; i < 150 && cmdline(pid); i++) sleepSync(100);
  }
  // What is still running from this engine when it was killed hard: its containerd and shims
  // (their command lines name its folders) and its containers (their cgroups name their ids).
  const containers = entries(`${dir}/data/containers`);
  const ours = (pid: string) =>
    cmdline(pid).includes(`${dir}/`) || containers.some((id) => cgroups(pid).includes(id));
  const leftover = entries("/proc").filter((pid) => /^\d+$/.test(pid) && ours(pid));
  for (const pid of leftover) {
    try {
      Deno.kill(Number(pid), "SIGKILL");
    } catch {
      // Ended meanwhile.
    }
  }
  // Their cgroups (cgroupfs driver, v1 or v2) can go once the killed processes have exited.
  const hierarchies = ["", ...entries("/sys/fs/cgroup").map((name) => `${name}/`)];
  let cgroupDirs = containers.flatMap((id) =>
    hierarchies.map((hierarchy) => `/sys/fs/cgroup/${hierarchy}docker/${id}`)
  );
  for (let i = 0; i < 50 && cgroupDirs.length > 0; i++) {
    if (i > 0) sleepSync(100);
    cgroupDirs = cgroupDirs.filter((path) => {
      try {
        Deno.removeSync(path);
        return false;
      } catch (error) {
        return !(error instanceof Deno.errors.NotFound);
      }
    });
  }
  const mounts = Deno.readTextFileSync("/proc/mounts").split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((mount) => mount.startsWith(`${dir}/`))
    .reverse();
  for (const mount of mounts) runSync("umount", ["-l", mount]);
  runSync("ip", ["link", "delete", bridge]);
  Deno.removeSync(dir, { recursive: true });
}

function alive(pid: string): boolean {
  return cmdline(pid).includes("deno");
}

/** Removes the engines, and bridges, of test processes that ended without stopping theirs. */
function removeLeftovers(): void {
  const owners = entries(ROOT);
  const links = new TextDecoder().decode(
    new Deno.Command("ip", { args: ["-o", "link", "show", "type", "bridge"] }).outputSync().stdout,
  );
  for (const [, pid] of links.matchAll(new RegExp(`^\\d+: ${BRIDGE_PREFIX}(\\d+):`, "gm"))) {
    if (!owners.includes(pid)) owners.push(pid);
  }
  for (const pid of owners) {
    if (pid === String(Deno.pid) || !alive(pid)) {
      try {
        removeEngine(`${ROOT}/${pid}`, `${BRIDGE_PREFIX}${pid}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

async function startTlsEngine(): Promise<TlsEngine> {
  // Under CI=true the tests run anyway, and fail with this reason.
  if (noTlsEngineReason) throw new Error(`The TLS engine cannot start: ${noTlsEngineReason}`);
  removeLeftovers();
  const dir = `${ROOT}/${Deno.pid}`;
  const bridge = `${BRIDGE_PREFIX}${Deno.pid}`;
  await Deno.mkdir(dir, { recursive: true });
  const certs = await makeCertificates(dir);
  // Its own bridge: `--bridge=none` would delete the first engine's docker0.
  await run("ip", ["link", "add", bridge, "type", "bridge"]);
  await run("ip", ["link", "set", bridge, "up"]);
  await Deno.writeTextFile(`${dir}/daemon.json`, "{}\n");
  const port = freePort();
  const host = `tcp://127.0.0.1:${port}`;
  const logFile = `${dir}/dockerd.log`;
  const args = [
    ["--config-file", `${dir}/daemon.json`],
    ["--data-root", `${dir}/data`],
    ["--exec-root", `${dir}/exec`],
    ["--pidfile", `${dir}/docker.pid`],
    ["--host", host],
    ["--tlsverify"],
    ["--tlscacert", `${certs.server}/ca.pem`],
    ["--tlscert", `${certs.server}/server.pem`],
    ["--tlskey", `${certs.server}/server-key.pem`],
    ["--bridge", bridge],
    ["--iptables=false"],
    ["--ip-masq=false"],
    ["--shutdown-timeout", "1"],
  ].flat();
  // Through sh, in the background: the daemon outlives the test that starts it (no child
  // process resource left open), and stops when the process unloads.
  await run("sh", ["-c", `dockerd "$@" >${logFile} 2>&1 &`, "dockerd", ...args]);
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    removeEngine(dir, bridge);
  };
  globalThis.addEventListener("unload", stopSync);
  const engine: TlsEngine = {
    host,
    certPath: certs.client,
    env: { DOCKER_HOST: host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certs.client },
    certs,
    logFile,
    stop: () => {
      running = undefined;
      globalThis.removeEventListener("unload", stopSync);
      stopSync();
      return Promise.resolve();
    },
  };
  try {
    const client = await waitForEngine(engine);
    try {
      await copyTestImage(client);
    } finally {
      client.close();
    }
  } catch (error) {
    await engine.stop();
    throw error;
  }
  return engine;
}

/** Connects once the daemon answers; its log's end in the error when it does not in 30 s. */
async function waitForEngine(engine: TlsEngine): Promise<DockerClient> {
  const endpoint = parseDockerHost(engine.host, tlsEnv(engine.host, engine.certPath));
  const deadline = Date.now() + 30_000;
  while (true) {
    try {
      return await DockerClient.connect({ endpoint, timeoutMs: 1_000 });
    } catch (error) {
      if (Date.now() > deadline) {
        const log = await Deno.readTextFile(engine.logFile).catch(() => "");
        throw new Error(
          `The TLS engine did not answer at ${engine.host} within 30 s ` +
            `(${(error as Error).message}); the end of its log:\n${
              log.split("\n").slice(-15).join("\n")
            }`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Streams the test image from the first engine (`GET /images/get`) into `to` (`POST /images/load`). */
async function copyTestImage(to: DockerClient): Promise<void> {
  await withClient(async (from) => {
    const saved = await from.request("GET", `/images/${encodeURIComponent(TEST_IMAGE)}/get`, {
      timeoutMs: null,
    });
    const loaded = await to.request("POST", "/images/load", {
      query: { quiet: true },
      body: saved.body ?? new Uint8Array(),
      timeoutMs: null,
    });
    const answer = await loaded.text();
    if (answer.includes('"error')) throw new Error(`Loading ${TEST_IMAGE} failed: ${answer}`);
  });
  await to.inspectImage(TEST_IMAGE);
}
