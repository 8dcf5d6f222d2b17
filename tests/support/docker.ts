/**
 * Test helpers for what needs a real Docker engine: whether one answers, the
 * test image, and `Deno.test` that skips (with the reason printed) when there
 * is no engine — except under `CI=true`, where such tests run and fail.
 *
 * @module
 */

import { DockerClient, type HostConfig } from "../../lib/docker/mod.ts";

/** The image tests create containers from. */
export const TEST_IMAGE = Deno.env.get("PYGENT_TEST_IMAGE") ?? "python:3.12-slim";

async function probe(): Promise<string | undefined> {
  try {
    const client = await DockerClient.connect();
    try {
      await client.inspectImage(TEST_IMAGE);
    } catch (error) {
      return `the test image ${TEST_IMAGE} is missing (${(error as Error).message}); run .ci/run`;
    } finally {
      client.close();
    }
    return undefined;
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
}

/** Why Docker tests cannot run here, or undefined when they can. */
export const noEngineReason: string | undefined = await probe();
const skip = noEngineReason !== undefined && Deno.env.get("CI") !== "true";
if (skip) console.warn(`Skipping Docker tests: ${noEngineReason}`);

/**
 * True when only the tests of an engine run (`deno task test:podman`, against another engine):
 * the host's half of a suite run on both is left out there, having run in `deno task test`.
 */
export const engineTestsOnly = Deno.env.get("PYGENT_TEST_ENGINE_ONLY") === "1";

/** `Deno.test` for the host's half of a suite that also runs on an engine. */
export function hostTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  Deno.test({ name, ignore: engineTestsOnly, fn });
}

/** `Deno.test` for a test that needs the Docker engine. */
export function dockerTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  Deno.test({ name, ignore: skip, fn });
}

/** Ids of the containers that carry label `key=value` (all states). */
export async function containersLabelled(key: string, value?: string): Promise<string[]> {
  const client = await DockerClient.connect();
  try {
    const found = await client.listContainers({ label: [value ? `${key}=${value}` : key] });
    return found.map((c) => c.Id);
  } finally {
    client.close();
  }
}

/** Runs `fn` with a fresh client, closed afterwards. */
export async function withClient<T>(fn: (client: DockerClient) => Promise<T>): Promise<T> {
  const client = await DockerClient.connect();
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * Runs `fn` with a started container of the test image that waits on its stdin, with no network
 * and labelled `pygent.test=LABEL`; removed afterwards.
 */
export async function withWaitingContainer(
  client: DockerClient,
  label: string,
  fn: (id: string) => Promise<void>,
  hostConfig: HostConfig = {},
): Promise<void> {
  const id = await client.createContainer({
    Image: TEST_IMAGE,
    Entrypoint: ["/bin/sh", "-c"],
    Cmd: ["read _"],
    OpenStdin: true,
    NetworkDisabled: true,
    HostConfig: { NetworkMode: "none", ...hostConfig },
    Labels: { "pygent.test": label },
  });
  try {
    await client.startContainer(id);
    await fn(id);
  } finally {
    await client.removeContainer(id);
  }
}
