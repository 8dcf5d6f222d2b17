/**
 * A count and its noun, in the plural when it is not one.
 *
 * @example
 * ```ts
 * import { counted } from "./counted.ts";
 * console.log(counted(1, "file"), counted(3, "checkpoint")); // "1 file" "3 checkpoints"
 * ```
 */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
