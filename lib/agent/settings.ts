/**
 * The agent's settings read from the environment, validated once at the edge:
 * `PYGENT_MAX_STEPS`, `PYGENT_TIMEOUT`, `PYGENT_MODEL`, `OPENAI_API_KEY`,
 * `OPENAI_BASE_URL`.
 *
 * @module
 */

import { ConfigError, DEFAULT_TIMEOUT_MS } from "../runtime/mod.ts";

/** Reads one environment variable; injectable for tests. */
export type GetEnv = (name: string) => string | undefined;

/** The model used when `PYGENT_MODEL` is not set. */
export const DEFAULT_MODEL = "gpt-4o-mini";
/** Model requests allowed per step when `PYGENT_MAX_STEPS` is not set. */
export const DEFAULT_MAX_STEPS = 20;
/** A command's timeout, in seconds, when `PYGENT_TIMEOUT` is not set. */
export const DEFAULT_TIMEOUT_SECONDS = DEFAULT_TIMEOUT_MS / 1000;

/** The process environment, as a {@linkcode GetEnv}. */
export const processEnv: GetEnv = (name) => Deno.env.get(name);

/**
 * Reads a whole number of at least 1 from the environment.
 *
 * @example
 * ```ts
 * import { positiveIntegerSetting } from "./settings.ts";
 * console.log(positiveIntegerSetting(() => "7", "PYGENT_MAX_STEPS", 20)); // 7
 * ```
 */
export function positiveIntegerSetting(getEnv: GetEnv, name: string, fallback: number): number {
  const raw = getEnv(name)?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${name}=${raw} is not valid; use a whole number of at least 1.`);
  }
  return value;
}

/**
 * Reads a number of seconds greater than 0 from the environment.
 *
 * @example
 * ```ts
 * import { secondsSetting } from "./settings.ts";
 * console.log(secondsSetting(() => "2.5", "PYGENT_TIMEOUT", 30)); // 2.5
 * ```
 */
export function secondsSetting(getEnv: GetEnv, name: string, fallback: number): number {
  const raw = getEnv(name)?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name}=${raw} is not valid; use a number of seconds above 0.`);
  }
  return value;
}
