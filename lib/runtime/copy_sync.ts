/**
 * Copy mode: the workspace goes into a container that has no bind mount (an engine on another
 * machine, say) as one tar archive, and each side's changes go to the other between steps.
 *
 * Change detection is by manifest: the host side is a walk of the workspace (`lstat` of each
 * entry), the container side one `find -printf` listing (run, like the `tar` that copies files
 * out, in a root shell kept open in the container: see `root_channel.ts`); each is compared with
 * the same side's manifest at the last sync, so only what changed since is copied (one archive
 * each way). Files that changed on both sides keep the host's version; the container's is
 * written beside it (`FILE.pygent-conflict`), so nothing is lost.
 *
 * Writing on the host is the part that must be safe: the container decides every name and
 * every byte that comes back. Names are checked (relative, no `..`), every parent folder is
 * checked with `lstat` (a symbolic link, whoever made it, is never written through: it is
 * replaced), only files, folders and symbolic links are written, never a `.git` or `.pygent`
 * at any depth. The sandbox cannot race these checks: in copy mode it has no access to any host
 * file.
 *
 * In the container, root only reads (`find`, `tar`), and what it read is kept only when it is
 * what the listing saw (same owner, same size): a folder swapped for a link between the two
 * would otherwise bring a file only root may read to the host. Writes there (host edits, host
 * deletions) run as the sandbox's user, who can reach nothing it could not reach itself; only
 * the first upload, into a container where nothing has run yet, goes through the engine.
 *
 * @module
 */

import ignore, { type Ignore } from "ignore";
import { DockerConnectionError, readTar, type TarEntry, tarStream } from "../docker/mod.ts";
import { RuntimeError, SyncLimitError } from "./errors.ts";
import { ChannelOutputLimitError } from "./root_channel.ts";
import { shellQuote } from "./shell.ts";
import type { RuntimeEvent, SyncReport } from "./runtime.ts";

/** A report of a sync that did nothing. */
export function emptySyncReport(): SyncReport {
  return { toContainer: [], toHost: [], conflicts: [], refused: [] };
}

/**
 * The most bytes of the container's file list read (a few hundred thousand files): a sandbox
 * that makes millions of files, or names thousands of bytes long, cannot fill the host's memory.
 */
const MAX_LISTING_BYTES = 128 << 20;

/** Names never copied either way, at any depth. */
const NEVER_SYNCED = new Set([".git", ".pygent"]);

/** The suffix of the file a conflict's container version is written to. */
export const CONFLICT_SUFFIX = ".pygent-conflict";
/** The ignore file read at the workspace's root, besides every `.gitignore`. */
export const IGNORE_FILE = ".pygentignore";

type EntryType = "file" | "directory" | "symlink" | "other";

/** One entry of a manifest: what a change is detected by. */
interface Stat {
  type: EntryType;
  /** Permission bits. */
  mode: number;
  size: number;
  /** Modification time, in milliseconds (only compared with the same side's). */
  mtime: number;
  /** A symbolic link's target. */
  link: string;
  /** The owner's uid, in the container's manifest (-1 in the host's). */
  uid: number;
  /** The host's `DEVICE:INODE` of the entry ("" in the container's manifest). */
  inode: string;
}

type Manifest = Map<string, Stat>;

/** What copy mode needs of the container: running commands, and extracting an archive at `/`. */
export interface CopyTarget {
  /**
   * Runs shell text as root in the container, to read; resolves to its stdout when it exits 0,
   * else throws (a `ChannelOutputLimitError` when it printed more than `maxBytes`).
   */
  run(id: string, script: string, maxBytes?: number): Promise<Uint8Array>;
  /**
   * `PUT /containers/{id}/archive?path=/`, the archive streamed as it is made: only for the first
   * upload, before the sandbox has run anything (the engine writes as root, through links).
   * `size` is about the archive's size, for the error of an upload that stalls.
   */
  putArchive(id: string, tar: ReadableStream<Uint8Array>, size: number): Promise<void>;
  /**
   * Runs shell text as the sandbox's user, `input` on its stdin; rejects unless it exits 0, and
   * when it makes no progress for a while (the sandbox can stop its user's processes).
   */
  runAsUser(id: string, script: string, input?: ReadableStream<Uint8Array>): Promise<void>;
}

