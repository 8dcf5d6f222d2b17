/**
 * Variables that bash builtins set by name, besides `NAME=value`: `read NAME`, `printf -v
 * NAME`, `mapfile NAME`, `getopts SPEC NAME`. Setting `PATH` so changes what later commands
 * run, as `PATH=...` does.
 *
 * @module
 */

import { basename, type Word } from "./words.ts";

/** Each builtin's options that take an argument, and the one whose argument is a name. */
const BUILTINS: Record<string, { withArgument: string; nameOption?: string }> = {
  read: { withArgument: "adinNptu", nameOption: "a" },
  printf: { withArgument: "v", nameOption: "v" },
  mapfile: { withArgument: "dnOsuCc" },
  readarray: { withArgument: "dnOsuCc" },
  getopts: { withArgument: "" },
};

/**
 * The names of the variables a builtin command sets: `read -r a b` → `a`, `b`;
 * `printf -v PATH %s /tmp` → `PATH`; `mapfile lines` → `lines` (`MAPFILE` without a name).
 *
 * @example
 * ```ts
 * import { assignedVariables } from "./assigned_variables.ts";
 * import { literalWord } from "./words.ts";
 * const words = ["printf", "-v", "PATH", "%s", "/tmp"].map(literalWord);
 * console.log(assignedVariables(words).map((w) => w.value)); // ["PATH"]
 * ```
 */
export function assignedVariables(words: readonly Word[]): Word[] {
  const [name, ...args] = words;
  if (name === undefined || !name.literal) return [];
  const program = basename(name.value);
  if (!Object.hasOwn(BUILTINS, program)) return [];
  const { withArgument, nameOption } = BUILTINS[program];
  const names: Word[] = [];
  let i = 0;
  for (; i < args.length && /^-./.test(args[i].value) && args[i].value !== "--"; i++) {
    const option = args[i].value;
    for (let j = 1; j < option.length; j++) {
      if (!withArgument.includes(option[j])) continue;
      const attached = option.slice(j + 1);
      const argument = attached === "" ? args[++i] : { ...args[i], value: attached };
      if (option[j] === nameOption && argument !== undefined) names.push(argument);
      break;
    }
  }
  if (args[i]?.value === "--") i++;
  const operands = args.slice(i);
  switch (program) {
    case "read":
      return [...names, ...operands];
    case "mapfile":
    case "readarray":
      return operands.slice(0, 1);
    case "getopts":
      return operands.slice(1, 2);
    default:
      return names;
  }
}
