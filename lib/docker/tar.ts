/**
 * Just enough of the tar format for the engine's archive endpoints: one
 * regular file in, the regular files of an archive out.
 *
 * @module
 */

import { DockerError } from "./errors.ts";

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A regular file to put in an archive. */
export interface TarEntry {
  /** Path inside the archive, at most 100 bytes. */
  name: string;
  content: Uint8Array;
  /** Permission bits. Default 0o644. */
  mode?: number;
  uid?: number;
  gid?: number;
}

/**
 * Builds a ustar archive of regular files.
 *
 * @example
 * ```ts
 * import { createTar, readTar } from "./tar.ts";
 * const tar = createTar([{ name: "a.txt", content: new TextEncoder().encode("hi") }]);
 * console.log(readTar(tar)[0].name); // "a.txt"
 * ```
 */
export function createTar(entries: TarEntry[]): Uint8Array {
  const size = entries.reduce((sum, e) => sum + BLOCK + padded(e.content.length), 0) + 2 * BLOCK;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const entry of entries) {
    out.set(header(entry), offset);
    out.set(entry.content, offset + BLOCK);
    offset += BLOCK + padded(entry.content.length);
  }
  return out;
}

/** The regular files of a tar archive, in order (directories and links are skipped). */
export function readTar(tar: Uint8Array): { name: string; content: Uint8Array }[] {
  const files: { name: string; content: Uint8Array }[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    const name = field(block, 0, 100);
    const prefix = field(block, 345, 155);
    const size = parseInt(field(block, 124, 12).trim() || "0", 8);
    if (Number.isNaN(size)) {
      throw new DockerError("The engine sent a tar archive that cannot be read");
    }
    const type = String.fromCharCode(block[156] || 48);
    if (type === "0" || type === "\0") {
      const content = tar.slice(offset + BLOCK, offset + BLOCK + size);
      files.push({ name: prefix ? `${prefix}/${name}` : name, content });
    }
    offset += BLOCK + padded(size);
  }
  return files;
}

function header(entry: TarEntry): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const name = encoder.encode(entry.name);
  if (name.length > 100) throw new DockerError(`Path too long for a tar entry: ${entry.name}`);
  block.set(name, 0);
  writeOctal(block, 100, 8, entry.mode ?? 0o644);
  writeOctal(block, 108, 8, entry.uid ?? 0);
  writeOctal(block, 116, 8, entry.gid ?? 0);
  writeOctal(block, 124, 12, entry.content.length);
  writeOctal(block, 136, 12, Math.floor(Date.now() / 1000));
  block[156] = "0".charCodeAt(0);
  block.set(encoder.encode("ustar\x0000"), 257);
  block.fill(32, 148, 156); // the checksum is computed with its own field as spaces
  const checksum = block.reduce((sum, b) => sum + b, 0);
  writeOctal(block, 148, 7, checksum);
  return block;
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  block.set(encoder.encode(value.toString(8).padStart(length - 1, "0") + "\0"), offset);
}

function field(block: Uint8Array, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return decoder.decode(end >= 0 ? raw.subarray(0, end) : raw);
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