/** What {@linkcode CopySync} is made with. */
export interface CopySyncOptions {
  /** Host path of the workspace (real path). */
  workspace: string;
  /** The workspace inside the container, e.g. `/workspace`. */
  workdir: string;
  /** Top-level paths never copied either way (the policy's `readOnlyPaths`). */
  readOnlyPaths: readonly string[];
  /** The owner of the files in the container: the host user. */
  owner: { uid: number; gid: number } | undefined;
  /** Most bytes copied in one go, either way. */
  limitBytes: number;
  target: CopyTarget;
  onEvent: (event: RuntimeEvent) => void;
}

/**
 * Keeps a container's copy of the workspace and the host's in step.
 *
 * @example
 * ```ts ignore
 * const sync = new CopySync({ workspace, workdir: "/workspace", readOnlyPaths: [".git"],
 *   owner: { uid: 1000, gid: 1000 }, limitBytes: 512 << 20, target, onEvent });
 * await sync.upload(containerId); // at the container's start
 * await sync.sync(containerId); // between steps
 * ```
 */
export class CopySync {
  readonly #options: CopySyncOptions;
  /** Each side as it was at the last sync; empty before the first upload. */
  #host: Manifest = new Map();
  #container: Manifest = new Map();
  /** One sync at a time: two would both see, and copy, the same changes. */
  #queue: Promise<unknown> = Promise.resolve();

  /** Creates a `CopySync`; nothing is copied until {@linkcode CopySync.upload}. */
  constructor(options: CopySyncOptions) {
    this.#options = options;
  }

