/**
 * Pygent's Docker Engine API client: finds the engine, negotiates the API
 * version, and covers the calls the runtime needs, exec streams included.
 *
 * @module
 */

export * from "./client.ts";
export * from "./endpoint.ts";
export * from "./errors.ts";
export * from "./exec_stream.ts";
export * from "./frames.ts";
export * from "./tar.ts";
export type * from "./types.ts";
export { DEFAULT_CAPABILITIES, dropsAllCapabilities } from "./types.ts";
