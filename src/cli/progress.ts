/**
 * Progress of long steps on stderr: a bar with counts and time left when stderr is a terminal,
 * one line per finished step when it is not (logs, CI), nothing when quiet. Pure of I/O but its
 * `write` and clock, so tests see exactly what a user would.
 */
export type ProgressMode = 'bar' | 'lines' | 'quiet';

export interface ProgressStep {
  /** `done` of `total` units finished (files, queries, partitions); the total may be learnt late. */
  update(done: number, total?: number): void;
  /** The step is over: the bar is replaced by its one-line summary. */
  finish(note?: string): void;
}

export interface Progress {
  step(label: string, total: number, unit: string): ProgressStep;
}

/** Bars are redrawn at most this often: enough to look alive, cheap on a slow terminal. */
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export function progressMode(options: { quiet: boolean; isTTY: boolean }): ProgressMode {
  if (options.quiet) return 'quiet';
  return options.isTTY ? 'bar' : 'lines';
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** The bar line for `done` of `total`, with the time left estimated from the pace so far. */
export function barLine(label: string, done: number, total: number, unit: string, elapsedMs: number): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * BAR_WIDTH);
  const left = done === 0 ? '' : `, ${seconds((elapsedMs / done) * (total - done))} left`;
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${unit}${left}`;
}

export function createProgress(mode: ProgressMode, write: (text: string) => void, nowMs: () => number = Date.now): Progress {
  return {
    step(label, initialTotal, unit) {
      const started = nowMs();
      let drawnAt = -Infinity;
      let last = 0;
      let total = initialTotal;
      return {
        update(done, newTotal) {
          last = done;
          if (newTotal !== undefined) total = newTotal;
          if (mode !== 'bar') return;
          const now = nowMs();
          if (now - drawnAt < REDRAW_MS && done < total) return;
          drawnAt = now;
          write(`\r\u001b[2K${barLine(label, done, total, unit, now - started)}`);
        },
        finish(note) {
          if (mode === 'quiet') return;
          const line = `${label}: ${last}/${total} ${unit} in ${seconds(nowMs() - started)}${note === undefined ? '' : ` (${note})`}\n`;
          write(mode === 'bar' ? `\r\u001b[2K${line}` : line);
        },
      };
    },
  };
}
