import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValidationError } from '../../lib/errors.js';
import type { Notifier, Row } from '../../lib/ports.js';
import { toCsv } from '../../lib/render/result-formats.js';
import type { Report } from '../../lib/report/model.js';
import { loadReportJobConfig } from '../../lib/report/report-config.js';
import { parseDay } from '../../lib/dates.js';
import { validateTimeZone } from '../../lib/report/window.js';
import { deliverReport } from '../../lib/use-cases/deliver-report.js';
import { runReport } from '../../lib/use-cases/run-report.js';
import { LOCAL_REPORT_ADAPTERS, openReportRuntime, reportDeps, type ReportAdapters } from '../../lib/wiring/report-deps.js';
import { parseFlags, type CliIo, type Command } from '../command.js';
import { definedOnly, inFlagTerms, LOCAL_FLAGS, LOCAL_FLAGS_USAGE, localSettings } from '../settings.js';
import { renderJson } from '../../lib/report/render-json.js';
import { renderText } from '../../lib/report/render-text.js';
import { loadSavedQueries } from '../../lib/report/saved-queries.js';
import { parseSuppressions } from '../../lib/report/suppressions-file.js';
import type { Suppression } from '../../lib/report/suppressions.js';

const USAGE = `Usage: flowlog-pilot report --date YYYY-MM-DD [options]

Runs every saved report query (src/queries/reports) for one day on the local engine and prints
the report. Thresholds and other report settings are read from FLOWLOG_* environment variables
(README, "Reports").

Options:
  --date YYYY-MM-DD      the report's day, in the report time zone
  --tz ZONE              IANA time zone of the day (FLOWLOG_REPORT_TIMEZONE, default UTC)
  --format text|json     what to print (default text)
  --out DIR              also write report.txt, report.json and one CSV per query there
  --slack-webhook URL    post the report to a Slack incoming webhook
  --min-baseline-days N  complete earlier days the spike rules need (FLOWLOG_MIN_BASELINE_DAYS, default 3)
  --suppressions FILE    YAML or JSON list of known traffic to silence (rule, source, destination,
                         ports, interface, reason, expires); silenced matches are listed apart
${LOCAL_FLAGS_USAGE}
`;

const OPTIONS = {
  ...LOCAL_FLAGS,
  date: { type: 'string' },
  tz: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'slack-webhook': { type: 'string' },
  'min-baseline-days': { type: 'string' },
  suppressions: { type: 'string' },
} as const;

/** `flowlog-pilot report`: the report job of the Lambda, run on DuckDB over local files. */
export function reportCommand(adapters: ReportAdapters = LOCAL_REPORT_ADAPTERS): Command {
  return {
    name: 'report',
    summary: 'run the saved report queries for one day and print the report',
    usage: USAGE,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const { values } = parseFlags(args, OPTIONS);
      const date = parseDay(values.date, '--date');
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new ValidationError('--format', `must be text or json, got ${JSON.stringify(format)}`);
      const timezone = values.tz === undefined ? undefined : validateTimeZone(values.tz, '--tz');
      const notifiers: Notifier[] = [];
      const webhook = values['slack-webhook'];
      if (webhook !== undefined) {
        if (!/^https:\/\/[^\s]+$|^http:\/\/127\.0\.0\.1(:\d+)?\/[^\s]*$/.test(webhook)) throw new ValidationError('--slack-webhook', 'must be an https:// URL');
        if (adapters.slackNotifier === undefined) throw new ValidationError('--slack-webhook', 'Slack delivery is not part of this build');
        notifiers.push(adapters.slackNotifier(webhook));
      }
      // The environment's FLOWLOG_* settings (thresholds, time zone), then the flags over them.
      const settings = {
        ...Object.fromEntries(Object.entries(io.env).filter(([key]) => key.startsWith('FLOWLOG_'))),
        ...definedOnly(localSettings(values, io.cwd)),
        ...(timezone === undefined ? {} : { FLOWLOG_REPORT_TIMEZONE: timezone }),
        ...(values['min-baseline-days'] === undefined ? {} : { FLOWLOG_MIN_BASELINE_DAYS: values['min-baseline-days'] }),
      };
      const job = inFlagTerms(() => loadReportJobConfig(settings));
      const suppressions = values.suppressions === undefined ? undefined : await readSuppressions(resolve(io.cwd, values.suppressions));
      const runtime = await openReportRuntime(job, adapters, notifiers);
      let report: Report;
      try {
        report = await runReport(
          { ...reportDeps(runtime, job, () => new Date()), ...(suppressions === undefined ? {} : { suppressions }) },
          { date },
        );
      } finally {
        await runtime.close();
      }
      if (values.out !== undefined) await writeReportFiles(resolve(io.cwd, values.out), report);
      io.out(format === 'json' ? renderJson(report) : renderText(report));
      for (const sent of await deliverReport(runtime.notifiers, report, true)) {
        if (sent.status === 'failed') io.err(`flowlog-pilot report: ${sent.channel}: ${sent.error ?? 'failed'}\n`);
      }
      return report.queries.some((q) => q.status === 'failed') ? 1 : 0;
    },
  };
}

/** Reads and checks the suppressions file before anything is opened; every bad entry is named. */
async function readSuppressions(path: string): Promise<readonly Suppression[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError('--suppressions', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const detections = loadSavedQueries().list().filter((q) => q.kind === 'detection').map((q) => q.name);
  return parseSuppressions(text, path, detections);
}

/** report.txt, report.json and `<rule>.csv` for every query that returned rows to the report. */
export async function writeReportFiles(dir: string, report: Report): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.txt', renderText(report)],
    ['report.json', renderJson(report)],
    ['totals.csv', csvOf([report.totals as unknown as Row])],
    ...report.findings.map((f): [string, string] => [`${f.rule}.csv`, csvOf(f.rows)]),
    ...report.digests.map((d): [string, string] => [`${d.rule}.csv`, csvOf(d.rows)]),
  ];
  for (const q of report.queries) {
    // A detection that matched nothing still gets its (empty) file, so every query that ran has one.
    if (q.status === 'succeeded' && !files.some(([name]) => name === `${q.name}.csv`)) files.push([`${q.name}.csv`, '']);
  }
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => name);
}

function csvOf(rows: readonly Row[]): string {
  const first = rows[0];
  if (first === undefined) return '';
  return toCsv(Object.keys(first).map((name) => ({ name, type: typeof first[name] === 'number' ? 'bigint' : 'varchar' })), rows);
}