  /**
   * Copies the whole workspace into a new container (a replacement too: what the previous one
   * changed since the last sync is gone with it).
   * @throws {SyncLimitError} When the workspace is larger than the limit.
   */
  upload(id: string): Promise<SyncReport> {
    return this.#serial(async () => {
      this.#host = new Map();
      this.#container = new Map();
      return await this.#sync(id, true);
    });
  }

  /** Brings each side's changes since the last sync to the other. */
  sync(id: string): Promise<SyncReport> {
    return this.#serial(() => this.#sync(id, false));
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** @param fresh True for a new container: everything goes, its workspace folder too. */
  async #sync(id: string, fresh: boolean): Promise<SyncReport> {
    const report = emptySyncReport();
    const { manifest: host, rules } = await this.#scanHost();
    const container = this.#filter(await this.#scanContainer(id), rules, report);
    const hostChanged = changedPaths(this.#host, host);
    const containerChanged = changedPaths(this.#container, container);
    const push = new Set<string>();
    const pull = new Set<string>();
    const conflicts: string[] = [];
    for (const path of new Set([...hostChanged, ...containerChanged])) {
      const onHost = hostChanged.has(path);
      const inContainer = containerChanged.has(path);
      if (onHost && inContainer) {
        const h = host.get(path);
        const c = container.get(path);
        if (h?.type === "directory" && c?.type === "directory") push.add(path);
        else if (!c) push.add(path);
        else if (c.type === "file" || c.type === "symlink") {
          if (sameContent(h, c)) continue;
          conflicts.push(path);
          push.add(path);
        } else if (c.type === "directory" && h) {
          // A folder made in the sandbox where the host changed a file: neither replaces the
          // other (the folder's files are refused, and say so), so nothing is lost.
          report.refused.push(path);
        } else if (c.type === "directory") pull.add(path);
        else push.add(path);
      } else if (onHost) push.add(path);
      else pull.add(path);
    }
    // Checked before anything is pulled: a sync that threw after pulling would leave both
    // records behind, and the pulled files would be conflicts next time.
    this.#checkPushLimit(push, host, fresh);
    const newHost = new Map(host);
    // A fresh container's own files (the image's /workspace) are not the user's changes: they
    // are not brought to the host, and the scan after the upload is the starting record.
    if (!fresh && (pull.size > 0 || conflicts.length > 0)) {
      await this.#pull(id, pull, conflicts, container, newHost, report);
    }
    if (push.size > 0 || fresh) {
      // What was not copied is sent again next time: its host record stays the last sync's.
      for (const path of await this.#push(id, push, host, report, fresh)) {
        const old = this.#host.get(path);
        if (old) newHost.set(path, old);
        else newHost.delete(path);
      }
      const rescan = this.#filter(await this.#scanContainer(id), rules, emptySyncReport());
      if (fresh) this.#container = rescan;
      else {
        // Only the pushed paths from the rescan: what the sandbox's background jobs changed
        // since the first scan is then seen, and pulled, next time.
        this.#container = container;
        for (const path of push) {
          const now = rescan.get(path);
          if (now) container.set(path, now);
          else container.delete(path);
        }
      }
    } else {
      this.#container = container;
    }
    this.#host = newHost;
    if (report.refused.length > 0) {
      this.#options.onEvent({
        type: "notice",
        message: `Not brought back from the sandbox (they stay in the container): ${
          report.refused.join(", ")
        }.`,
      });
    }
    return report;
  }

  /** Runs `script` in the container, a failure saying what it was for. */
  async #run(id: string, script: string): Promise<Uint8Array> {
    try {
      return await this.#options.target.run(id, script);
    } catch (cause) {
      throw this.#failed(cause);
    }
  }

  #failed(cause: unknown): Error {
    // An engine that stopped answering is not the image's fault: its caller treats it as lost.
    if (cause instanceof DockerConnectionError) return cause;
    return new RuntimeError(
      `Copying the workspace to or from the sandbox failed (${(cause as Error).message}). ` +
        "Copy mode needs find, xargs and GNU tar in the image.",
      { cause },
    );
  }

  /** The host's workspace, ignored paths and the read-only ones left out. */
  async #scanHost(): Promise<{ manifest: Manifest; rules: IgnoreRules }> {
    const manifest: Manifest = new Map();
    const rules = new IgnoreRules();
    // Each folder's entries are looked at together, and its subfolders walked together: the
    // file system's latency is paid per level, not per entry.
    const walk = async (dir: string, prefix: string): Promise<void> => {
      await rules.read(dir, prefix.slice(0, -1));
      const items = await Array.fromAsync(Deno.readDir(dir));
      const found = await Promise.all(items.map(async ({ name }) => {
        const full = `${dir}/${name}`;
        const info = await Deno.lstat(full).catch(() => undefined);
        const link = info?.isSymlink ? await Deno.readLink(full).catch(() => "") : "";
        return { name, info, link };
      }));
      const folders: Promise<void>[] = [];
      for (const { name, info, link } of found) {
        const path = prefix + name;
        if (!info || this.#excluded(path) || rules.ignores(path, info.isDirectory)) continue;
        manifest.set(path, statOf(info, link));
        if (info.isDirectory) folders.push(walk(`${dir}/${name}`, `${path}/`));
      }
      await Promise.all(folders);
    };
    await walk(this.#options.workspace, "");
    return { manifest, rules };
  }

  /** The container's workspace, from one `find` (name, type, mode, size, mtime, link target). */
  async #scanContainer(id: string): Promise<Manifest> {
    const { workdir, readOnlyPaths } = this.#options;
    // The read-only paths are left out here already: a large .git costs nothing.
    const prune = readOnlyPaths.map((p) => `-path ${shellQuote(`${workdir}/${p}`)}`).join(" -o ");
    const out = await this.#options.target.run(
      id,
      `find ${shellQuote(workdir)} -mindepth 1 ${prune ? `\\( ${prune} \\) -prune -o ` : ""}` +
        "-printf '%y %m %s %U %T@ %P\\0%l\\0'",
      MAX_LISTING_BYTES,
    ).catch((error) => {
      if (!(error instanceof ChannelOutputLimitError)) throw this.#failed(error);
      throw new RuntimeError(
        `The sandbox's workspace holds more than ${MAX_LISTING_BYTES >> 20} MiB of file names, ` +
          "too many to compare and copy back. Remove what it does not need there (a build's " +
          "output, say), or use a bind mount (--sync bind).",
        { cause: error },
      );
    });
    const fields = new TextDecoder().decode(out).split("\0");
    const manifest: Manifest = new Map();
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const match = /^(\S) ([0-7]+) (\d+) (\d+) ([\d.]+) (.*)$/s.exec(fields[i]);
      if (!match) throw new RuntimeError(`The sandbox's file list could not be read: ${fields[i]}`);
      const [, y, mode, size, uid, mtime, path] = match;
      const type: EntryType = y === "f"
        ? "file"
        : y === "d"
        ? "directory"
        : y === "l"
        ? "symlink"
        : "other";
      manifest.set(path, {
        type,
        mode: parseInt(mode, 8),
        size: Number(size),
        mtime: Number(mtime) * 1000,
        link: fields[i + 1],
        uid: Number(uid),
        inode: "",
      });
    }
    return manifest;
  }

  /**
   * Leaves out of a container manifest what is never brought back: unsafe names (`report`ed),
   * `.git` and `.pygent` (what the host's git and Pygent trust), and ignored paths. Ignored
   * paths were not uploaded, so the container's are its own (build output, `node_modules`):
   * bringing them back would cost, and could overwrite host files that were never compared.
   */
  #filter(manifest: Manifest, rules: IgnoreRules, report: SyncReport): Manifest {
    const kept: Manifest = new Map();
    for (const [path, stat] of manifest) {
      if (!safeName(path)) {
        report.refused.push(path);
        continue;
      }
      if (this.#excluded(path)) continue;
      if (ancestorsOf(path).some((dir) => rules.ignores(dir, true))) continue;
      if (rules.ignores(path, stat.type === "directory")) continue;
      kept.set(path, stat);
    }
    return kept;
  }

  /**
   * The read-only paths and anything in them, and a `.git` or `.pygent` at any depth (a nested
   * repository's hooks, the settings Pygent trusts when started in a subfolder).
   */
  #excluded(path: string): boolean {
    const parts = path.split("/");
    return this.#options.readOnlyPaths.includes(parts[0]) ||
      parts.some((part) => NEVER_SYNCED.has(part));
  }

  /**
   * Copies the host's version of `paths` into the container; a path gone from the host is
   * deleted there. Into a `fresh` container through the engine; else as the sandbox's user, and
   * what that user cannot do (the sandbox made a folder read-only, or a link of it leads out
   * of its reach) is left undone, with a notice.
   * @returns The paths not copied: unreadable on the host, or their `tar` or `rm` failed (each
   *   named in a notice).
   */
  async #push(
    id: string,
    paths: Set<string>,
    host: Manifest,
    report: SyncReport,
    fresh: boolean,
  ): Promise<string[]> {
    const { workspace, workdir, owner } = this.#options;
    const failed: string[] = [];
    /** Paths not copied: the `tar` or `rm` that had them failed. */
    const notCopied: string[] = [];
    const asUser = (script: string, input: ReadableStream<Uint8Array>, names: string[]) =>
      this.#options.target.runAsUser(id, script, input).catch((error: Error) => {
        failed.push(error.message);
        notCopied.push(...names);
      });
    const gone = [...paths].filter((p) => !host.has(p));
    if (gone.length > 0) {
      // The names on stdin: no limit on their number or length.
      await asUser(
        `cd ${shellQuote(workdir)} && xargs -0 -r rm -rfv --`,
        ReadableStream.from([new TextEncoder().encode(gone.map((p) => `${p}\0`).join(""))]),
        gone,
      );
    }
    const sent = sendable(paths, host);
    const root = await Deno.stat(workspace);
    const base = workdir.replace(/^\/+/, "");
    const unread = new Map<string, string>();
    async function* entries(): AsyncGenerator<TarEntry> {
      // The workspace folder itself first, so that the container's belongs to the host user.
      yield { name: base, type: "directory", mode: (root.mode ?? 0o755) & 0o7777, ...owner };
      // Read 64 at a time, as the archive is sent: the file system's latency is not paid per
      // file, the open files stay far below the process's limit, and the archive is never
      // whole in memory.
      for (let i = 0; i < sent.length; i += 64) {
        const batch = sent.slice(i, i + 64);
        const read = await Promise.all(batch.map(async (path) => {
          const stat = host.get(path)!;
          if (stat.type !== "file") return undefined;
          return await readScanned(`${workspace}/${path}`, stat).catch((error: Error) => {
            unread.set(path, error.message);
            return undefined;
          });
        }));
        for (const [j, path] of batch.entries()) {
          const stat = host.get(path)!;
          if (unread.has(path)) continue;
          yield {
            name: `${base}/${path}`,
            type: stat.type as TarEntry["type"],
            content: read[j],
            linkName: stat.link,
            mode: stat.mode,
            mtime: stat.mtime / 1000,
            ...owner,
          };
        }
      }
    }
    if (fresh) {
      // About the archive's size: a header and whole blocks per entry, the folder's header and
      // the end blocks.
      const size = sent.reduce(
        (sum, p) => sum + 512 + Math.ceil(host.get(p)!.size / 512) * 512,
        3 * 512,
      );
      await this.#options.target.putArchive(id, tarStream(entries()), size);
    } else {
      // Modes kept (-p) whoever extracts; the owner is the user's own. Verbose (-v): each name
      // printed shows progress, which a long extraction or deletion needs to not be taken for
      // a stopped one.
      await asUser("tar -x -p -v -f - -C /", tarStream(entries()), sent);
    }
    const missed = new Set([...unread.keys(), ...notCopied]);
    report.toContainer.push(...[...paths].filter((p) => !missed.has(p)).sort());
    for (const [path, why] of unread) failed.push(`${path} could not be read on the host (${why})`);
    if (failed.length > 0) {
      this.#options.onEvent({
        type: "notice",
        message: `Some of what changed on the host could not be copied into the sandbox: ${
          failed.join("; ")
        }`,
      });
    }
    return [...missed];
  }

  /**
   * Refuses a push over the limit before anything is read: a workspace far over it costs
   * nothing.
   * @throws {SyncLimitError}
   */
  #checkPushLimit(paths: Set<string>, host: Manifest, fresh: boolean): void {
    const bytes = sendable(paths, host).reduce((sum, p) => sum + host.get(p)!.size, 0);
    if (bytes > this.#options.limitBytes) {
      const what = fresh ? "The workspace" : "What changed on the host";
      throw new SyncLimitError(what, bytes, this.#options.limitBytes);
    }
  }

  /**
   * Brings the container's version of `paths` to the host, and of `conflicts` beside the host's
   * file. `host` is updated with what was written, as the next sync's starting point.
   */
  async #pull(
    id: string,
    paths: Set<string>,
    conflicts: string[],
    container: Manifest,
    host: Manifest,
    report: SyncReport,
  ): Promise<void> {
    const { workspace, workdir } = this.#options;
    const wanted = [...paths, ...conflicts].filter((p) => {
      const type = container.get(p)?.type;
      return type === "file" || type === "symlink";
    });
    for (const path of paths) {
      if (container.get(path)?.type === "other") report.refused.push(path);
    }
    const bytes = wanted.reduce((sum, p) => sum + (container.get(p)?.size ?? 0), 0);
    if (bytes > this.#options.limitBytes) {
      report.refused.push(...wanted);
      this.#options.onEvent({
        type: "notice",
        message: new SyncLimitError("What the sandbox changed", bytes, this.#options.limitBytes)
          .message,
      });
      return;
    }
    const fetched = new Map<string, { content: Uint8Array; linkName: string }>();
    if (wanted.length > 0) {
      // A file gone since the listing is left out (--ignore-failed-read), and so not written;
      // one that changed as it was read (tar's status 1) is left out below.
      let tar: Uint8Array;
      try {
        tar = await this.#options.target.run(
          id,
          `${nulList(wanted)} | tar -c -f - -C ${shellQuote(workdir)} --null --no-recursion ` +
            "--hard-dereference --ignore-failed-read -T - 2>/dev/null || [ $? -eq 1 ]",
          archiveBound(wanted, container),
        );
      } catch (error) {
        if (!(error instanceof ChannelOutputLimitError)) throw this.#failed(error);
        // Files that grew after the listing (a sparse one made huge, say): none is taken.
        report.refused.push(...wanted);
        this.#options.onEvent({
          type: "notice",
          message: "What the sandbox changed grew while it was being copied; it stays in the " +
            "sandbox until the next sync.",
        });
        return;
      }
      const names = new Set(wanted);
      for (const entry of readTar(tar)) {
        // Only what was asked for, by its exact name, and only as the listing saw it: the
        // archive comes from the sandbox, and a folder swapped for a link after the listing
        // would have root's tar read a file of another owner, only root may read.
        const listed = container.get(entry.name);
        if (!names.has(entry.name) || !listed || entry.uid !== listed.uid) continue;
        if (
          (entry.type === "file" && listed.type === "file" &&
            entry.content.length === listed.size) ||
          (entry.type === "symlink" && listed.type === "symlink" && entry.linkName === listed.link)
        ) {
          fetched.set(entry.name, entry);
        }
      }
    }
    const writer = new HostWriter(workspace);
    const saved: string[] = [];
    for (const path of conflicts) {
      const got = fetched.get(path);
      if (!got) continue;
      // A free name: an earlier conflict's copy is not replaced.
      let name = path + CONFLICT_SUFFIX;
      const taken = (name: string) =>
        Deno.lstat(`${workspace}/${name}`).then(() => true, () => false);
      for (let n = 2; await taken(name); n++) {
        name = `${path}${CONFLICT_SUFFIX}-${n}`;
      }
      try {
        await writer.put(name, container.get(path)!, got);
        saved.push(name);
        report.conflicts.push(path);
      } catch {
        report.refused.push(path);
      }
    }
    if (saved.length > 0) {
      this.#options.onEvent({
        type: "notice",
        message:
          `Changed both on the host and in the sandbox since the last sync: ${
            report.conflicts.join(", ")
          }. The host's version was kept (and copied into the sandbox); the sandbox's is beside ` +
          `it as ${saved.join(", ")}.`,
      });
    }
    // Deletions deepest first, then the rest parents first.
    const order = [...paths].sort();
    for (const path of order.filter((p) => !container.has(p)).reverse()) {
      if (await writer.remove(path)) {
        host.delete(path);
        report.toHost.push(path);
      } else report.refused.push(path);
    }
    for (const path of order.filter((p) => container.has(p))) {
      const stat = container.get(path)!;
      if (stat.type === "other") continue;
      const got = fetched.get(path);
      if (stat.type !== "directory" && !got) {
        report.refused.push(path);
        continue;
      }
      try {
        await writer.put(path, stat, got);
        const info = await Deno.lstat(`${workspace}/${path}`);
        host.set(path, statOf(info, stat.link));
        report.toHost.push(path);
      } catch {
        report.refused.push(path);
      }
    }
  }
}

