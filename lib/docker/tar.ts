/**
 * The tar format as the engine's archive endpoints and GNU tar speak it: regular files,
 * folders and symbolic links, with their modes and owners, and names of any length (written
 * as POSIX pax headers; read from pax or GNU long-name headers). One writer, one reader.
 *
 * @module
 */

import { DockerError } from "./errors.ts";

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a tar entry is; `"other"` (devices, fifos, hard links) is only ever read, never written. */
export type TarEntryType = "file" | "directory" | "symlink" | "other";

/** An entry to put in an archive. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated; any length (a pax header carries a long one). */
  name: string;
  /** Default `"file"`. */
  type?: "file" | "directory" | "symlink";
  /** A file's bytes; empty for the other types. */
  content?: Uint8Array;
  /** A symbolic link's target. */
  linkName?: string;
  /** Permission bits. Default 0o644 for a file, 0o755 for a folder, 0o777 for a link. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Modification time, in seconds since the epoch. Default: now. */
  mtime?: number;
}

/** An entry read from an archive. */
export interface TarReadEntry {
  name: string;
  type: TarEntryType;
  /** A file's bytes (empty for the other types). */
  content: Uint8Array;
  /** A symbolic link's target ("" for the other types). */
  linkName: string;
  /** Permission bits (setuid, setgid and sticky bits included). */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time, in seconds since the epoch. */
  mtime: number;
}

/**
 * Builds a tar archive (ustar, with a pax header before an entry whose name or link target
 * does not fit ustar's fields).
 *
 * @example
 * ```ts
 * import { createTar, readTar } from "./tar.ts";
 * const tar = createTar([
 *   { name: "src", type: "directory" },
 *   { name: "src/a.txt", content: new TextEncoder().encode("hi"), mode: 0o600 },
 * ]);
 * console.log(readTar(tar).map((e) => `${e.type} ${e.name}`)); // ["directory src", "file src/a.txt"]
 * ```
 */
export function createTar(entries: readonly TarEntry[]): Uint8Array {
  const parts = entries.flatMap(entryBlocks);
  parts.push(new Uint8Array(2 * BLOCK));
  return join(parts, parts.reduce((sum, part) => sum + padded(part.length), 0));
}

/**
 * A tar archive made as it is read: entries are asked for one at a time, so an archive of a
 * large folder never sits whole in memory (see {@linkcode createTar} for the format).
 *
 * @example
 * ```ts
 * import { readTar, tarStream } from "./tar.ts";
 * async function* entries() {
 *   yield { name: "a.txt", content: new TextEncoder().encode("hi") };
 * }
 * const bytes = new Uint8Array(await new Response(tarStream(entries())).arrayBuffer());
 * console.log(readTar(bytes)[0].name); // "a.txt"
 * ```
 */
