/**
 * Pygent's version, taken from `deno.json` at build time (embedded in compiled binaries).
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };

/** The version of this Pygent, e.g. "0.1.0". */
export const VERSION: string = denoJson.version;