/**
 * Writes container entries into the host workspace without ever leaving it: names are
 * relative with no `..`, each parent is a real folder (checked with `lstat`, made when
 * missing), and the entry itself is replaced (a symlink there is removed, not followed).
 */
class HostWriter {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** Writes a file, folder or symlink at `path`, replacing what is there. */
  async put(
    path: string,
    stat: Stat,
    got: { content: Uint8Array; linkName: string } | undefined,
  ): Promise<void> {
    const full = await this.#target(path);
    const existing = await Deno.lstat(full).catch(() => undefined);
    const mode = stat.mode & 0o777;
    if (stat.type === "directory") {
      // Always the owner's to enter and write: a folder the sandbox made read-only would
      // otherwise refuse its own files, and every later sync.
      const dirMode = mode | 0o700;
      if (existing?.isDirectory) return await chmod(full, dirMode);
      if (existing) await Deno.remove(full);
      await Deno.mkdir(full);
      return await chmod(full, dirMode);
    }
    // Never over a folder: it may hold ignored files the container never saw.
    if (existing?.isDirectory) await Deno.remove(full);
    // A short name of its own beside it: the entry's name may be as long as a name can be.
    const temporary = `${full.slice(0, full.lastIndexOf("/"))}/.pygent-sync-${
      crypto.randomUUID().slice(0, 8)
    }`;
    try {
      if (stat.type === "symlink") {
        await Deno.symlink(got!.linkName, temporary);
      } else {
        await Deno.writeFile(temporary, got!.content, { createNew: true, mode });
        await chmod(temporary, mode);
      }
      // A rename replaces the name itself: a symlink there is replaced, not written through.
      await Deno.rename(temporary, full);
    } catch (error) {
      await Deno.remove(temporary).catch(() => {});
      throw error;
    }
  }

