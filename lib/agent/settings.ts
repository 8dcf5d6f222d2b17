/**
 * The agent's defaults, and how it reads the few variables it reads (the OpenAI
 * SDK's own, for a default model given no key or base URL).
 *
 * @module
 */

import { DEFAULT_TIMEOUT_MS } from "../runtime/mod.ts";

/** Reads one environment variable; injectable for tests. */
export type GetEnv = (name: string) => string | undefined;

/** The model used when none is named. */
export const DEFAULT_MODEL = "gpt-4o-mini";
/** Model requests allowed per step when no limit is given. */
export const DEFAULT_MAX_STEPS = 20;
/** A command's timeout, in seconds, when none is given. */
export const DEFAULT_TIMEOUT_SECONDS = DEFAULT_TIMEOUT_MS / 1000;

/** The process environment, as a {@linkcode GetEnv}. */
export const processEnv: GetEnv = (name) => Deno.env.get(name);
