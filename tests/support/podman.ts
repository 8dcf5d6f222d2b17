/**
 * Test helpers for what needs Podman: its rootful Docker-compatible service (started by
 * `.ci/run` on {@linkcode PODMAN_HOST}), and a rootless one that a test starts as a user it
 * makes. Tests skip (with the reason printed) when Podman is not there, except under `CI=true`,
 * where they run and fail, as in `docker.ts`.
 *
 * @module
 */

import { DockerClient, DockerUnavailableError, isPodman } from "../../lib/docker/mod.ts";
import { TEST_IMAGE } from "./docker.ts";
import { ensureUser, noUserReason, type TestUser } from "./user.ts";

/** Where the rootful Podman service listens (`PYGENT_PODMAN_HOST` to choose another). */
export const PODMAN_HOST = Deno.env.get("PYGENT_PODMAN_HOST") ?? "unix:///run/podman/podman.sock";

/** An environment lookup that points Pygent at `host` and leaves the rest to `Deno.env`. */
export function engineEnv(host: string): (name: string) => string | undefined {
  return (name) => name === "DOCKER_HOST" ? host : Deno.env.get(name);
}

/** Connects to the rootful Podman service. */
export function connectPodman(): Promise<DockerClient> {
  return DockerClient.connect({ env: engineEnv(PODMAN_HOST) });
}

async function probe(): Promise<string | undefined> {
  let client: DockerClient;
  try {
    client = await connectPodman();
  } catch (error) {
    const why = error instanceof DockerUnavailableError
      ? error.attempts.join("; ")
      : (error as Error).message;
    return `no Podman service at ${PODMAN_HOST} (${why}); run .ci/run`;
  }
  try {
    if (!isPodman(client.engine)) return `the engine at ${PODMAN_HOST} is not Podman`;
    await client.inspectImage(TEST_IMAGE);
    return undefined;
  } catch (error) {
    return `the test image ${TEST_IMAGE} is not in Podman's storage (${
      (error as Error).message
    }); run .ci/run`;
  } finally {
    client.close();
  }
}

/** Why Podman tests cannot run here, or undefined when they can. */
export const noPodmanReason: string | undefined = await probe();
const skip = noPodmanReason !== undefined && Deno.env.get("CI") !== "true";
if (skip) console.warn(`Skipping Podman tests: ${noPodmanReason}`);

/** `Deno.test` for a test that needs the rootful Podman service. */
export function podmanTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: skip, fn });
}

/** Runs `fn` with a client of the rootful Podman service, closed afterwards. */
export async function withPodman<T>(fn: (client: DockerClient) => Promise<T>): Promise<T> {
  const client = await connectPodman();
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

async function output(cmd: string, args: string[]): Promise<Deno.CommandOutput> {
  return await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).trim();
}

async function rootlessProblem(): Promise<string | undefined> {
  if (noUserReason) return noUserReason;
  if (!(await output("sh", ["-c", "command -v podman newuidmap"])).success) {
    return "podman or newuidmap (uidmap) is not installed; run .ci/run";
  }
  const unshare = await output("unshare", ["-U", "true"]);
  if (!unshare.success) {
    return `this machine does not allow user namespaces (unshare -U: ${text(unshare.stderr)})`;
  }
  return undefined;
}

/** Why rootless Podman tests cannot run here, or undefined when they can. */
export const noRootlessReason: string | undefined = await rootlessProblem();
const skipRootless = noRootlessReason !== undefined && Deno.env.get("CI") !== "true";
if (skipRootless) console.warn(`Skipping rootless Podman tests: ${noRootlessReason}`);

/** `Deno.test` for a test that starts a rootless Podman service. */
export function rootlessTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: skipRootless, fn });
}

/** A rootless Podman service, run as its own user. */
export interface RootlessPodman {
  /** The user it runs as (with subordinate uids and gids). */
  user: TestUser;
  /** Its `DOCKER_HOST`. */
  host: string;
  /** Stops the service. */
  stop(): Promise<void>;
}

