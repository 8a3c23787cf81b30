import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValidationError } from '../../lib/errors.js';
import type { Notifier } from '../../lib/ports.js';
import { reportArtifacts } from '../../lib/report/artifacts.js';
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
${LOCAL_FLAGS_USAGE}
`;

const OPTIONS = {
  ...LOCAL_FLAGS,
  date: { type: 'string' },
  tz: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'slack-webhook': { type: 'string' },
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
      };
      const job = inFlagTerms(() => loadReportJobConfig(settings));
      const runtime = await openReportRuntime(job, adapters, notifiers);
      let report: Report;
      try {
        report = await runReport(
          reportDeps(runtime, job, () => new Date()),
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

/** Writes the report's artifacts (reportArtifacts) into `dir`; returns their names. */
export async function writeReportFiles(dir: string, report: Report): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const artifacts = reportArtifacts(report);
  for (const artifact of artifacts) await writeFile(join(dir, artifact.name), artifact.body);
  return artifacts.map((artifact) => artifact.name);
}
