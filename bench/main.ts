/**
 * `npm run bench`: local report throughput against zcat, one DuckDB scan and a plain Node.js
 * stream; Lambda bundle sizes and load times; AWS calls of a backfill. Every timed phase runs in
 * a fresh child process (its own peak RSS, no warm JIT or DuckDB caches carried over), medians
 * over --runs, and each figure is printed beside its baseline and target.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, platform, release, totalmem, arch } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { countBackfillCalls, type BackfillCount } from './backfill.js';
import { measureBundles, type BundlesResult } from './bundles.js';
import { PHASES, RESULT_MARKER, parsePhaseDay, runPhase, type PhaseInput, type PhaseName, type PhaseResult } from './phases.js';
import { EXTRA_SECTIONS } from './sections.js';
import { MANIFEST_FILE } from '../src/sample/write-sample.js';
import { formatBytes, formatNumber, formatTable, formatTarget, median, ratio, verdict, type Target } from './stats.js';
import { athenaBytesTargets } from './summary.js';

const DEFAULT_RECORDS = 5_000_000;
const DEFAULT_RUNS = 3;
/** A fixed day, so two runs of the benchmark read the same sample. */
const BENCH_DAY = '2026-11-20';
const MiB = 1024 * 1024;
// Issue 17's targets, each against its baseline from the same run.
/** The day's first report (it builds the rollup) at most this many times `zcat` of the day. */
const FIRST_REPORT_VS_ZCAT = 2.5;
/** A later report of the same day (the rollup is built) at most as long as `zcat` of the day. */
const LATER_REPORT_VS_ZCAT = 1.0;
/** Peak RSS of a report with 30 days of 1,000,000 records present. */
const MONTH_PEAK_RSS_GIB = 1.0;
/** Lambda module load (bench/bundles.ts). */
const MODULE_LOAD_MS = 150;
const GiB = 1024 * MiB;
/** A long-lived connection of the realistic data set makes one record per 10-minute window all day. */
const RECORDS_PER_CONNECTION = 144;
/** The memory row of issue 17: a report with 30 days of 1,000,000 records present. */
const MONTH_DAYS = 30;
const MONTH_RECORDS = 1_000_000;
/** The month's report is for a day in its middle, so that the baseline days before it and the next folder exist. */
const MONTH_REPORT_DAY = '2026-11-05';
/** Written beside a generated sample: what it was made with, so --keep reuses only a matching one. */
const DATASET_FILE = 'bench-dataset.json';

interface Options {
  readonly records: number;
  readonly runs: number;
  readonly workDir: string;
  readonly skipBundles: boolean;
  readonly keep: boolean;
  /** Also measure the peak RSS of a report with 30 days of 1,000,000 records present. */
  readonly month: boolean;
  /** Records of each month day: MONTH_RECORDS for the memory row, fewer to check the row quickly. */
  readonly monthRecords: number;
  readonly phase: PhaseName | undefined;
  /** Set for a phase child. */
  readonly child: ChildArgs;
}

/** What a phase child is told on its command line (the parent's own run leaves them unset). */
interface ChildArgs {
  readonly dataDir: string | undefined;
  readonly day: string | undefined;
  readonly days: number;
  readonly connections: number;
  readonly stateDir: string | undefined;
}

/** One generated sample: where, how big and how repetitive. */
interface DataSet {
  readonly name: string;
  readonly dataDir: string;
  readonly records: number;
  readonly days: number;
  readonly connections: number;
  /** The day reported. */
  readonly day: string;
  /** The last day generated. */
  readonly lastDay: string;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      records: { type: 'string' },
      runs: { type: 'string' },
      work: { type: 'string' },
      'skip-bundles': { type: 'boolean' },
      keep: { type: 'boolean' },
      month: { type: 'boolean' },
      'month-records': { type: 'string' },
      phase: { type: 'string' },
      data: { type: 'string' },
      day: { type: 'string' },
      days: { type: 'string' },
      connections: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write('Usage: npm run bench -- [--records N] [--runs N] [--work DIR] [--skip-bundles] [--keep] [--month [--month-records N]]\n');
    process.exit(0);
  }
  const whole = (value: string | undefined, name: string, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
  const phase = values.phase;
  if (phase !== undefined && !PHASES.includes(phase as PhaseName)) throw new Error(`--phase must be one of ${PHASES.join(', ')}`);
  return {
    records: whole(values.records, 'records', DEFAULT_RECORDS, 1),
    runs: whole(values.runs, 'runs', DEFAULT_RUNS, 1),
    workDir: resolve(values.work ?? 'bench/work'),
    skipBundles: values['skip-bundles'] === true,
    keep: values.keep === true,
    month: values.month === true || values['month-records'] !== undefined,
    monthRecords: whole(values['month-records'], 'month-records', MONTH_RECORDS, 1),
    phase: phase as PhaseName | undefined,
    child: {
      dataDir: values.data === undefined ? undefined : resolve(values.data),
      day: values.day,
      days: whole(values.days, 'days', 1, 1),
      connections: whole(values.connections, 'connections', 0, 0),
      stateDir: values.state === undefined ? undefined : resolve(values.state),
    },
  };
}

