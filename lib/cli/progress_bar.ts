/**
 * Image pull progress as one bar: the engine reports each layer's download,
 * the bar shows them summed.
 *
 * @module
 */

import type { Style } from "./style.ts";

/**
 * A bar of `width` cells filled to `fraction` (clamped to 0..1).
 *
 * @example
 * ```ts
 * import { progressBar } from "./progress_bar.ts";
 * console.log(progressBar(0.5, 10)); // "█████░░░░░"
 * ```
 */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction || 0)) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/**
 * A byte count for people: `512 B`, `1.5 kB`, `27.1 MB`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./progress_bar.ts";
 * console.log(formatBytes(27_100_000)); // "27.1 MB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** One progress report of the engine while it pulls an image. */
export interface PullUpdate {
  /** The image being pulled. */
  image: string;
  /** The engine's status ("Downloading", "Pull complete", …). */
  status: string;
  /** Layer id, when the engine gives one. */
  id?: string;
  /** Bytes done of this layer's current phase. */
  current?: number;
  /** Bytes in all of this layer's current phase. */
  total?: number;
}

/**
 * Sums the layers of one image pull into one line with a bar.
 *
 * @example
 * ```ts
 * import { PullProgress } from "./progress_bar.ts";
 * import { createStyle } from "./style.ts";
 * const progress = new PullProgress(createStyle(false));
 * const line = progress.update({ image: "alpine", status: "Downloading", id: "a", current: 5, total: 10 });
 * console.log(line); // "Pulling alpine [██████████░░░░░░░░░░░░░░░░░░░░] 50% 5 B / 10 B"
 * ```
 */
export class PullProgress {
  readonly #style: Style;
  readonly #layers = new Map<string, { current: number; total: number }>();

  /**
   * Creates a `PullProgress`.
   * @param style Colours of the bar.
   */
  constructor(style: Style) {
    this.#style = style;
  }

  /** Takes one update and returns the line to show. */
  update(update: PullUpdate): string {
    if (update.id !== undefined) {
      const layer = this.#layers.get(update.id) ?? { current: 0, total: 0 };
      if (update.status === "Downloading" && update.total) {
        layer.current = update.current ?? 0;
        layer.total = update.total;
      } else if (/complete|already exists/i.test(update.status) && layer.total) {
        layer.current = layer.total;
      }
      this.#layers.set(update.id, layer);
    }
    let current = 0;
    let total = 0;
    for (const layer of this.#layers.values()) {
      current += layer.current;
      total += layer.total;
    }
    const fraction = total > 0 ? current / total : 0;
    const percent = `${Math.floor(fraction * 100)}%`;
    const sizes = total > 0 ? ` ${formatBytes(current)} / ${formatBytes(total)}` : "";
    return `Pulling ${update.image} ${this.#style.cyan(`[${progressBar(fraction, 30)}]`)} ` +
      `${percent}${sizes}`;
  }
}
