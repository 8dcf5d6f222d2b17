/**
 * What a subcommand (`pygent config`, `pygent trust`) reads and writes:
 * passed in, so tests run it without a process.
 *
 * @module
 */

/**
 * A subcommand's output, environment and current directory.
 *
 * @example
 * ```ts
 * import type { CommandIo } from "./command_io.ts";
 * const io: CommandIo = {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * };
 * ```
 */
export interface CommandIo {
  /** Writes to stdout (text ends with its own newline). */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
  /** Reads an environment variable. */
  getEnv(name: string): string | undefined;
  /** The current directory. */
  cwd: string;
  /** The platform, for where the user file is; default `Deno.build.os`. */
  os?: typeof Deno.build.os;
}
