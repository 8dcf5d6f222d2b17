/**
 * Runtimes: where Pygent runs commands. A locked-down Docker container per
 * session when an engine answers, the host otherwise; one interface for both.
 *
 * @example
 * ```ts
 * import { createRuntime } from "./mod.ts";
 * const rt = await createRuntime();
 * const r = await rt.bash("python3 -c 'print(6*7)'", { timeoutMs: 30_000 });
 * console.log(r.stdout, r.exitCode);
 * await rt.cleanup();
 * ```
 *
 * @module
 */

export { CONFLICT_SUFFIX, emptySyncReport, IGNORE_FILE } from "./copy_sync.ts";
export * from "./create_runtime.ts";
export * from "./docker_runtime.ts";
export * from "./errors.ts";
export * from "./lazy_runtime.ts";
export * from "./local_runtime.ts";
export * from "./options.ts";
export * from "./reaper.ts";
export type * from "./runtime.ts";
export { DEFAULT_TIMEOUT_MS, shellQuote } from "./shell.ts";
export { MAX_READ_BYTES, Workspace } from "./workspace.ts";
export { ConfigError } from "../errors.ts";
