/**
 * The kinds of values settings hold (a name, a yes/no, a size, a count, a
 * duration, a URL, a list), each read by one function whichever way it came:
 * text from a flag or a variable, a typed TOML value from a file.
 *
 * @module
 */

import { invalidValue, type Origin, tooSmall } from "./origin.ts";

/**
 * A non-empty string.
 *
 * @example
 * ```ts
 * import { readText } from "./values.ts";
 * console.log(readText("alpine", { kind: "flag", name: "--image" }, "an image such as alpine"));
 * ```
 */
export function readText(raw: unknown, origin: Origin, example: string): string {
  if (typeof raw !== "string" || !raw.trim()) throw invalidValue(origin, raw, `use ${example}`);
  return raw;
}

/**
 * A yes/no: a TOML boolean in a file; 1/0, true/false, yes/no, on/off (any case) as text.
 *
 * @example
 * ```ts
 * import { readBoolean } from "./values.ts";
 * console.log(readBoolean("on", { kind: "env", name: "PYGENT_NETWORK" })); // true
 * ```
 */
export function readBoolean(raw: unknown, origin: Origin): boolean {
  if (typeof raw === "boolean") return raw;
  if (typeof raw === "string" && origin.kind !== "file") {
    const v = raw.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
  }
  throw invalidValue(
    origin,
    raw,
    origin.kind === "file" ? "use true or false" : "use 1 or 0 (true or false)",
  );
}

/**
 * One of a few words.
 *
 * @example
 * ```ts
 * import { readChoice } from "./values.ts";
 * const mode = readChoice("ask", { kind: "flag", name: "--approval" }, ["auto", "ask", "never"]);
 * console.log(mode); // "ask"
 * ```
 */
export function readChoice<T extends string>(
  raw: unknown,
  origin: Origin,
  choices: readonly T[],
): T {
  const value = typeof raw === "string" ? raw.trim() : raw;
  if (choices.includes(value as T)) return value as T;
  const words = choices.map((c) => origin.kind === "file" ? JSON.stringify(c) : c);
  throw invalidValue(origin, raw, `use ${words.slice(0, -1).join(", ")} or ${words.at(-1)}`);
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * A size in bytes, at least `min`: `512m`, `2g`, `1.5G`, `1048576` (k, m, g are
 * powers of 1024); in a file, such a string or a whole number of bytes.
 *
 * @example
 * ```ts
 * import { readByteSize } from "./values.ts";
 * console.log(readByteSize("2g", { kind: "flag", name: "--memory" }, 0)); // 2147483648
 * ```
 */
export function readByteSize(raw: unknown, origin: Origin, min: number): number {
  let bytes: number | undefined;
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) bytes = raw;
  if (typeof raw === "string") {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?\s*$/i.exec(raw);
    if (match) bytes = Math.round(Number(match[1]) * UNITS[match[2].toLowerCase()]);
  }
  if (bytes === undefined) {
    const hint = origin.kind === "file"
      ? 'use a size like "512m" or "2g", or a whole number of bytes'
      : "use a size like 512m or 2g";
    throw invalidValue(origin, raw, hint);
  }
  if (bytes < min) throw tooSmall(origin, raw, showBytes(min));
  return bytes;
}

/**
 * A whole number, at least `min`.
 *
 * @example
 * ```ts
 * import { readWholeNumber } from "./values.ts";
 * console.log(readWholeNumber("64", { kind: "flag", name: "--pids-limit" }, 8)); // 64
 * ```
 */
export function readWholeNumber(raw: unknown, origin: Origin, min: number): number {
  const n = typeof raw === "number"
    ? raw
    : typeof raw === "string" && origin.kind !== "file" && /^\s*\d+\s*$/.test(raw)
    ? Number(raw)
    : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw invalidValue(origin, raw, `use a whole number of at least ${Math.max(min, 1)}`);
  }
  if (n < min) throw tooSmall(origin, raw, String(min));
  return n;
}

/**
 * A number above 0, at least `min` when one is given.
 *
 * @example
 * ```ts
 * import { readPositiveNumber } from "./values.ts";
 * const origin = { kind: "env", name: "PYGENT_TIMEOUT" } as const;
 * console.log(readPositiveNumber("2.5", origin, "a number of seconds above 0")); // 2.5
 * ```
 */
export function readPositiveNumber(
  raw: unknown,
  origin: Origin,
  what: string,
  min?: number,
): number {
  const n = typeof raw === "number"
    ? raw
    : typeof raw === "string" && origin.kind !== "file" && raw.trim()
    ? Number(raw)
    : NaN;
  if (!Number.isFinite(n) || n <= 0) throw invalidValue(origin, raw, `use ${what}`);
  if (min !== undefined && n < min) throw tooSmall(origin, raw, String(min));
  return n;
}

