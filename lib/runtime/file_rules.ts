/**
 * The rules every workspace file operation follows, on whichever side of the
 * sandbox the file is opened (the host's `Workspace`, or the container's
 * `ContainerFiles`): how much is read whole, how bytes become text,
 * and the words of each refusal, so both sides say the same thing.
 *
 * @module
 */

import { FileNotFoundError, PathOutsideWorkspaceError, RuntimeError } from "./errors.ts";

/** Largest file the file operations read whole: 16 MiB. Bigger ones are for `head`/`sed`. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/**
 * Why a file operation refused a path, as data: what the host's checks or the
 * sandbox found. {@linkcode refusalError} turns it into the error a user reads.
 */
export type FileRefusal =
  /** The path names the workspace folder itself. */
  | { kind: "workspace-folder" }
  /** Nothing is there. */
  | { kind: "missing" }
  /** A folder where a file is read. */
  | { kind: "folder" }
  /** A pipe, socket or device where a file is read. */
  | { kind: "special" }
  /** Anything but a regular file where one is written. */
  | { kind: "not-regular-write" }
  /** A file bigger than {@linkcode MAX_READ_BYTES}. */
  | { kind: "too-big"; size: number }
  /** A file that grew past {@linkcode MAX_READ_BYTES} while it was read. */
  | { kind: "grew" }
  /** Bytes that are not UTF-8. */
  | { kind: "not-text" }
  /** A parent folder to write into is a file. */
  | { kind: "parent-not-folder"; part: string }
  /** The file system said no. */
  | { kind: "denied" }
  /** A symlink whose target is missing, or cannot be reached from the workspace. */
  | { kind: "dangling-link"; target: string }
  /** A symlink that leads to `real`, outside the workspace. */
  | { kind: "outside"; real: string }
  /** Symlinks that lead to one another without end. */
  | { kind: "link-loop" }
  /** The file opened is not the one checked: swapped for a symlink meanwhile. */
  | { kind: "swapped" }
  /** A file that was not there when checked appeared before it was created. */
  | { kind: "appeared" };

/**
 * The error for a refused path, with a message a user (or the model) can act on.
 *
 * @param given The path as it was given to the operation.
 * @example
 * ```ts
 * import { refusalError } from "./file_rules.ts";
 * console.log(refusalError("a.txt", { kind: "missing" }).message); // "No such file: a.txt"
 * ```
 */
export function refusalError(given: string, refusal: FileRefusal): RuntimeError {
  switch (refusal.kind) {
    case "workspace-folder":
      return new RuntimeError(`${given} is the workspace folder, not a file.`);
    case "missing":
      return new FileNotFoundError(given);
    case "folder":
      return new RuntimeError(`${given} is a folder, not a file.`);
    case "special":
      return new RuntimeError(
        `${given} is not a regular file (a pipe, socket or device); use a command.`,
      );
    case "not-regular-write":
      return new RuntimeError(
        `${given} is not a regular file; only regular files can be written.`,
      );
    case "too-big": {
      const mib = (refusal.size / 1024 / 1024).toFixed(1);
      return new RuntimeError(
        `${given} is ${mib} MiB, too big to read whole; read parts of it with a command (head, sed -n).`,
      );
    }
    case "grew":
      return new RuntimeError(
        "The file grew past 16 MiB while being read; read parts of it with a command.",
      );
    case "not-text":
      return new RuntimeError(
        `${given} is not UTF-8 text (a binary file?); inspect it with a command (file, xxd, iconv).`,
      );
    case "parent-not-folder":
      return new RuntimeError(`Cannot write ${given}: ${refusal.part} is a file, not a folder.`);
    case "denied":
      return new RuntimeError(`Permission denied: ${given}`);
    case "dangling-link":
      return new PathOutsideWorkspaceError(
        given,
        `it is a symlink to ${refusal.target}, which is not in the workspace`,
      );
    case "outside":
      return new PathOutsideWorkspaceError(
        given,
        `it resolves to ${refusal.real} through a symlink`,
      );
    case "link-loop":
      return new PathOutsideWorkspaceError(given, "its symlinks lead to one another without end");
    case "swapped":
      return new PathOutsideWorkspaceError(
        given,
        "it changed while being opened (a symlink was swapped in)",
      );
    case "appeared":
      return new PathOutsideWorkspaceError(given, "it appeared while being created");
  }
}

/**
 * Decodes a file's bytes as UTF-8 text with its byte-order mark kept (so a
 * file read, edited and written back keeps it). Bytes that are not UTF-8 are
 * refused rather than altered.
 *
 * @param given The path the bytes were read from, for the error.
 * @example
 * ```ts
 * import { decodeText } from "./file_rules.ts";
 * console.log(decodeText("a.txt", new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])) === "\ufeffhi"); // true
 * ```
 */
export function decodeText(given: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw refusalError(given, { kind: "not-text" });
  }
}
