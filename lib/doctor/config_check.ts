/**
 * The `config` check: the config files a run reads (the user's, the project's), found and valid,
 * through the same loader as a run.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { LoadedSettings } from "../config/mod.ts";
import type { CheckOutcome } from "./check.ts";

/** What the `config` check found: its outcome and, when the files are valid, the settings. */
export interface ConfigProbe {
  outcome: CheckOutcome;
  loaded?: LoadedSettings;
}

/**
 * Loads the settings with `load` (the run's own loader, given the run's flags) and says which
 * files were read; a bad file, flag or variable is a `fail` with the loader's message.
 *
 * @example
 * ```ts
 * import { loadSettings } from "../config/mod.ts";
 * import { checkConfig } from "./config_check.ts";
 * const probe = await checkConfig(() =>
 *   loadSettings({ flags: {}, getEnv: (name) => Deno.env.get(name), cwd: Deno.cwd() })
 * );
 * console.log(probe.outcome.summary);
 * ```
 */
export async function checkConfig(load: () => Promise<LoadedSettings>): Promise<ConfigProbe> {
  let loaded: LoadedSettings;
  try {
    loaded = await load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      outcome: {
        status: "fail",
        summary: error.message.replace(/\s*\n\s*/g, " "),
        remediation: "Fix the value it names (pygent config shows every setting and its source).",
      },
    };
  }
  const userFound = await Deno.stat(loaded.userFile).then(() => true, () => false);
  const parts = [`user file ${loaded.userFile}${userFound ? "" : " (none)"}`];
  parts.push(
    loaded.projectFile === undefined
      ? "no project file"
      : `project file ${loaded.projectFile} (${loaded.trusted ? "trusted" : "not trusted"})`,
  );
  if (loaded.profile !== undefined) parts.push(`profile ${loaded.profile}`);
  const summary = parts.join("; ");
  if (loaded.notices.length > 0) {
    return {
      outcome: {
        status: "warn",
        summary: `${summary}; ${loaded.notices.join("; ")}`,
        remediation: "Trust the project's folder (pygent trust DIR) if you want those values.",
      },
      loaded,
    };
  }
  return { outcome: { status: "ok", summary }, loaded };
}