/**
 * An `http://` or `https://` URL.
 *
 * @example
 * ```ts
 * import { readUrl } from "./values.ts";
 * console.log(readUrl("http://localhost:11434/v1", { kind: "env", name: "OPENAI_BASE_URL" }));
 * ```
 */
export function readUrl(raw: unknown, origin: Origin): string {
  const hint = "use a URL such as http://localhost:11434/v1";
  if (typeof raw !== "string") throw invalidValue(origin, raw, hint);
  try {
    const url = new URL(raw.trim());
    if (url.protocol === "http:" || url.protocol === "https:") return raw.trim();
  } catch {
    // Reported below.
  }
  throw invalidValue(origin, raw, hint);
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The name of an environment variable. A value that looks like an API key
 * itself is refused without being repeated: a key is never given in a file
 * or on the command line, only the name of the variable that holds it.
 *
 * @example
 * ```ts
 * import { readVariableName } from "./values.ts";
 * console.log(readVariableName("GROQ_API_KEY", { kind: "flag", name: "--api-key-env" }));
 * ```
 */
export function readVariableName(raw: unknown, origin: Origin): string {
  if (typeof raw === "string" && looksLikeKey(raw.trim())) {
    throw invalidValue(
      origin,
      raw,
      "it looks like an API key, which is never read from here: put the key in a variable " +
        "(export MY_API_KEY=...) and give that variable's name",
      true,
    );
  }
  if (typeof raw !== "string" || !VARIABLE_NAME.test(raw.trim())) {
    throw invalidValue(origin, raw, "use a variable's name, such as OPENAI_API_KEY");
  }
  return raw.trim();
}

/**
 * Whether a string looks like an API key rather than a variable's name: a
 * known key prefix (`sk-`, `sk_`, `AIza`, `gsk_`, `hf_`, `ghp_`, …), or a long
 * run of mixed-case letters and digits with no underscore.
 *
 * @example
 * ```ts
 * import { looksLikeKey } from "./values.ts";
 * console.log(looksLikeKey("sk-proj-abc123"), looksLikeKey("OPENAI_API_KEY")); // true false
 * ```
 */
export function looksLikeKey(value: string): boolean {
  if (/^(sk|pk|rk)[-_]|^(AIza|gsk_|xai-|hf_|ghp_|gho_|github_pat_|glpat-|r8_|key-)/.test(value)) {
    return true;
  }
  return value.length >= 24 && !value.includes("_") && /[a-z]/.test(value) &&
    /[A-Z]/.test(value) && /\d/.test(value);
}

/**
 * A list of `NAME` or `NAME=VALUE` entries: variables given to the sandbox.
 * Only their form is checked here; a `NAME` alone is looked up later.
 *
 * @example
 * ```ts
 * import { readEnvSpecs } from "./values.ts";
 * console.log(readEnvSpecs(["TERM", "A=1"], { kind: "flag", name: "--env" })); // ["TERM", "A=1"]
 * ```
 */
export function readEnvSpecs(raw: unknown, origin: Origin): string[] {
  const hint = origin.kind === "file"
    ? 'use a list of "NAME" or "NAME=VALUE", such as ["TERM", "DEBUG=1"]'
    : "use NAME or NAME=VALUE with a variable name";
  if (!Array.isArray(raw)) throw invalidValue(origin, raw, hint);
  for (const spec of raw) {
    if (typeof spec !== "string" || !VARIABLE_NAME.test(envName(spec))) {
      throw invalidValue(origin, origin.kind === "file" ? raw : spec, hint);
    }
  }
  return raw;
}

/**
 * The variable's name in an env entry (`NAME` or `NAME=VALUE`).
 *
 * @example
 * ```ts
 * import { envName } from "./values.ts";
 * console.log(envName("DEBUG=1")); // "DEBUG"
 * ```
 */
export function envName(spec: string): string {
  const eq = spec.indexOf("=");
  return eq < 0 ? spec : spec.slice(0, eq);
}

/**
 * A size in the units `--memory` takes: `512m`, `2g`, or bytes when it is not
 * a whole number of k, m or g.
 *
 * @example
 * ```ts
 * import { showBytes } from "./values.ts";
 * console.log(showBytes(6 * 1024 ** 2), showBytes(2 * 1024 ** 3)); // "6m" "2g"
 * ```
 */
export function showBytes(bytes: number): string {
  for (const [unit, size] of [["g", 1024 ** 3], ["m", 1024 ** 2], ["k", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
