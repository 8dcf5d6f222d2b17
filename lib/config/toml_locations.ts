/**
 * Where each key of a TOML document is written: its line, and the span of its
 * value and of an array's elements. `smol-toml` gives values without lines;
 * this scanner reads the same text again for the lines that messages name and
 * for editing a file as text (`pygent trust`) without losing its comments.
 *
 * The text must already have been parsed without error: the scanner follows
 * TOML's grammar only as far as it must to know where things are.
 *
 * @module
 */

/** A key's path: table names and keys, and the index of an array's element. */
export type TomlPath = readonly (string | number)[];

/** A stretch of the text: offsets `[start, end)`, and the line (from 1) it starts on. */
export interface TomlSpan {
  start: number;
  end: number;
  line: number;
}

/** Where one key (or table header) is written. */
export interface TomlEntry {
  /** The line (from 1) of the key, or of the `[table]` header that opens it. */
  line: number;
  /** The value, for `key = value` (a table header has none). */
  value?: TomlSpan;
  /** For an array value: each element. */
  elements?: TomlSpan[];
  /** For an array value: the offset of its closing `]`. */
  close?: number;
}

/**
 * The places of a TOML document's keys, by path.
 *
 * @example
 * ```ts
 * import { TomlLocations } from "./toml_locations.ts";
 * const where = TomlLocations.scan('model = "x"\n\n[rules]\ndeny = [\n  "git push",\n]\n');
 * console.log(where.line(["rules", "deny"])); // 4
 * console.log(where.line(["rules", "deny", 0])); // 5
 * ```
 */
export class TomlLocations {
  readonly #entries: Map<string, TomlEntry>;
  /** Offset just past the last `key = value` that belongs to the root table, if any. */
  readonly rootEnd: number | undefined;

  private constructor(entries: Map<string, TomlEntry>, rootEnd: number | undefined) {
    this.#entries = entries;
    this.rootEnd = rootEnd;
  }

  /** Scans a document that `smol-toml` has parsed without error. */
  static scan(text: string): TomlLocations {
    const scanner = new _Scanner(text);
    scanner.document();
    return new TomlLocations(scanner.entries, scanner.rootEnd);
  }

  /** The entry at exactly this path. */
  get(path: TomlPath): TomlEntry | undefined {
    return this.#entries.get(_key(path));
  }

  /** The line of the path, or of its nearest parent that has one. */
  line(path: TomlPath): number | undefined {
    for (let n = path.length; n > 0; n--) {
      const entry = this.#entries.get(_key(path.slice(0, n)));
      if (entry) return entry.line;
    }
    return undefined;
  }
}

function _key(path: TomlPath): string {
  return JSON.stringify(path);
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  e: "\x1b",
  '"': '"',
  "\\": "\\",
};

/** A reader of the text that keeps count of lines. */
class _Scanner {
  readonly entries = new Map<string, TomlEntry>();
  rootEnd: number | undefined;
  readonly #text: string;
  #at = 0;
  #line = 1;
  #arrayTables = new Map<string, number>();

  constructor(text: string) {
    this.#text = text;
  }

