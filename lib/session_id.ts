/**
 * A session's id: its start time in UTC and four hex digits, the milliseconds
 * (three) and a random one (`20261201-183012-1f4a`), so ids sort by time, to
 * the millisecond, and name their file.
 *
 * @module
 */

/** What an id looks like. */
export const SESSION_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

/** The extension of a session file. */
export const SESSION_FILE_EXTENSION = ".jsonl";

/**
 * A new id for a session started at `now`.
 *
 * @example
 * ```ts
 * import { newSessionId } from "./session_id.ts";
 * console.log(newSessionId(new Date(Date.UTC(2026, 11, 1, 18, 30, 12)), () => 0.5));
 * // "20261201-183012-0008"
 * ```
 */
export function newSessionId(now: Date = new Date(), random: () => number = Math.random): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${now.getUTCFullYear()}${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}`;
  const time = `${two(now.getUTCHours())}${two(now.getUTCMinutes())}${two(now.getUTCSeconds())}`;
  const millis = now.getUTCMilliseconds().toString(16).padStart(3, "0");
  const suffix = millis + Math.floor(random() * 16).toString(16);
  return `${date}-${time}-${suffix}`;
}