export function tarStream(entries: AsyncIterable<TarEntry>): ReadableStream<Uint8Array> {
  const iterator = entries[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    // Entries go out in pieces of at least 256 KiB: one small write per header would cost more
    // than the bytes.
    async pull(controller) {
      const parts: Uint8Array[] = [];
      let size = 0;
      while (size < STREAM_CHUNK) {
        const next = await iterator.next();
        if (next.done) {
          parts.push(new Uint8Array(2 * BLOCK));
          controller.enqueue(join(parts, size + 2 * BLOCK));
          controller.close();
          return;
        }
        for (const part of entryBlocks(next.value)) {
          parts.push(part);
          size += padded(part.length);
        }
      }
      controller.enqueue(join(parts, size));
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

const STREAM_CHUNK = 256 * 1024;

/** `parts` one after another, each padded to a whole block, in `size` bytes. */
function join(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += padded(part.length);
  }
  return out;
}

/** The header (a pax one first when needed) and the content of one entry. */
function entryBlocks(entry: TarEntry): Uint8Array[] {
  const type = entry.type ?? "file";
  const content = type === "file" ? entry.content ?? new Uint8Array() : new Uint8Array();
  const name = type === "directory" && !entry.name.endsWith("/") ? `${entry.name}/` : entry.name;
  const linkName = type === "symlink" ? entry.linkName ?? "" : "";
  const fields = {
    mode: entry.mode ?? (type === "file" ? 0o644 : type === "directory" ? 0o755 : 0o777),
    uid: entry.uid ?? 0,
    gid: entry.gid ?? 0,
    mtime: Math.floor(entry.mtime ?? Date.now() / 1000),
  };
  const blocks: Uint8Array[] = [];
  const ustarName = splitName(name);
  const longLink = encoder.encode(linkName).length > 100;
  if (ustarName === undefined || longLink) {
    const records = paxRecord("path", name) + (longLink ? paxRecord("linkpath", linkName) : "");
    const pax = encoder.encode(records);
    blocks.push(
      header({
        name: "././@PaxHeader",
        prefix: "",
        link: "",
        typeFlag: "x",
        size: pax.length,
        ...fields,
      }),
      pax,
    );
  }
  const typeFlag = type === "file" ? "0" : type === "directory" ? "5" : "2";
  const { name: short, prefix } = ustarName ?? { name: truncate(name, 100), prefix: "" };
  blocks.push(
    header({
      name: short,
      prefix,
      link: longLink ? truncate(linkName, 100) : linkName,
      typeFlag,
      size: content.length,
      ...fields,
    }),
  );
  if (content.length > 0) blocks.push(content);
  return blocks;
}

/** A name as ustar's `prefix/name` fields, or undefined when it needs a pax header. */
function splitName(name: string): { name: string; prefix: string } | undefined {
  const bytes = encoder.encode(name);
  if (bytes.length <= 100) return { name, prefix: "" };
  // Split at a slash so that the name field gets at most 100 bytes and the prefix at most 155.
  for (let i = name.indexOf("/"); i !== -1; i = name.indexOf("/", i + 1)) {
    const prefix = encoder.encode(name.slice(0, i)).length;
    const rest = encoder.encode(name.slice(i + 1)).length;
    if (prefix <= 155 && rest <= 100 && rest > 0) {
      return { name: name.slice(i + 1), prefix: name.slice(0, i) };
    }
  }
  return undefined;
}

/** A pax record: `LENGTH KEY=VALUE\n`, where LENGTH counts the whole record, itself too. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength + String(bodyLength).length;
  if (String(length).length + bodyLength !== length) length++;
  return `${length}${body}`;
}

/** The first `max` bytes of `text`, cut at a character boundary. */
function truncate(text: string, max: number): string {
  let out = "";
  for (const char of text) {
    if (encoder.encode(out + char).length > max) break;
    out += char;
  }
  return out;
}

/**
 * Every entry of a tar archive, in order: files, folders and links with their names resolved
 * (pax `path`/`linkpath` and GNU long names applied); anything else as type `"other"`.
 */
export function readTar(tar: Uint8Array): TarReadEntry[] {
  const entries: TarReadEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    const size = octal(block, 124, 12);
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    if (body.length < size) throw new DockerError("The engine sent a truncated tar archive");
    offset += BLOCK + padded(size);
    const flag = String.fromCharCode(block[156] || 48);
    if (flag === "x") {
      const records = paxRecords(body);
      longName = records.get("path") ?? longName;
      longLink = records.get("linkpath") ?? longLink;
      continue;
    }
    if (flag === "L" || flag === "K") {
      const value = decoder.decode(body).replace(/\0.*$/s, "");
      if (flag === "L") longName = value;
      else longLink = value;
      continue;
    }
    if (flag === "g") continue;
    const name = field(block, 0, 100);
    const prefix = field(block, 345, 155);
    const type: TarEntryType = flag === "0" || flag === "7"
      ? "file"
      : flag === "5"
      ? "directory"
      : flag === "2"
      ? "symlink"
      : "other";
    entries.push({
      name: (longName ?? (prefix ? `${prefix}/${name}` : name)).replace(/\/+$/, ""),
      type,
      content: type === "file" ? body.slice() : new Uint8Array(),
      linkName: type === "symlink" ? longLink ?? field(block, 157, 100) : "",
      mode: octal(block, 100, 8),
      uid: octal(block, 108, 8),
      gid: octal(block, 116, 8),
      mtime: octal(block, 136, 12),
    });
    longName = longLink = undefined;
  }
  return entries;
}

function paxRecords(body: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(32, at);
    const length = parseInt(decoder.decode(body.subarray(at, space)), 10);
    if (space < 0 || !(length > 0)) break;
    const record = decoder.decode(body.subarray(space + 1, at + length - 1));
    const eq = record.indexOf("=");
    records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

interface Header {
  name: string;
  prefix: string;
  link: string;
  typeFlag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

function header(h: Header): Uint8Array {
  const block = new Uint8Array(BLOCK);
  block.set(encoder.encode(h.name), 0);
  writeOctal(block, 100, 8, h.mode);
  writeOctal(block, 108, 8, h.uid);
  writeOctal(block, 116, 8, h.gid);
  writeOctal(block, 124, 12, h.size);
  writeOctal(block, 136, 12, h.mtime);
  block[156] = h.typeFlag.charCodeAt(0);
  block.set(encoder.encode(h.link), 157);
  block.set(encoder.encode("ustar\x0000"), 257);
  block.set(encoder.encode(h.prefix), 345);
  block.fill(32, 148, 156); // the checksum is computed with its own field as spaces
  const checksum = block.reduce((sum, b) => sum + b, 0);
  writeOctal(block, 148, 7, checksum);
  return block;
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) {
    throw new DockerError(`A tar header value is too large: ${value}`);
  }
  block.set(encoder.encode(digits.padStart(length - 1, "0") + "\0"), offset);
}

function octal(block: Uint8Array, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  const value = parseInt(text || "0", 8);
  if (Number.isNaN(value)) {
    throw new DockerError("The engine sent a tar archive that cannot be read");
  }
  return value;
}

function field(block: Uint8Array, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return decoder.decode(end >= 0 ? raw.subarray(0, end) : raw);
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
