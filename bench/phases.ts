import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { reportCommand } from '../src/cli/commands/report.js';
import { loadCoreConfig } from '../src/lib/config.js';
import { addDays, parseDay, startOfDayMs, type UtcDay } from '../src/lib/dates.js';
import { openLocal } from '../src/lib/wiring/local.js';
import { qualifiedName, renderTemplate } from '../src/lib/sql/sql.js';
import { writeSample } from '../src/sample/write-sample.js';
import { ensurePartitions } from '../src/lib/use-cases/ensure-partitions.js';
import { streamTotals } from './baseline-stream.js';

/** What a phase child prints as its last line, after this marker. */
export const RESULT_MARKER = 'BENCH-RESULT ';

export type PhaseName = 'generate' | 'zcat' | 'scan' | 'report' | 'later' | 'baseline';
export const PHASES: readonly PhaseName[] = ['generate', 'zcat', 'scan', 'report', 'later', 'baseline'];

export interface PhaseInput {
  readonly workDir: string;
  readonly dataDir: string;
  /** The day reported (and the last day generated). */
  readonly day: UtcDay;
  readonly records: number;
  /** The day's gz files (zcat and the Node.js baseline read them). */
  readonly files: readonly string[];
  /** generate: days of the sample, ending on `day`. */
  readonly days: number;
  /** generate: long-lived connections per source (0: every record its own, the worst case). */
  readonly connections: number;
  /**
   * report: the state folder to use and keep (a later report of the same day reads it); a fresh
   * temporary one, removed afterwards, when absent. later: required.
   */
  readonly stateDir: string | undefined;
}

export interface PhaseResult {
  readonly elapsedMs: number;
  /** Peak resident set of the phase's process (zcat runs in a child of it, not counted). */
  readonly maxRssBytes: number;
  readonly detail?: Record<string, unknown>;
}

const COUNT_SQL = 'SELECT count(*) AS records FROM {{table}}';
const SECONDS_PER_DAY = 86_400;

/** Runs one timed phase in this process; the caller runs each in a fresh process. */
export async function runPhase(phase: PhaseName, input: PhaseInput): Promise<PhaseResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const done = (elapsedMs: number, detail?: Record<string, unknown>): PhaseResult => ({
    elapsedMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    ...(detail === undefined ? {} : { detail }),
  });
  switch (phase) {
    case 'generate': {
      const manifest = await writeSample({ out: input.dataDir, endDate: input.day, days: input.days, recordsPerDay: input.records, connections: input.connections });
      return done(elapsed(), { records: manifest.records, files: manifest.files });
    }
    case 'zcat': {
      const sink = openSync('/dev/null', 'w');
      try {
        const run = spawnSync('zcat', input.files, { stdio: ['ignore', sink, 'inherit'] });
        if (run.error !== undefined) throw run.error;
        if (run.status !== 0) throw new Error(`zcat exited with ${run.status}`);
      } finally {
        closeSync(sink);
      }
      return done(elapsed());
    }
    case 'scan':
      return scan(input);
    case 'report':
      return report(input, started);
    case 'later':
      if (input.stateDir === undefined) throw new Error("the later phase needs --state (the state of the day's first report)");
      return report(input, started);
    case 'baseline': {
      const startEpoch = startOfDayMs(input.day) / 1000;
      const totals = await streamTotals(input.files, { startEpoch, endEpoch: startEpoch + SECONDS_PER_DAY });
      return done(elapsed(), { totals });
    }
  }
}

/**
 * One `SELECT count(*)` over every partition of the sample, twice on one engine with a fresh
 * state: the first pays for the engine's one-time file check, the second is DuckDB's scan alone.
 */
async function scan(input: PhaseInput): Promise<PhaseResult> {
  const stateDir = await mkdtemp(join(input.workDir, 'state-scan-'));
  try {
    const config = loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: input.dataDir, FLOWLOG_STATE_DIR: stateDir });
    const handle = await openLocal(config);
    try {
      const range = { from: input.day, to: addDays(input.day, 1) };
      await ensurePartitions({ catalog: handle.catalog, engine: handle.engine, database: config.database, table: config.table, layout: handle.layout }, { range });
      const sql = renderTemplate(COUNT_SQL, { table: qualifiedName(config.database, config.table) });
      const timed = async () => {
        const started = process.hrtime.bigint();
        const result = await handle.engine.execute(sql, { label: 'bench-count' });
        return { ms: Number(process.hrtime.bigint() - started) / 1e6, records: Number(result.rows[0]?.records) };
      };
      const first = await timed();
      const second = await timed();
      return { elapsedMs: second.ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, detail: { firstScanMs: first.ms, records: second.records } };
    } finally {
      await handle.close();
    }
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/**
 * `flowlog-pilot report --date <day>` exactly as the command runs it: on a fresh state (the day's
 * first report, which builds the rollups), or on the state a first report left (a later report).
 */
async function report(input: PhaseInput, started: bigint): Promise<PhaseResult> {
  const stateDir = input.stateDir ?? (await mkdtemp(join(input.workDir, 'state-report-')));
  try {
    let out = '';
    const errors: string[] = [];
    const io = { out: (text: string) => void (out += text), err: (text: string) => void errors.push(text), env: { FLOWLOG_REPORT_TIMEZONE: 'UTC' }, cwd: input.workDir };
    const code = await reportCommand().run(['--data', input.dataDir, '--date', input.day, '--state', stateDir, '--format', 'json'], io);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const parsed = JSON.parse(out) as { totals?: Record<string, unknown>; queries?: { name: string; status: string; durationMs?: number }[] };
    const failed = (parsed.queries ?? []).filter((q) => q.status !== 'succeeded').map((q) => q.name);
    if (code !== 0 || failed.length > 0) throw new Error(`the report failed (exit ${code}; failed queries: ${failed.join(', ') || 'none'}) ${errors.join(' ')}`);
    return {
      elapsedMs,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      detail: { totals: parsed.totals, queries: parsed.queries?.map((q) => ({ name: q.name, durationMs: q.durationMs })) },
    };
  } finally {
    if (input.stateDir === undefined) await rm(stateDir, { recursive: true, force: true });
  }
}

export function parsePhaseDay(value: string): UtcDay {
  return parseDay(value, '--day');
}