  /** Removes `path` (a folder only when empty); false when it could not be. */
  async remove(path: string): Promise<boolean> {
    try {
      await Deno.remove(await this.#target(path));
      return true;
    } catch (error) {
      return error instanceof Deno.errors.NotFound;
    }
  }

  /** The host path of `path`, once every parent is checked to be a real folder (made when missing). */
  async #target(path: string): Promise<string> {
    if (!safeName(path)) throw new RuntimeError(`Unsafe name from the sandbox: ${path}`);
    const parts = path.split("/");
    let dir = this.#root;
    for (const part of parts.slice(0, -1)) {
      dir = `${dir}/${part}`;
      const info = await Deno.lstat(dir).catch(() => undefined);
      if (!info) await Deno.mkdir(dir);
      else if (!info.isDirectory) {
        throw new RuntimeError(`${path}: a parent is not a folder on the host`);
      }
    }
    return `${dir}/${parts.at(-1)}`;
  }
}

/** `.gitignore` files at every level, and `.pygentignore` at the root. */
class IgnoreRules {
  /** Folder (relative, "" for the root) to its rules. */
  readonly #levels = new Map<string, Ignore>();

  /**
   * Reads the ignore files of folder `dir` (host path), `relative` to the workspace ("" for
   * the root, which has `.pygentignore` too). A folder's are read before what is in it is
   * looked at; an ignored folder is not walked, so its own are never read (as in git).
   */
  async read(dir: string, relative: string): Promise<void> {
    const texts = await Promise.all(
      [".gitignore", ...(relative ? [] : [IGNORE_FILE])].map((name) =>
        Deno.readTextFile(`${dir}/${name}`).catch(() => "")
      ),
    );
    if (texts.some((t) => t.trim())) this.#levels.set(relative, ignore().add(texts.join("\n")));
  }