/**
 * Starts `podman system service` as user `name` (made when missing, with its subordinate ids),
 * on overlay storage holding the test image, and waits until it answers.
 */
export async function startRootlessPodman(name: string): Promise<RootlessPodman> {
  const user = await ensureUser(name, false);
  await ensureSubordinateIds(user);
  const home = `/home/${user.name}`;
  const runDir = `/tmp/pygent-podman-${user.uid}`;
  await Deno.mkdir(runDir, { recursive: true, mode: 0o700 });
  await Deno.chown(runDir, user.uid, user.gid);
  // Overlay (native rootless overlay, kernel 5.13+), not the slow vfs Podman may pick itself.
  await asUser(user, ["mkdir", "-p", `${home}/.config/containers`]);
  await asUser(user, [
    "sh",
    "-c",
    `printf '[storage]\\ndriver = "overlay"\\n' > ${home}/.config/containers/storage.conf`,
  ]);
  const env = { HOME: home, XDG_RUNTIME_DIR: runDir, PATH: "/usr/sbin:/usr/bin:/sbin:/bin" };
  if (!(await asUser(user, ["podman", "image", "exists", TEST_IMAGE], env)).success) {
    await loadTestImage(user, env);
  }
  const socket = `${runDir}/podman.sock`;
  const service = new Deno.Command("setpriv", {
    args: [...setprivArgs(user), "podman", "system", "service", "--time=0", `unix://${socket}`],
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const host = `unix://${socket}`;
  const stop = async () => {
    try {
      service.kill("SIGTERM");
    } catch { /* already ended */ }
    await service.stderr.cancel();
    await service.status;
  };
  for (let tries = 0; tries < 100; tries++) {
    const client = await DockerClient.connect({ env: engineEnv(host), timeoutMs: 1_000 })
      .catch(() => undefined);
    if (client) {
      client.close();
      return { user, host, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`rootless podman system service did not answer on ${socket} within 10 s`);
}

/** Subordinate uids and gids for `user`, which a rootless engine maps its containers' users to. */
async function ensureSubordinateIds(user: TestUser): Promise<void> {
  for (const file of ["/etc/subuid", "/etc/subgid"]) {
    const lines = (await Deno.readTextFile(file).catch(() => "")).split("\n").filter(Boolean);
    if (lines.some((line) => line.startsWith(`${user.name}:`))) continue;
    // A range past every range already given.
    const next = Math.max(
      100_000,
      ...lines.map((l) => Number(l.split(":")[1]) + Number(l.split(":")[2])),
    );
    await Deno.writeTextFile(file, `${user.name}:${next}:65536\n`, { append: true });
  }
}

/** Copies the test image from Docker (no registry is reachable) into the user's storage. */
async function loadTestImage(user: TestUser, env: Record<string, string>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pygent-image-" });
  try {
    await Deno.chmod(dir, 0o755);
    const tar = `${dir}/image.tar`;
    const saved = await output("docker", ["save", "-o", tar, TEST_IMAGE]);
    if (!saved.success) throw new Error(`docker save ${TEST_IMAGE} failed: ${text(saved.stderr)}`);
    await Deno.chmod(tar, 0o644);
    const loaded = await asUser(user, ["podman", "load", "-i", tar], env);
    if (!loaded.success) {
      throw new Error(`podman load as ${user.name} failed: ${text(loaded.stderr)}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function setprivArgs(user: TestUser): string[] {
  return [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--init-groups", "--"];
}

async function asUser(
  user: TestUser,
  cmd: string[],
  env: Record<string, string> = { HOME: `/home/${user.name}` },
): Promise<Deno.CommandOutput> {
  return await new Deno.Command("setpriv", {
    args: [...setprivArgs(user), ...cmd],
    env,
    clearEnv: true,
    cwd: "/tmp",
    stdout: "piped",
    stderr: "piped",
  }).output();
}
