/**
 * The system prompt: who the model is (Pygent), where its commands run (a
 * container and its image, or the host with its OS and shell), the workspace,
 * and the project's own instructions from `AGENTS.md`.
 *
 * @module
 */

import { FileNotFoundError, type SandboxInfo, Workspace } from "../runtime/mod.ts";
import { cutMiddle } from "./tools/cut_middle.ts";

/** Characters of `AGENTS.md` put in the prompt at most. */
const INSTRUCTIONS_LIMIT = 20_000;

/** What the system prompt is built from. */
export interface PromptContext {
  /** Where commands run. */
  sandbox: SandboxInfo;
  /** The workspace as the model's commands see it (`/workspace` in a container). */
  workspace: string;
  /** The text of the workspace's `AGENTS.md`, when it has one. */
  instructions?: string;
  /** The workspace is the session's git worktree, committed by Pygent after each step. */
  worktree?: boolean;
}

/**
 * Builds the system prompt.
 *
 * @example
 * ```ts
 * import { systemPrompt } from "./system_prompt.ts";
 * console.log(systemPrompt({
 *   sandbox: { kind: "local", os: "windows", shell: "cmd.exe" },
 *   workspace: "C:\\work",
 * }));
 * ```
 */
export function systemPrompt(context: PromptContext): string {
  const { sandbox, workspace } = context;
  const where = sandbox.kind === "docker"
    ? `Your commands run in a Docker container made from the image ${sandbox.image}, in ` +
      `${sandbox.shell}, ${
        sandbox.network ? "with" : "without"
      } network access. The workspace is ${workspace}, the shell's starting directory; ` +
      (sandbox.sync === "copy"
        ? "it is a copy of the user's files, and what you change in it is copied back to the " +
          "user's machine after each step (except ignored files, .git and .pygent)."
        : "its files are shared with the user's machine.")
    : `Your commands run directly on the user's machine (${osName(sandbox.os)}), not in a ` +
      `container, in ${sandbox.shell}${
        sandbox.shell === "cmd.exe" ? " (Windows commands and syntax, not bash)" : ""
      }. They act with the user's own rights, so be careful. The workspace is ${workspace}, ` +
      "the shell's starting directory.";
  const lines = [
    "You are Pygent, a coding assistant that carries out the user's requests by running " +
    "commands and writing files, not just by describing them.",
    "",
    where,
    "",
    "Tools: `bash` runs a command; the shell persists between calls (cd, variables). " +
    "`write_file`, `read_file` and `edit_file` work on files; paths are relative to the " +
    "workspace. Each result states the exit code; long output is cut in the middle.",
    "Some calls need the user's approval first. A call that was not run says why (`Not run: …`): " +
    "do not repeat it unchanged; do the task another way, or tell the user what to run or allow.",
    "Work in small steps, check your work by running it, and fix what fails. When the task is " +
    "done, answer briefly with what you did and the result.",
  ];
  if (context.worktree) {
    lines.push(
      "",
      "The workspace is a git worktree of the user's repository, on a branch of this session's " +
        "own. Pygent commits your changes after each of the user's messages, and the user may " +
        "undo a step or merge the branch: do not commit, branch or push yourself" +
        (sandbox.kind === "docker" ? " (git is not available in the container)." : "."),
    );
  }
  const instructions = context.instructions?.trim();
  if (instructions) {
    lines.push(
      "",
      "The project's instructions, from AGENTS.md in the workspace:",
      "",
      cutMiddle(instructions, INSTRUCTIONS_LIMIT),
    );
  }
  return lines.join("\n");
}

/**
 * Reads `AGENTS.md` from a workspace folder on the host; undefined when there
 * is none. Read through the workspace's checks: a symlink the sandbox made
 * cannot turn a host file into instructions for the model.
 *
 * @example
 * ```ts
 * import { readInstructions } from "./system_prompt.ts";
 * console.log(await readInstructions(Deno.cwd()));
 * ```
 */
export async function readInstructions(folder: string): Promise<string | undefined> {
  try {
    return await (await Workspace.open(folder)).readFile("AGENTS.md");
  } catch (error) {
    if (error instanceof FileNotFoundError) return undefined;
    throw error;
  }
}

function osName(os: typeof Deno.build.os): string {
  const names: Partial<Record<typeof Deno.build.os, string>> = {
    linux: "Linux",
    darwin: "macOS",
    windows: "Windows",
  };
  return names[os] ?? os;
}