  /** Whether `path` is ignored: the deepest rule that speaks of it decides, as in git. */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const dir of ["", ...ancestorsOf(path)]) {
      const level = this.#levels.get(dir);
      if (!level) continue;
      const relative = dir ? path.slice(dir.length + 1) : path;
      const result = level.test(isDirectory ? `${relative}/` : relative);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }
}

/**
 * The bytes of host file `full`, only if it is still the file the scan saw: a name swapped
 * since for a link (or a folder on its way swapped for one) would have the upload read a file
 * from outside the workspace.
 */
async function readScanned(full: string, scanned: Stat): Promise<Uint8Array> {
  const file = await Deno.open(full);
  const info = await file.stat().catch((error) => {
    file.close();
    throw error;
  });
  if (!info.isFile || `${info.dev}:${info.ino}` !== scanned.inode) {
    file.close();
    throw new RuntimeError("it was replaced since the workspace was looked at");
  }
  return new Uint8Array(await new Response(file.readable).arrayBuffer());
}

/** Sets permission bits, where the host has them (not on Windows). */
async function chmod(path: string, mode: number): Promise<void> {
  if (Deno.build.os !== "windows") await Deno.chmod(path, mode);
}

/** `a`, `a/b` for `a/b/c`. */
function ancestorsOf(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** Of `paths`, those the host has as a file, folder or symbolic link, in order. */
function sendable(paths: Set<string>, host: Manifest): string[] {
  return [...paths].filter((p) => host.has(p) && host.get(p)!.type !== "other").sort();
}

/** A shell pipeline's start that prints `names`, each ended by a NUL (a builtin: no length limit). */
function nulList(names: readonly string[]): string {
  return `printf '%s\\0' ${names.map(shellQuote).join(" ")}`;
}

/**
 * The most bytes GNU tar may print for `paths` as `container` lists them: each file's content
 * in whole blocks, a header, long-name records for the name and the link target (each a header
 * and the text), and the end blocks and record padding.
 */
function archiveBound(paths: readonly string[], container: Manifest): number {
  const encoder = new TextEncoder();
  const blocks = (bytes: number) => Math.ceil(bytes / 512) * 512;
  return paths.reduce((sum, path) => {
    const stat = container.get(path)!;
    const names = encoder.encode(path).length + encoder.encode(stat.link).length;
    return sum + blocks(stat.size) + 3 * 512 + 2 * blocks(names + 1);
  }, 20 * 512);
}

/** A relative name with no empty, `.` or `..` part. */
function safeName(path: string): boolean {
  return path !== "" && !path.startsWith("/") && !path.includes("\0") &&
    path.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

function statOf(info: Deno.FileInfo, link: string): Stat {
  return {
    type: info.isFile
      ? "file"
      : info.isDirectory
      ? "directory"
      : info.isSymlink
      ? "symlink"
      : "other",
    mode: (info.mode ?? 0) & 0o7777,
    size: info.isFile ? info.size : 0,
    mtime: info.mtime?.getTime() ?? 0,
    link,
    uid: -1,
    inode: `${info.dev}:${info.ino}`,
  };
}

/** The paths added, removed or changed between two manifests of one side. */
function changedPaths(before: Manifest, now: Manifest): Set<string> {
  const changed = new Set<string>();
  for (const [path, stat] of now) {
    const old = before.get(path);
    if (!old || !sameStat(old, stat)) changed.add(path);
  }
  for (const path of before.keys()) if (!now.has(path)) changed.add(path);
  return changed;
}

function sameStat(a: Stat, b: Stat): boolean {
  // A folder's time changes with what is in it, which is compared on its own.
  return a.type === b.type && a.mode === b.mode && a.link === b.link &&
    (a.type === "directory" || (a.size === b.size && a.mtime === b.mtime));
}

/** Two symlinks with the same target: the same on both sides, so no conflict. */
function sameContent(host: Stat | undefined, container: Stat): boolean {
  return host?.type === "symlink" && container.type === "symlink" && host.link === container.link;
}
