/**
 * `npm run bench`: local report throughput against zcat, one DuckDB scan and a plain Node.js
 * stream; Lambda bundle sizes and load times; AWS calls of a backfill. Every timed phase runs in
 * a fresh child process (its own peak RSS, no warm JIT or DuckDB caches carried over), medians
 * over --runs, and each figure is printed beside its baseline and target.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, platform, release, totalmem, arch } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { countBackfillCalls, type BackfillCount } from './backfill.js';
import { measureBundles, type BundlesResult } from './bundles.js';
import { PHASES, RESULT_MARKER, parsePhaseDay, runPhase, type PhaseName, type PhaseResult } from './phases.js';
import { EXTRA_SECTIONS } from './sections.js';
import { MANIFEST_FILE } from '../src/sample/write-sample.js';
import { formatBytes, formatNumber, formatTable, formatTarget, median, ratio, verdict, type Target } from './stats.js';

const DEFAULT_RECORDS = 5_000_000;
const DEFAULT_RUNS = 3;
/** A fixed day, so two runs of the benchmark read the same sample. */
const BENCH_DAY = '2026-11-20';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TIMED_PHASES: readonly PhaseName[] = ['zcat', 'scan', 'report', 'baseline'];

interface Options {
  readonly records: number;
  readonly runs: number;
  readonly workDir: string;
  readonly skipBundles: boolean;
  readonly keep: boolean;
  readonly phase: PhaseName | undefined;
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
      phase: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write('Usage: npm run bench -- [--records N] [--runs N] [--work DIR] [--skip-bundles] [--keep]\n');
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
    phase: phase as PhaseName | undefined,
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

/** Runs one phase in a fresh `node` and returns what it measured. */
function childPhase(phase: PhaseName, options: Options): PhaseResult {
  const script = process.argv[1] as string;
  const run = spawnSync(process.execPath, [script, '--phase', phase, '--work', options.workDir, '--records', String(options.records)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * MiB,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (run.status !== 0 || line === undefined) throw new Error(`bench phase ${phase} failed (exit ${run.status}): ${run.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(RESULT_MARKER.length)) as PhaseResult;
}

function phaseInput(options: Options) {
  const dataDir = join(options.workDir, 'data');
  return { workDir: options.workDir, dataDir, day: parsePhaseDay(BENCH_DAY), records: options.records, files: gzFiles(join(dataDir, 'AWSLogs')) };
}

/** The sample left by an earlier --keep run is reused when it was made for the same record count. */
function sampleReady(dataDir: string, records: number): boolean {
  const path = join(dataDir, MANIFEST_FILE);
  if (!existsSync(path)) return false;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { recordsPerDay?: number; days?: string[] };
    return manifest.recordsPerDay === records && manifest.days?.join() === BENCH_DAY;
  } catch {
    return false;
  }
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

interface LocalFigures {
  readonly records: number;
  readonly files: number;
  readonly gzBytes: number;
  readonly textBytes: number;
  readonly generateSeconds: number | undefined;
  readonly medians: Record<string, { ms: number; maxRssBytes: number; samplesMs: number[] }>;
  readonly firstScanMs: number;
  readonly reportQueries: unknown;
  readonly totalsAgree: boolean;
}

async function localSection(options: Options): Promise<{ figures: LocalFigures; targets: Target[] }> {
  log(`## 1. Local report throughput (${options.records.toLocaleString('en-US')} records for ${BENCH_DAY})`);
  mkdirSync(options.workDir, { recursive: true });
  let generateSeconds: number | undefined;
  const dataDir = join(options.workDir, 'data');
  if (sampleReady(dataDir, options.records)) {
    log(`sample: reusing ${dataDir}`);
  } else {
    const generated = childPhase('generate', options);
    generateSeconds = generated.elapsedMs / 1000;
    log(`sample: generated in ${generateSeconds.toFixed(1)} s (peak RSS ${formatBytes(generated.maxRssBytes)})`);
  }
  const input = phaseInput(options);
  const manifest = JSON.parse(readFileSync(join(dataDir, MANIFEST_FILE), 'utf8')) as { records: number };
  const gzBytes = input.files.reduce((sum, f) => sum + statSync(f).size, 0);
  const textBytes = input.files.reduce((sum, f) => sum + gzipTextBytes(f), 0);
  log(`files: ${input.files.length} gz files, ${formatBytes(gzBytes)} compressed, ${formatBytes(textBytes)} of text, ${manifest.records.toLocaleString('en-US')} records`);
  // One untimed read so that every phase finds the files in the page cache alike.
  childPhase('zcat', options);
  const samples = new Map<PhaseName, PhaseResult[]>(TIMED_PHASES.map((p) => [p, []]));
  for (let run = 1; run <= options.runs; run++) {
    for (const phase of TIMED_PHASES) {
      const result = childPhase(phase, options);
      samples.get(phase)?.push(result);
      log(`  run ${run}/${options.runs} ${phase.padEnd(8)} ${(result.elapsedMs / 1000).toFixed(2)} s  peak RSS ${formatBytes(result.maxRssBytes)}`);
    }
  }
  const medians: LocalFigures['medians'] = {};
  for (const [phase, results] of samples) {
    medians[phase] = { ms: median(results.map((r) => r.elapsedMs)), maxRssBytes: Math.max(...results.map((r) => r.maxRssBytes)), samplesMs: results.map((r) => Math.round(r.elapsedMs)) };
  }
  const firstScanMs = median((samples.get('scan') ?? []).map((r) => Number(r.detail?.firstScanMs)));
  const lastReport = samples.get('report')?.at(-1)?.detail as { totals?: Record<string, unknown>; queries?: unknown } | undefined;
  const baselineTotals = (samples.get('baseline')?.at(-1)?.detail as { totals?: Record<string, unknown> } | undefined)?.totals;
  const totalsAgree = ['records', 'accepted', 'rejected', 'bytes'].every((k) => Number(lastReport?.totals?.[k]) === Number(baselineTotals?.[k]));
  const ms = (p: PhaseName) => medians[p]?.ms as number;
  const rows: string[][] = [
    ['(a) zcat > /dev/null (floor)', ...throughput(ms('zcat'), manifest.records, textBytes), '—'],
    ['(b) one DuckDB scan, count(*)', ...throughput(ms('scan'), manifest.records, textBytes), formatBytes(medians.scan?.maxRssBytes)],
    ['    first count(*), fresh state', ...throughput(firstScanMs, manifest.records, textBytes), ''],
    ['(c) full local report', ...throughput(ms('report'), manifest.records, textBytes), formatBytes(medians.report?.maxRssBytes)],
    ['(d) Node.js gunzip+readline', ...throughput(ms('baseline'), manifest.records, textBytes), formatBytes(medians.baseline?.maxRssBytes)],
  ];
  log();
  log(formatTable(['phase (median of ' + options.runs + ')', 'seconds', 'records/s', 'text MB/s', 'peak RSS'], rows));
  log(`report and baseline totals agree: ${totalsAgree ? 'yes' : 'NO'}`);
  log(`report, last run, by statement: ${describeQueries(lastReport?.queries)}`);
  const targets: Target[] = [
    { label: '(c)/(b) report vs one DuckDB scan', value: ratio(ms('report'), ms('scan')), bound: 'at-most', limit: 1.5, unit: 'x' },
    { label: '(c)/(a) report vs zcat floor', value: ratio(ms('report'), ms('zcat')), bound: 'at-most', limit: 2, unit: 'x' },
    { label: '(d)/(c) Node.js baseline vs report', value: ratio(ms('baseline'), ms('report')), bound: 'at-least', limit: 5, unit: 'x' },
    { label: 'report peak RSS', value: (medians.report?.maxRssBytes ?? NaN) / GiB, bound: 'at-most', limit: 1.5, unit: 'GiB' },
  ];
  if (options.records !== DEFAULT_RECORDS) log(`(the targets are set for ${DEFAULT_RECORDS.toLocaleString('en-US')} records; shown here for ${options.records.toLocaleString('en-US')})`);
  log(`first count(*) / second (the one-time file check): ${formatNumber(firstScanMs / ms('scan'))} x`);
  return {
    figures: { records: manifest.records, files: input.files.length, gzBytes, textBytes, generateSeconds, medians, firstScanMs, reportQueries: lastReport?.queries, totalsAgree },
    targets,
  };
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
  log(formatTable(
    ['function', 'zip', 'bundle (no maps)', 'load ms (median - empty)', 'without NODE_OPTIONS', 'note'],
    result.bundles.map((b) => [b.name, formatBytes(b.zipBytes), formatBytes(b.bundleBytes), ms(b.loadMs), ms(b.loadWithoutNodeOptionsMs), b.error ?? '']),
  ));
  const targets = result.bundles.flatMap((b): Target[] => [
    { label: `${b.name} zip size`, value: b.zipBytes / 1e6, bound: 'at-most', limit: 1, unit: 'MB' },
    { label: `${b.name} module load`, value: b.loadMs, bound: 'at-most', limit: 150, unit: 'ms' },
  ]);
  return { result, targets };
}

async function backfillSection(): Promise<{ counts: BackfillCount[]; targets: Target[] }> {
  log('## 3. Backfill calls (mocked Athena and Glue, nothing registered yet)');
  const counts = await countBackfillCalls();
  log(formatTable(
    ['days x sources', 'partitions', 'Athena statements', 'GetQueryExecution', 'GetQueryResults', 'Glue GetTable', 'Glue GetPartitions'],
    counts.map((c) => [`${c.days} x ${c.sources}`, String(c.partitionsAdded), String(c.athenaStatements), String(c.athenaCalls.GetQueryExecution), String(c.athenaCalls.GetQueryResults), String(c.glueCalls.GetTable), String(c.glueCalls.GetPartitions)]),
  ));
  const year = counts.find((c) => c.days === 365 && c.sources === 1);
  return {
    counts,
    targets: [
      { label: '365 days, one source: Athena statements', value: year?.athenaStatements, bound: 'at-most', limit: 2, unit: 'statements' },
      { label: 'statements per day at 31 or 365 days (max)', value: Math.max(...counts.filter((c) => c.days > 1).map((c) => c.athenaStatements / c.days)), bound: 'at-most', limit: 0.5, unit: 'per day' },
    ],
  };
}

/** Merges this run into `bench/results/<date>.json`, one entry per record count. */
function writeResults(root: string, entry: Record<string, unknown> & { records: number }): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${new Date().toISOString().slice(0, 10)}.json`);
  const earlier = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { runs?: { records: number }[] }).runs ?? [] : [];
  const runs = [...earlier.filter((r) => r.records !== entry.records), entry].sort((a, b) => a.records - b.records);
  writeFileSync(path, `${JSON.stringify({ machine: machine(), runs }, null, 2)}\n`);
  return path;
}

/** Removes only what the benchmark wrote (the sample), then the work folder if that left it empty: --work may name a folder with other files. */
function removeSample(workDir: string): void {
  rmSync(join(workDir, 'data'), { recursive: true, force: true });
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
    sections[section.name] = await section.run({ records: options.records, workDir: options.workDir, dataDir: join(options.workDir, 'data'), day: BENCH_DAY, runs: options.runs, benchScript: process.argv[1] as string, log });
    log();
  }
  log('## Targets');
  for (const target of targets) log(formatTarget(target));
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
  });
  log();
  log(`results: ${path} (benchmark took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (!options.keep) removeSample(options.workDir);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
