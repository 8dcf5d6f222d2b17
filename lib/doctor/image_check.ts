/**
 * The `image` check: the sandbox's image is on this machine, or its registry has it (asked
 * through the engine's distribution endpoint, which reads the manifest without pulling).
 *
 * @module
 */

import {
  DockerApiError,
  type DockerClient,
  DockerError,
  DockerNotFoundError,
} from "../docker/mod.ts";
import type { CheckOutcome } from "./check.ts";

/** What the `image` check found: its outcome, and whether the image is here already. */
export interface ImageProbe {
  outcome: CheckOutcome;
  present: boolean;
}

const CHOOSE = "choose another image (--image, PYGENT_IMAGE or image in the config file)";

/**
 * Looks for `image` on the engine, then in its registry.
 *
 * @example
 * ```ts ignore
 * import { DockerClient } from "../docker/mod.ts";
 * import { checkImage } from "./image_check.ts";
 * const client = await DockerClient.connect();
 * console.log((await checkImage(client, "python:3.12-slim", 4_000)).outcome.summary);
 * ```
 */
export async function checkImage(
  client: DockerClient,
  image: string,
  timeoutMs: number,
): Promise<ImageProbe> {
  try {
    const found = await client.inspectImage(image);
    const id = found.Id.replace(/^sha256:/, "").slice(0, 12);
    return { outcome: { status: "ok", summary: `${image} is here (image ${id})` }, present: true };
  } catch (error) {
    if (!(error instanceof DockerNotFoundError)) {
      return { outcome: failed(image, error), present: false };
    }
  }
  try {
    const response = await client.request(
      "GET",
      `/distribution/${encodeURIComponent(image)}/json`,
      { timeoutMs },
    );
    await response.body?.cancel();
    return {
      outcome: {
        status: "ok",
        summary: `${image} is not here yet, but its registry has it: the first session pulls ` +
          `it (docker pull ${image} now to spare it the wait)`,
      },
      present: false,
    };
  } catch (error) {
    return { outcome: failed(image, error, "is not here and cannot be pulled"), present: false };
  }
}

function failed(image: string, error: unknown, what = "cannot be looked up"): CheckOutcome {
  if (!(error instanceof DockerError)) throw error;
  const why = error instanceof DockerApiError ? error.message : error.message.split("\n")[0];
  return {
    status: "fail",
    summary: `${image} ${what}: ${why}`,
    remediation:
      `Check the name and the network (docker login for a private registry), or ${CHOOSE}.`,
  };
}
