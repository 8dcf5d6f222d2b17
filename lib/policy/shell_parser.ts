/**
 * The shell parser: tree-sitter's bash grammar, run by web-tree-sitter (both wasm, embedded in
 * `_embedded_wasm.ts`, so nothing is read from disk and no permission is needed). Loading takes
 * some tens of milliseconds, so it happens once, lazily, on first use, and the parser is shared.
 *
 * @module
 */

import { Language, Parser, type Tree } from "web-tree-sitter";
import { EMBEDDED_WASM, wasmBytes } from "./_embedded_wasm.ts";
import { PolicyError } from "./errors.ts";

/** Parses bash source text into a syntax tree. */
export interface BashParser {
  /**
   * Parses `source`. The caller must `delete()` the tree when done (it lives in wasm memory).
   * Parsing never throws for bad syntax: the tree holds `ERROR` and missing nodes instead.
   */
  parse(source: string): Tree;
  /**
   * Parses `source`, unless the time `deadline` (of `performance.now()`) passes first: then
   * undefined. The grammar's error recovery can take seconds on some inputs (a long run of
   * unmatched `)`); this bounds it.
   */
  parseWithin(source: string, deadline: number): Tree | undefined;
}

let shared: Promise<BashParser> | undefined;

/**
 * The shared bash parser, loaded on first call.
 *
 * @throws {PolicyError} when the parser cannot be loaded (the next call tries again).
 *
 * @example
 * ```ts
 * import { loadBashParser } from "./shell_parser.ts";
 * const parser = await loadBashParser();
 * const tree = parser.parse("git status && ls");
 * console.log(tree.rootNode.type); // "program"
 * tree.delete();
 * ```
 */
export function loadBashParser(): Promise<BashParser> {
  if (shared === undefined) {
    const loading = _load();
    shared = loading;
    loading.catch(() => {
      if (shared === loading) shared = undefined;
    });
  }
  return shared;
}

/**
 * Loads the shell parser now, so that the first `checkCommand` call does not wait for it
 * (about 65 ms): call it at startup, beside the sandbox's own start. Rejects with a
 * {@linkcode PolicyError} when the parser cannot be loaded; `checkCommand` then asks.
 *
 * @example
 * ```ts
 * import { loadShellParser } from "./mod.ts";
 * await loadShellParser();
 * ```
 */
export async function loadShellParser(): Promise<void> {
  await loadBashParser();
}

async function _load(): Promise<BashParser> {
  try {
    await Parser.init({ wasmBinary: await wasmBytes(EMBEDDED_WASM.runtime) });
    const language = await Language.load(await wasmBytes(EMBEDDED_WASM.grammar));
    const parser = new Parser();
    parser.setLanguage(language);
    return {
      parse(source) {
        const tree = parser.parse(source);
        if (tree === null) throw new PolicyError("The shell parser returned no tree.");
        return tree;
      },
      parseWithin(source, deadline) {
        const tree = parser.parse(source, null, {
          progressCallback: () => performance.now() > deadline,
        });
        if (tree !== null) return tree;
        // A cancelled parse would be resumed by the next call: start afresh.
        parser.reset();
        return undefined;
      },
    };
  } catch (cause) {
    throw new PolicyError(
      `The shell parser (web-tree-sitter ${EMBEDDED_WASM.runtime.version} with ` +
        `tree-sitter-bash ${EMBEDDED_WASM.grammar.version}) could not be loaded: ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}
