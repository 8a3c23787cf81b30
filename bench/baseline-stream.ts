import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/** What the baseline computes: the report's totals and its top rejected sources, for one window. */
export interface StreamTotals {
  records: number;
  accepted: number;
  rejected: number;
  bytes: number;
  topRejectedSources: { sourceaddress: string; rejected: number }[];
}

export interface Window {
  /** Epoch seconds, start inclusive, end exclusive, compared with each record's start time. */
  readonly startEpoch: number;
  readonly endEpoch: number;
}

const TOP_SOURCES = 10;

/**
 * The straightforward Node.js way to answer the report's headline questions: stream each gzip
 * file through zlib and readline, split each line, add up. Deliberately not tuned; it is the
 * yardstick the local engine has to beat by a wide margin.
 */
export async function streamTotals(files: readonly string[], window: Window): Promise<StreamTotals> {
  const totals = { records: 0, accepted: 0, rejected: 0, bytes: 0 };
  const rejectedBySource = new Map<string, number>();
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
    let columns: Map<string, number> | undefined;
    for await (const line of lines) {
      if (columns === undefined) {
        columns = new Map(line.split(' ').map((name, index) => [name, index]));
        continue;
      }
      const fields = line.split(' ');
      const start = Number(fields[columns.get('start') ?? -1]);
      if (!(start >= window.startEpoch && start < window.endEpoch)) continue;
      totals.records += 1;
      const bytes = Number(fields[columns.get('bytes') ?? -1]);
      if (Number.isFinite(bytes)) totals.bytes += bytes;
      const action = fields[columns.get('action') ?? -1];
      if (action === 'ACCEPT') totals.accepted += 1;
      if (action === 'REJECT') {
        totals.rejected += 1;
        const source = fields[columns.get('srcaddr') ?? -1];
        if (source !== undefined && source !== '-') rejectedBySource.set(source, (rejectedBySource.get(source) ?? 0) + 1);
      }
    }
  }
  return { ...totals, topRejectedSources: topSources(rejectedBySource, TOP_SOURCES) };
}

/** The `limit` sources with the most rejected records, ties by address, as the saved query orders them. */
export function topSources(counts: ReadonlyMap<string, number>, limit: number): { sourceaddress: string; rejected: number }[] {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([sourceaddress, rejected]) => ({ sourceaddress, rejected }));
}
