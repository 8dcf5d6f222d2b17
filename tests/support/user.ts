/**
 * Running code as a non-root user, for what depends on the user (file
 * ownership, socket permissions). Tests that need it create the users
 * themselves; this works when the tests run as root, as in CI.
 *
 * @module
 */

/** Why user tests cannot run here, or undefined when they can. */
export const noUserReason: string | undefined = Deno.uid() === 0
  ? undefined
  : "creating test users needs root";

const skip = noUserReason !== undefined && Deno.env.get("CI") !== "true";
if (skip) console.warn(`Skipping tests as another user: ${noUserReason}`);

/** `Deno.test` for a test that runs code as another user. */
export function userTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: skip, fn });
}

/** A local user made for tests. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

async function run(cmd: string, args: string[]): Promise<Deno.CommandOutput> {
  return await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
}

/** Creates (once) a user, in the `docker` group when `docker` is true. */
export async function ensureUser(name: string, docker: boolean): Promise<TestUser> {
  if (!(await run("id", ["-u", name])).success) {
    const args = ["--create-home", "--shell", "/bin/sh", ...(docker ? ["-G", "docker"] : []), name];
    const made = await run("useradd", args);
    const text = new TextDecoder().decode(made.stderr);
    if (!made.success && !/already exists/.test(text)) throw new Error(`useradd failed: ${text}`);
  }
  const id = async (flag: string) =>
    Number(new TextDecoder().decode((await run("id", [flag, name])).stdout));
  return { name, uid: await id("-u"), gid: await id("-g") };
}

/** A copy of the running Deno that any user can execute (root's home is private). */
async function sharedDeno(): Promise<string> {
  const dir = "/tmp/pygent-test-deno";
  const path = `${dir}/deno`;
  try {
    await Deno.stat(path);
  } catch {
    await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
    const partial = `${path}.${Deno.pid}`;
    await Deno.copyFile(Deno.execPath(), partial);
    await Deno.chmod(partial, 0o755);
    await Deno.rename(partial, path);
  }
  return path;
}

/** Runs a TypeScript file with `deno run -A` as `user`; returns its output. */
export async function runAs(
  user: TestUser,
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const deno = await sharedDeno();
  // The user's own Deno cache, kept between runs: the npm packages a script imports are
  // fetched once per machine, with the certificates and proxy this process was given.
  const denoDir = `/tmp/pygent-test-deno/cache-${user.name}`;
  await Deno.mkdir(denoDir, { recursive: true });
  await Deno.chown(denoDir, user.uid, user.gid);
  const out = await new Deno.Command("runuser", {
    args: ["-u", user.name, "--", deno, "run", "-A", "--no-lock", script, ...args],
    env: { ...networkEnv(), DENO_DIR: denoDir, HOME: `/home/${user.name}`, NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** What Deno needs to reach the npm registry as this process does: certificates and proxies. */
function networkEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const certificates = Deno.env.get("DENO_CERT") ?? Deno.env.get("SSL_CERT_FILE");
  if (certificates) env.DENO_CERT = certificates;
  for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}