const log = (line = '') => process.stdout.write(`${line}\n`);

function gzFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.gz'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The uncompressed size gzip records in its last four bytes (modulo 4 GiB; hourly flow-log files are far smaller). */
function gzipTextBytes(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.alloc(4);
    readSync(fd, tail, 0, 4, statSync(path).size - 4);
    return tail.readUInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

/** Runs one phase in a fresh `node` on a data set and returns what it measured. */
function childPhase(phase: PhaseName, options: Options, data: DataSet, stateDir?: string): PhaseResult {
  const script = process.argv[1] as string;
  const args = [
    '--phase',
    phase,
    '--work',
    options.workDir,
    '--records',
    String(data.records),
    '--data',
    data.dataDir,
    '--day',
    phase === 'generate' ? data.lastDay : data.day,
    '--days',
    String(data.days),
    '--connections',
    String(data.connections),
  ];
  const run = spawnSync(process.execPath, [script, ...args, ...(stateDir === undefined ? [] : ['--state', stateDir])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * MiB,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (run.status !== 0 || line === undefined) throw new Error(`bench phase ${phase} failed (exit ${run.status}): ${run.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(RESULT_MARKER.length)) as PhaseResult;
}

/** The gz files of one day of a sample (its dt folder, YYYY/MM/DD). */
function dayFiles(dataDir: string, day: string): string[] {
  return gzFiles(join(dataDir, 'AWSLogs')).filter((f) => f.includes(`/${day.replaceAll('-', '/')}/`));
}

function phaseInput(options: Options): PhaseInput {
  const dataDir = options.child.dataDir ?? join(options.workDir, 'data');
  const day = options.child.day ?? BENCH_DAY;
  return {
    workDir: options.workDir,
    dataDir,
    day: parsePhaseDay(day),
    records: options.records,
    files: dayFiles(dataDir, day),
    days: options.child.days,
    connections: options.child.connections,
    stateDir: options.child.stateDir,
  };
}

function dataSetKey(data: DataSet): string {
  return JSON.stringify({ records: data.records, days: data.days, connections: data.connections, lastDay: data.lastDay });
}

/** The sample left by an earlier --keep run is reused when it was made with the same options. */
function sampleReady(data: DataSet): boolean {
  const path = join(data.dataDir, DATASET_FILE);
  if (!existsSync(path) || !existsSync(join(data.dataDir, MANIFEST_FILE))) return false;
  try {
    return readFileSync(path, 'utf8') === dataSetKey(data);
  } catch {
    return false;
  }
}

/** Generates a data set in a fresh child, or reuses the one an earlier --keep run left. */
function prepareDataSet(options: Options, data: DataSet): number | undefined {
  if (sampleReady(data)) {
    log(`sample ${data.name}: reusing ${data.dataDir}`);
    return undefined;
  }
  rmSync(data.dataDir, { recursive: true, force: true });
  const generated = childPhase('generate', options, data);
  writeFileSync(join(data.dataDir, DATASET_FILE), dataSetKey(data));
  log(`sample ${data.name}: generated in ${(generated.elapsedMs / 1000).toFixed(1)} s (peak RSS ${formatBytes(generated.maxRssBytes)})`);
  return generated.elapsedMs / 1000;
}

function worstDataSet(options: Options): DataSet {
  return {
    name: 'worst case (every record its own connection)',
    dataDir: join(options.workDir, 'data'),
    records: options.records,
    days: 1,
    connections: 0,
    day: BENCH_DAY,
    lastDay: BENCH_DAY,
  };
}

function realisticDataSet(options: Options): DataSet {
  const connections = Math.max(1, Math.ceil(options.records / RECORDS_PER_CONNECTION));
  return {
    name: `realistic (${connections.toLocaleString('en-US')} connections all day)`,
    dataDir: join(options.workDir, 'data-realistic'),
    records: options.records,
    days: 1,
    connections,
    day: BENCH_DAY,
    lastDay: BENCH_DAY,
  };
}

function monthDataSet(options: Options): DataSet {
  return {
    name: `month (${MONTH_DAYS} days x ${options.monthRecords.toLocaleString('en-US')} records, worst case)`,
    dataDir: join(options.workDir, 'data-month'),
    records: options.monthRecords,
    days: MONTH_DAYS,
    connections: 0,
    day: MONTH_REPORT_DAY,
    lastDay: BENCH_DAY,
  };
}

function machine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cpuCount: list.length,
    totalMemoryBytes: totalmem(),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

interface DataSetFigures {
  readonly name: string;
  readonly records: number;
  readonly connections: number;
  readonly files: number;
  readonly gzBytes: number;
  readonly textBytes: number;
  readonly generateSeconds: number | undefined;
  readonly medians: Record<string, { ms: number; maxRssBytes: number; samplesMs: number[] }>;
  readonly firstScanMs?: number;
  readonly firstReportQueries: unknown;
  readonly laterReportQueries: unknown;
  /** The first and the later report of the day gave the same totals (and, worst case, the Node.js baseline too). */
  readonly totalsAgree: boolean;
}

type Medians = DataSetFigures['medians'];

/**
 * Times the phases on one data set, each in a fresh child, `runs` times: zcat (the floor), the
 * day's first report on a fresh state, a later report on the state it left, and (worst case) one
 * DuckDB scan and the Node.js baseline.
 */
function timeDataSet(options: Options, data: DataSet, withBaselines: boolean): DataSetFigures {
  log(`### ${data.name}: ${data.records.toLocaleString('en-US')} records for ${data.day}`);
  mkdirSync(options.workDir, { recursive: true });
  const generateSeconds = prepareDataSet(options, data);
  const files = dayFiles(data.dataDir, data.day);
  const manifest = JSON.parse(readFileSync(join(data.dataDir, MANIFEST_FILE), 'utf8')) as { records: number };
  const gzBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const textBytes = files.reduce((sum, f) => sum + gzipTextBytes(f), 0);
  log(`files: ${files.length} gz files, ${formatBytes(gzBytes)} compressed, ${formatBytes(textBytes)} of text, ${manifest.records.toLocaleString('en-US')} records in the sample`);
  // One untimed read so that every phase finds the files in the page cache alike.
  childPhase('zcat', options, data);
  const phases: PhaseName[] = withBaselines ? ['zcat', 'scan', 'report', 'later', 'baseline'] : ['zcat', 'report', 'later'];
  const samples = new Map<PhaseName, PhaseResult[]>(phases.map((p) => [p, []]));
  for (let run = 1; run <= options.runs; run++) {
    const stateDir = mkdtempSync(join(options.workDir, 'state-first-'));
    try {
      for (const phase of phases) {
        const result = childPhase(phase, options, data, phase === 'report' || phase === 'later' ? stateDir : undefined);
        samples.get(phase)?.push(result);
        log(`  run ${run}/${options.runs} ${phase.padEnd(8)} ${(result.elapsedMs / 1000).toFixed(2)} s  peak RSS ${formatBytes(result.maxRssBytes)}`);
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  const medians: Medians = {};
  for (const [phase, results] of samples) {
    medians[phase] = {
      ms: median(results.map((r) => r.elapsedMs)),
      maxRssBytes: Math.max(...results.map((r) => r.maxRssBytes)),
      samplesMs: results.map((r) => Math.round(r.elapsedMs)),
    };
  }
  const detail = (phase: PhaseName) => samples.get(phase)?.at(-1)?.detail as { totals?: Record<string, unknown>; queries?: unknown } | undefined;
  const sameTotals = (a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined) =>
    a !== undefined && b !== undefined && ['records', 'accepted', 'rejected', 'bytes'].every((k) => Number(a[k]) === Number(b[k]));
  const totalsAgree = sameTotals(detail('report')?.totals, detail('later')?.totals) && (!withBaselines || sameTotals(detail('report')?.totals, detail('baseline')?.totals));
  const ms = (p: PhaseName) => medians[p]?.ms as number;
  const rows: string[][] = [
    ['(a) zcat > /dev/null (floor)', ...throughput(ms('zcat'), manifest.records, textBytes), '—'],
    ...(withBaselines ? [['(b) one DuckDB scan, count(*)', ...throughput(ms('scan'), manifest.records, textBytes), formatBytes(medians.scan?.maxRssBytes)]] : []),
    ['(c) first report of the day', ...throughput(ms('report'), manifest.records, textBytes), formatBytes(medians.report?.maxRssBytes)],
    ['(e) a later report of the day', ...throughput(ms('later'), manifest.records, textBytes), formatBytes(medians.later?.maxRssBytes)],
    ...(withBaselines ? [['(d) Node.js gunzip+readline', ...throughput(ms('baseline'), manifest.records, textBytes), formatBytes(medians.baseline?.maxRssBytes)]] : []),
  ];
  const firstScanMs = withBaselines ? median((samples.get('scan') ?? []).map((r) => Number(r.detail?.firstScanMs))) : undefined;
  log();
  log(formatTable(['phase (median of ' + options.runs + ')', 'seconds', 'records/s', 'text MB/s', 'peak RSS'], rows));
  log(`first report / zcat ${formatNumber(ms('report') / ms('zcat'))} x, later report / zcat ${formatNumber(ms('later') / ms('zcat'))} x`);
  log(`totals agree (first and later report${withBaselines ? ', Node.js baseline' : ''}): ${totalsAgree ? 'yes' : 'NO'}`);
  log(`first report, last run, by statement: ${describeQueries(detail('report')?.queries)}`);
  log(`later report, last run, by statement: ${describeQueries(detail('later')?.queries)}`);
  if (firstScanMs !== undefined) log(`first count(*) / second (the one-time gzip check of new files): ${formatNumber(firstScanMs / ms('scan'))} x`);
  log();
  return {
    name: data.name,
    records: manifest.records,
    connections: data.connections,
    files: files.length,
    gzBytes,
    textBytes,
    generateSeconds,
    medians,
    ...(firstScanMs === undefined ? {} : { firstScanMs }),
    firstReportQueries: detail('report')?.queries,
    laterReportQueries: detail('later')?.queries,
    totalsAgree,
  };
}

interface MonthFigures {
  readonly name: string;
  readonly day: string;
  readonly generateSeconds: number | undefined;
  readonly ms: number;
  readonly maxRssBytes: number;
  readonly queries: unknown;
}

/** Peak RSS of the mid-month report on a fresh state (it builds the rollups of its window and baseline days) with 30 days present. */
function timeMonth(options: Options): MonthFigures {
  const data = monthDataSet(options);
  log(`### ${data.name}: report for ${data.day} on a fresh state`);
  const generateSeconds = prepareDataSet(options, data);
  const stateDir = mkdtempSync(join(options.workDir, 'state-month-'));
  try {
    const result = childPhase('report', options, data, stateDir);
    log(`  report ${(result.elapsedMs / 1000).toFixed(2)} s  peak RSS ${formatBytes(result.maxRssBytes)}`);
    log(`  by statement: ${describeQueries(result.detail?.queries)}`);
    log();
    return { name: data.name, day: data.day, generateSeconds, ms: result.elapsedMs, maxRssBytes: result.maxRssBytes, queries: result.detail?.queries };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

interface LocalFigures {
  readonly worst: DataSetFigures;
  readonly realistic: DataSetFigures;
  readonly month: MonthFigures | undefined;
}

async function localSection(options: Options): Promise<{ figures: LocalFigures; targets: Target[] }> {
  log(`## 1. Local report (${options.records.toLocaleString('en-US')} records for ${BENCH_DAY}), two data sets`);
  const worst = timeDataSet(options, worstDataSet(options), true);
  const realistic = timeDataSet(options, realisticDataSet(options), false);
  const month = options.month ? timeMonth(options) : undefined;
  if (!options.month) log('(the 30-day memory row needs --month: 30 days of 1,000,000 records, generated once with --keep)');
  const vsZcat = (set: DataSetFigures, phase: PhaseName) => ratio(set.medians[phase]?.ms, set.medians.zcat?.ms);
  const targets: Target[] = [
    { label: 'first report vs zcat, worst case', value: vsZcat(worst, 'report'), bound: 'at-most', limit: FIRST_REPORT_VS_ZCAT, unit: 'x' },
    { label: 'first report vs zcat, realistic', value: vsZcat(realistic, 'report'), bound: 'at-most', limit: FIRST_REPORT_VS_ZCAT, unit: 'x' },
    { label: 'later report vs zcat, worst case', value: vsZcat(worst, 'later'), bound: 'at-most', limit: LATER_REPORT_VS_ZCAT, unit: 'x' },
    { label: 'later report vs zcat, realistic', value: vsZcat(realistic, 'later'), bound: 'at-most', limit: LATER_REPORT_VS_ZCAT, unit: 'x' },
    {
      label: `peak RSS, report, ${options.monthRecords === MONTH_RECORDS ? '1M' : options.monthRecords.toLocaleString('en-US')} records x 30 days`,
      value: month === undefined ? undefined : month.maxRssBytes / GiB,
      bound: 'at-most',
      limit: MONTH_PEAK_RSS_GIB,
      unit: 'GiB',
    },
  ];
  return { figures: { worst, realistic, month }, targets };
}

/** `rollup-build 11.5 s, top-talkers 6.4 s, ...`: where the report's time went, slowest first. */
function describeQueries(queries: unknown): string {
  if (!Array.isArray(queries)) return '—';
  return (queries as { name: string; durationMs?: number }[])
    .filter((q) => typeof q.durationMs === 'number')
    .sort((a, b) => (b.durationMs as number) - (a.durationMs as number))
    .map((q) => `${q.name.split(' ')[0]} ${((q.durationMs as number) / 1000).toFixed(2)} s`)
    .join(', ');
}

function throughput(ms: number, records: number, textBytes: number): string[] {
  const seconds = ms / 1000;
  return [seconds.toFixed(2), formatNumber(records / seconds), formatNumber(textBytes / 1e6 / seconds)];
}

async function bundlesSection(root: string): Promise<{ result: BundlesResult; targets: Target[] }> {
  log('## 2. Lambda bundles');
  const result = await measureBundles(root, log);
  log(`empty node start: ${result.emptyStartMs.toFixed(0)} ms (median of 7)`);
  const ms = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0));
  log(
    formatTable(
      ['function', 'zip', 'bundle (no maps)', 'load ms (median - empty)', 'without NODE_OPTIONS', 'note'],
      result.bundles.map((b) => [b.name, formatBytes(b.zipBytes), formatBytes(b.bundleBytes), ms(b.loadMs), ms(b.loadWithoutNodeOptionsMs), b.error ?? '']),
    ),
  );
  const targets = result.bundles.flatMap((b): Target[] => [
    { label: `${b.name} zip size`, value: b.zipBytes / 1e6, bound: 'at-most', limit: 1, unit: 'MB' },
    { label: `${b.name} module load`, value: b.loadMs, bound: 'at-most', limit: 150, unit: 'ms' },
  ]);
  return { result, targets };
}

async function backfillSection(): Promise<{ counts: BackfillCount[]; targets: Target[] }> {
  log('## 3. Backfill calls (mocked Athena and Glue, nothing registered yet)');
  const counts = await countBackfillCalls();
  log(
    formatTable(
      ['days x sources', 'partitions', 'Athena statements', 'GetQueryExecution', 'GetQueryResults', 'Glue GetTable', 'Glue GetPartitions'],
      counts.map((c) => [
        `${c.days} x ${c.sources}`,
        String(c.partitionsAdded),
        String(c.athenaStatements),
        String(c.athenaCalls.GetQueryExecution),
        String(c.athenaCalls.GetQueryResults),
        String(c.glueCalls.GetTable),
        String(c.glueCalls.GetPartitions),
      ]),
    ),
  );
  const year = counts.find((c) => c.days === 365 && c.sources === 1);
  return {
    counts,
    targets: [
      { label: '365 days, one source: Athena statements', value: year?.athenaStatements, bound: 'at-most', limit: 2, unit: 'statements' },
      {
        label: 'statements per day at 31 or 365 days (max)',
        value: Math.max(...counts.filter((c) => c.days > 1).map((c) => c.athenaStatements / c.days)),
        bound: 'at-most',
        limit: 0.5,
        unit: 'per day',
      },
    ],
  };
}

/** Merges this run into `bench/results/<date>.json`, one entry per record count. */
function writeResults(root: string, entry: Record<string, unknown> & { records: number }): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${new Date().toISOString().slice(0, 10)}.json`);
  const earlier = existsSync(path) ? ((JSON.parse(readFileSync(path, 'utf8')) as { runs?: { records: number }[] }).runs ?? []) : [];
  const runs = [...earlier.filter((r) => r.records !== entry.records), entry].sort((a, b) => a.records - b.records);
  writeFileSync(path, `${JSON.stringify({ machine: machine(), runs }, null, 2)}\n`);
  return path;
}

const SCAN_ONCE_SECTION = 'Scan once (daily rollup)';

interface SummaryRow {
  readonly label: string;
  readonly shown: string;
  readonly target: string;
  readonly verdict: string;
}

/** Issue 17's table, every row: measured here, or where the figure comes from when it was not measured in this run. */
function issueSummary(local: readonly Target[], athena: readonly Target[], bundles: BundlesResult | undefined, options: Options): SummaryRow[] {
  const row = (target: Target, missing: string): SummaryRow => ({
    label: target.label,
    shown: target.value === undefined || !Number.isFinite(target.value) ? missing : `${formatNumber(target.value)} ${target.unit}`,
    target: `${target.bound === 'at-most' ? '<=' : '>='} ${formatNumber(target.limit)} ${target.unit}`,
    verdict: verdict(target),
  });
  const loads = (bundles?.bundles ?? []).map((b) => b.loadMs).filter((ms): ms is number => ms !== undefined);
  return [
    ...local.map((t) => {
      const shown = row(t, t.unit === 'GiB' ? 'not run (--month)' : '—');
      // The memory target is for 1,000,000 records a day: a smaller month checks the row, it does not judge it.
      return t.unit === 'GiB' && options.monthRecords !== MONTH_RECORDS && t.value !== undefined
        ? { ...shown, verdict: `n/a (target at ${MONTH_RECORDS.toLocaleString('en-US')})` }
        : shown;
    }),
    ...athena.map((t) => row(t, '—')),
    row(
      { label: 'Lambda module load (slowest bundle)', value: loads.length === 0 ? undefined : Math.max(...loads), bound: 'at-most', limit: MODULE_LOAD_MS, unit: 'ms' },
      options.skipBundles ? 'not run (--skip-bundles)' : '—',
    ),
  ];
}

/** Removes only what the benchmark wrote (the samples), then the work folder if that left it empty: --work may name a folder with other files. */
function removeSample(workDir: string): void {
  for (const name of ['data', 'data-realistic', 'data-month']) rmSync(join(workDir, name), { recursive: true, force: true });
  if (existsSync(workDir) && readdirSync(workDir).length === 0) rmdirSync(workDir);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.phase !== undefined) {
    const result = await runPhase(options.phase, phaseInput(options));
    process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
    return;
  }
  const root = process.cwd();
  const started = Date.now();
  const m = machine();
  log(`flowlog-pilot benchmark: ${m.cpuCount} x ${m.cpuModel}, ${formatBytes(m.totalMemoryBytes)} RAM, ${m.os}, node ${m.node}`);
  log();
  const targets: Target[] = [];
  const local = await localSection(options);
  targets.push(...local.targets);
  log();
  let bundles: BundlesResult | undefined;
  if (!options.skipBundles) {
    const measured = await bundlesSection(root);
    bundles = measured.result;
    targets.push(...measured.targets);
    log();
  }
  const backfill = await backfillSection();
  targets.push(...backfill.targets);
  log();
  const sections: Record<string, unknown> = {};
  for (const section of EXTRA_SECTIONS) {
    log(`## ${section.name}`);
    sections[section.name] = await section.run({
      records: options.records,
      workDir: options.workDir,
      dataDir: join(options.workDir, 'data'),
      day: BENCH_DAY,
      runs: options.runs,
      benchScript: process.argv[1] as string,
      log,
    });
    log();
  }
  const athena = athenaBytesTargets(sections[SCAN_ONCE_SECTION]);
  targets.push(...athena);
  log('## Targets');
  for (const target of targets) log(formatTarget(target));
  log();
  const summary = issueSummary(local.targets, athena, bundles, options);
  log('## Summary (issue 17: each figure against its baseline from this run)');
  log(
    formatTable(
      ['figure', 'measured', 'target', 'verdict'],
      summary.map((row) => [row.label, row.shown, row.target, row.verdict]),
    ),
  );
  const path = writeResults(root, {
    records: options.records,
    runs: options.runs,
    day: BENCH_DAY,
    finishedAt: new Date().toISOString(),
    local: local.figures,
    bundles,
    backfill: backfill.counts,
    sections,
    targets: targets.map((t) => ({ ...t, verdict: verdict(t) })),
    summary,
  });
  log();
  log(`results: ${path} (benchmark took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (!options.keep) removeSample(options.workDir);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
