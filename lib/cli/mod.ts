/**
 * The `pygent` command line: flags and variables, the session (one-shot,
 * piped, interactive) and its terminal and JSON views.
 *
 * @module
 */

export * from "./args.ts";
export * from "./commands.ts";
export * from "./errors.ts";
export * from "./json_view.ts";
export * from "./main.ts";
export * from "./markdown.ts";
export * from "./sanitize.ts";
export * from "./session.ts";
export * from "./style.ts";
export * from "./terminal_view.ts";
export type * from "./view.ts";
