import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One record of a log file, keyed by the file's header names. */
export type LogRow = Readonly<Record<string, string>>;

export interface LogFile {
  /** Relative to the sample's output folder. */
  readonly path: string;
  readonly header: string;
  readonly rows: readonly LogRow[];
}

/** Every .log.gz under `dir`, decompressed and split by its own header line. */
export function readLogFiles(dir: string): LogFile[] {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.endsWith('.log.gz')).sort();
  return files.map((file) => {
    const text = gunzipSync(readFileSync(join(dir, file))).toString('latin1');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const header = lines[0] ?? '';
    const names = header.split(' ');
    const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(' ').map((value, i) => [names[i] ?? `extra${i}`, value])));
    return { path: relative(dir, join(dir, file)), header, rows };
  });
}

/** The `YYYY/MM/DD` folder of a file path. */
export function dtOfPath(path: string): string {
  const match = /(\d{4}\/\d{2}\/\d{2})\/[^/]+$/.exec(path);
  if (!match) throw new Error(`no day folder in ${path}`);
  return match[1] as string;
}

export const ADMIN_PORTS = new Set(['22', '3389', '5985', '5986', '3306', '5432', '1433', '1521', '27017', '6379', '9042']);

export function isPrivate(ip: string): boolean {
  if (ip.startsWith('10.') || ip.startsWith('192.168.')) return true;
  const m = /^172\.(\d+)\./.exec(ip);
  return m !== null && Number(m[1]) >= 16 && Number(m[1]) <= 31;
}

/** What the report rules measure in one day of rows, computed independently of the generator. */
export interface DayMeasures {
  readonly records: number;
  readonly rejected: number;
  /** Most distinct destination ports one public source reached on one interface. */
  readonly maxPortsFromOneSource: number;
  readonly topScanner: string | undefined;
  /** ACCEPTed records from a public address to an admin port. */
  readonly acceptedAdminFromPublic: readonly LogRow[];
  /** Most REJECTed records to admin ports from one public source. */
  readonly maxAdminRejectsFromOneSource: number;
  readonly topBruteForcer: string | undefined;
  /** Bytes each private address sent to public addresses. */
  readonly egressBytes: ReadonlyMap<string, number>;
}

export function measureDay(rows: readonly LogRow[]): DayMeasures {
  const ports = new Map<string, Set<string>>();
  const adminRejects = new Map<string, number>();
  const egress = new Map<string, number>();
  const acceptedAdminFromPublic: LogRow[] = [];
  let rejected = 0;
  for (const r of rows) {
    if (r['log-status'] !== 'OK') continue;
    const src = r.srcaddr as string;
    const dst = r.dstaddr as string;
    if (r.action === 'REJECT') rejected++;
    if (!isPrivate(src)) {
      const key = `${src} ${r['interface-id']}`;
      let set = ports.get(key);
      if (set === undefined) ports.set(key, (set = new Set()));
      set.add(r.dstport as string);
      if (ADMIN_PORTS.has(r.dstport as string)) {
        if (r.action === 'ACCEPT') acceptedAdminFromPublic.push(r);
        else adminRejects.set(src, (adminRejects.get(src) ?? 0) + 1);
      }
    } else if (!isPrivate(dst)) {
      egress.set(src, (egress.get(src) ?? 0) + Number(r.bytes));
    }
  }
  const top = <T>(map: Map<string, T>, size: (v: T) => number): [string | undefined, number] =>
    [...map].reduce<[string | undefined, number]>((best, [k, v]) => (size(v) > best[1] ? [k, size(v)] : best), [undefined, 0]);
  const [scanner, maxPorts] = top(ports, (s) => s.size);
  const [bruteForcer, maxRejects] = top(adminRejects, (n) => n);
  return {
    records: rows.length,
    rejected,
    maxPortsFromOneSource: maxPorts,
    topScanner: scanner?.split(' ')[0],
    acceptedAdminFromPublic,
    maxAdminRejectsFromOneSource: maxRejects,
    topBruteForcer: bruteForcer,
    egressBytes: egress,
  };
}
