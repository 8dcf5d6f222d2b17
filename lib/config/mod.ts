/**
 * Settings: the config files (the user's and the project's), the `PYGENT_*`
 * variables and the flags, resolved by one loader into one value with each
 * setting's source. The command line calls it at its edge; the agent and the
 * runtime receive plain values.
 *
 * @example
 * ```ts
 * import { loadSettings } from "./mod.ts";
 * const { settings } = await loadSettings({
 *   flags: {},
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * console.log(settings.model.value, settings.model.source);
 * ```
 *
 * @module
 */

export * from "./config_file.ts";
export * from "./errors.ts";
export * from "./keys.ts";
export * from "./load.ts";
export * from "./origin.ts";
export * from "./paths.ts";
export type * from "./settings.ts";
export * from "./trust.ts";
export * from "./trust_pins.ts";
export * from "./values.ts";
