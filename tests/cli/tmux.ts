/**
 * A real terminal for tests: a detached tmux session to type into and read
 * the screen of.
 *
 * @module
 */

/** Why terminal tests cannot run here, or undefined when tmux is installed. */
export const noTmuxReason: string | undefined = await new Deno.Command("tmux", {
  args: ["-V"],
  stdout: "null",
  stderr: "null",
}).output().then(
  ({ success }) => success ? undefined : "tmux -V failed",
  () => "tmux is not installed",
);

/** Runs tmux against the server of one terminal: its own socket, so no test shares a server. */
async function tmux(server: string, ...args: string[]): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command("tmux", {
    args: ["-L", server, ...args],
  })
    .output();
  const decoder = new TextDecoder();
  if (!success) throw new Error(`tmux ${args.join(" ")}: ${decoder.decode(stderr)}`);
  return decoder.decode(stdout);
}

/** Quotes `text` for `sh`. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A detached tmux session running one command in a 120×40 terminal. */
export class Terminal implements AsyncDisposable {
  readonly #name: string;

  private constructor(name: string) {
    this.#name = name;
  }

  /**
   * Runs `argv` with `env` added to the environment (in `cwd`, when given); when it ends, the
   * pane shows "EXITED <code>" and stays open to be read.
   */
  static async start(
    argv: string[],
    env: Record<string, string>,
    cwd?: string,
  ): Promise<Terminal> {
    const name = `pygent-test-${crypto.randomUUID().slice(0, 8)}`;
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`);
    const command = `env ${[...assignments, ...argv.map(quote)].join(" ")}; ` +
      `echo "EXITED $?"; sleep 600`;
    const folder = cwd === undefined ? [] : ["-c", cwd];
    await tmux(name, "new-session", "-d", "-s", name, ...folder, "-x", "120", "-y", "40", command);
    return new Terminal(name);
  }

  /** Types keys, as tmux names them ("Enter", "C-c") or as text. */
  async send(...keys: string[]): Promise<void> {
    await tmux(this.#name, "send-keys", "-t", this.#name, ...keys);
  }

  /** The text on the screen (and its scrollback); with `escapes`, its colour codes too. */
  screen(escapes = false): Promise<string> {
    const flags = escapes ? ["-e"] : [];
    return tmux(this.#name, "capture-pane", "-p", "-J", ...flags, "-S", "-200", "-t", this.#name);
  }

  /** Waits until the screen matches `pattern`; fails with the screen after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const screen = await this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`the screen never matched ${pattern}; it shows:\n${screen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Ends the session, its server and whatever still runs in it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await tmux(this.#name, "kill-server").catch(() => {});
  }
}