  document(): void {
    let table: TomlPath = [];
    let inRoot = true;
    while (true) {
      this.#skipBlank(true);
      if (this.#at >= this.#text.length) return;
      const line = this.#line;
      if (this.#peek() === "[") {
        inRoot = false;
        const arrayTable = this.#text.startsWith("[[", this.#at);
        this.#at += arrayTable ? 2 : 1;
        const path = this.#keyPath([]);
        this.#at += arrayTable ? 2 : 1;
        this.#record(path, { line }, true);
        if (arrayTable) {
          const index = this.#arrayTables.get(_key(path)) ?? 0;
          this.#arrayTables.set(_key(path), index + 1);
          table = [...path, index];
          this.#record(table, { line });
        } else {
          table = path;
        }
        continue;
      }
      this.#keyValue(table, line);
      if (inRoot) this.rootEnd = this.#at;
    }
  }

  /** `key = value`, recorded under `table`. */
  #keyValue(table: TomlPath, line: number): void {
    const path = [...table, ...this.#keyPath(table)];
    this.#skipBlank(false);
    this.#at++; // "="
    this.#skipBlank(false);
    const entry: TomlEntry = { line };
    this.#record(path, entry, true);
    const start = this.#at;
    this.#value(path, entry);
    entry.value = { start, end: this.#at, line };
  }

  #value(path: TomlPath, entry: TomlEntry): void {
    const c = this.#peek();
    if (c === "[") return this.#array(path, entry);
    if (c === "{") return this.#inlineTable(path);
    if (c === '"' || c === "'") {
      this.#string();
      return;
    }
    while (this.#at < this.#text.length && !/[,\]}#\r\n]/.test(this.#peek())) this.#at++;
    while (this.#at > 0 && /[ \t]/.test(this.#text[this.#at - 1])) this.#at--;
  }

  #array(path: TomlPath, entry: TomlEntry): void {
    this.#at++; // "["
    const elements: TomlSpan[] = [];
    while (true) {
      this.#skipBlank(true);
      if (this.#peek() === "]" || this.#at >= this.#text.length) break;
      const line = this.#line;
      const start = this.#at;
      const element: TomlEntry = { line };
      const elementPath = [...path, elements.length];
      this.#record(elementPath, element);
      this.#value(elementPath, element);
      element.value = { start, end: this.#at, line };
      elements.push(element.value);
      this.#skipBlank(true);
      if (this.#peek() === ",") this.#at++;
    }
    entry.elements = elements;
    entry.close = this.#at;
    this.#at++; // "]"
  }

  #inlineTable(path: TomlPath): void {
    this.#at++; // "{"
    while (true) {
      this.#skipBlank(true);
      if (this.#peek() === "}" || this.#at >= this.#text.length) break;
      this.#keyValue(path, this.#line);
      this.#skipBlank(true);
      if (this.#peek() === ",") this.#at++;
    }
    this.#at++; // "}"
  }

  /** A dotted key under `table`; each of its tables not yet recorded gets this line. */
  #keyPath(table: TomlPath): string[] {
    const parts: string[] = [];
    const line = this.#line;
    while (true) {
      this.#skipBlank(false);
      const c = this.#peek();
      if (c === '"' || c === "'") {
        parts.push(this.#string());
      } else {
        const start = this.#at;
        while (this.#at < this.#text.length && BARE_KEY.test(this.#peek())) this.#at++;
        parts.push(this.#text.slice(start, this.#at));
      }
      this.#skipBlank(false);
      if (this.#peek() !== ".") break;
      this.#at++;
      this.#record([...table, ...parts], { line });
    }
    return parts;
  }

  /** A string of any of TOML's four kinds; returns its value (escapes decoded). */
  #string(): string {
    const quote = this.#peek();
    const multi = this.#text.startsWith(quote.repeat(3), this.#at);
    this.#at += multi ? 3 : 1;
    let value = "";
    while (this.#at < this.#text.length) {
      const c = this.#peek();
      if (c === quote && (!multi || this.#text.startsWith(quote.repeat(3), this.#at))) {
        if (!multi) {
          this.#at++;
          return value;
        }
        // Up to two more quotes may end a multi-line string's content.
        let run = 3;
        while (this.#text[this.#at + run] === quote && run < 5) run++;
        value += quote.repeat(run - 3);
        this.#at += run;
        return value;
      }
      if (c === "\\" && quote === '"') {
        value += this.#escape(multi);
        continue;
      }
      if (c === "\n") this.#line++;
      value += c;
      this.#at++;
    }
    return value;
  }

  #escape(multi: boolean): string {
    const next = this.#text[this.#at + 1];
    if (next in ESCAPES) {
      this.#at += 2;
      return ESCAPES[next];
    }
    if (next === "u" || next === "U" || next === "x") {
      const digits = next === "u" ? 4 : next === "U" ? 8 : 2;
      const hex = this.#text.slice(this.#at + 2, this.#at + 2 + digits);
      this.#at += 2 + digits;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (multi) {
      // A line-ending backslash: the newline and the blanks after it vanish.
      this.#at++;
      while (/[ \t\r\n]/.test(this.#peek())) {
        if (this.#peek() === "\n") this.#line++;
        this.#at++;
      }
      return "";
    }
    this.#at++;
    return "\\";
  }

  /** Skips spaces and tabs; with `lines`, newlines and comments too. */
  #skipBlank(lines: boolean): void {
    while (this.#at < this.#text.length) {
      const c = this.#peek();
      if (c === " " || c === "\t" || (lines && c === "\r")) {
        this.#at++;
      } else if (lines && c === "\n") {
        this.#line++;
        this.#at++;
      } else if (lines && c === "#") {
        while (this.#at < this.#text.length && this.#peek() !== "\n") this.#at++;
      } else {
        return;
      }
    }
  }

  #peek(): string {
    return this.#text[this.#at] ?? "";
  }

  #record(path: TomlPath, entry: TomlEntry, replace = false): void {
    const key = _key(path);
    if (replace || !this.entries.has(key)) this.entries.set(key, entry);
  }
}
