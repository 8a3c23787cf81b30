import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { asError, FlowlogError, ValidationError } from '../../lib/errors.js';
import type { ContextOpener } from '../../lib/context.js';
import type { InterfaceDirectory, ListSource, QueryEngine } from '../../lib/ports.js';
import { createProgress, progressMode, type Progress, type ProgressStep } from '../progress.js';
import { reportArtifacts, reportFileJson } from '../../lib/render/artifacts.js';
import type { Report, Severity } from '../../lib/report/model.js';
import { EXIT_FAILURE, EXIT_FINDINGS, EXIT_NOTIFY_FAILED, EXIT_OK } from '../exit-codes.js';
import { loadReportJobConfig, type ReportJobConfig } from '../../lib/report/report-config.js';
import { parseDay } from '../../lib/dates.js';
import { validateTimeZone } from '../../lib/report/window.js';
import { runReportJob } from '../../lib/use-cases/report-job.js';
import type { LocalReportOptions } from '../../lib/wiring/local.js';
import { readInterfacesFiles } from '../../lib/local/interfaces-file.js';
import { parseFlags, type CliIo, type Command } from '../command.js';
import { definedOnly, inFlagTerms, LOCAL_FLAGS, LOCAL_FLAGS_USAGE, localSettings } from '../settings.js';
import { renderText } from '../../lib/render/render-text.js';
import { loadSavedQueries } from '../../lib/report/saved-queries.js';
import { parseSuppressions } from '../../lib/report/suppressions-file.js';
import type { Suppression } from '../../lib/report/suppressions.js';
import { parseWatchlist } from '../../lib/report/watchlist-file.js';
import type { WatchlistEntry } from '../../lib/report/watchlist.js';

const USAGE = `Usage: flowlog-pilot report --date YYYY-MM-DD [options]

Runs every saved report query (src/queries/reports) for one day on the local engine and prints
the report. Thresholds and other report settings are read from FLOWLOG_* environment variables
(README, "Reports").

Options:
  --date YYYY-MM-DD      the report's day, in the report time zone
  --tz ZONE              IANA time zone of the day (FLOWLOG_REPORT_TIMEZONE, default UTC)
  --format text|json     what to print (default text)
  --out DIR              also write report.txt, report.json, report.html and one CSV per query there
                         (checked writable before anything runs)
  --slack-webhook URL    post the report to a Slack incoming webhook
  --fail-on SEVERITY     exit ${EXIT_FINDINGS} when a finding is at or above high, medium or low
  --quiet                no progress on stderr (a bar on a terminal, one line per step otherwise)
  --min-baseline-days N  complete earlier days the spike rules need (FLOWLOG_MIN_BASELINE_DAYS, default 3)
  --suppressions FILE    YAML or JSON list of known traffic to silence (rule, source, destination,
                         ports, interface, reason, expires); silenced matches are listed apart
  --watchlist FILE       CIDR blocks to flag traffic with, each with a label: YAML or JSON
                         ({cidr, label} entries) or CIDR[,label] lines; runs the watchlist rule
  --interfaces FILE      where interfaces live: a file saved with
                         aws ec2 describe-network-interfaces --output json; findings and digests
                         then show each interface's instance, Name tag, security groups, subnet, VPC.
                         Repeatable: add one saved with aws ec2 describe-instances --output json
                         for the instances' Name tags, or one per account and region
${LOCAL_FLAGS_USAGE}

Exit codes: ${EXIT_OK} ok; ${EXIT_FAILURE} a query failed or nothing could be made; 2 usage; ${EXIT_NOTIFY_FAILED} the report was made
but a notification (Slack) failed; ${EXIT_FINDINGS} --fail-on found something at or above its severity.
`;

/** The last day a report can cover: its window (up to a day later in UTC) must end in a 4-digit year. */
const LAST_REPORT_DAY = '9999-12-30';
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { high: 3, medium: 2, low: 1 };

const OPTIONS = {
  ...LOCAL_FLAGS,
  date: { type: 'string' },
  tz: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'slack-webhook': { type: 'string' },
  'fail-on': { type: 'string' },
  quiet: { type: 'boolean' },
  'min-baseline-days': { type: 'string' },
  suppressions: { type: 'string' },
  watchlist: { type: 'string' },
  interfaces: { type: 'string', multiple: true },
} as const;

/** Opens the report's context from its settings and the flags' channels (the local root's, or a test's). */
export type ReportOpener = (job: ReportJobConfig, options: LocalReportOptions) => ContextOpener;

/** `flowlog-pilot report`: the report job of the Lambda, run on DuckDB over local files. */
export function reportCommand(opener?: ReportOpener): Command {
  return {
    name: 'report',
    summary: 'run the saved report queries for one day and print the report',
    usage: USAGE,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const { values } = parseFlags(args, OPTIONS);
      const date = parseDay(values.date, '--date');
      if (date > LAST_REPORT_DAY) throw new ValidationError('--date', `${date} is past the last day a report can cover (${LAST_REPORT_DAY}: its window must end by the year 9999)`);
      const failOn = values['fail-on'];
      if (failOn !== undefined && !(failOn in SEVERITY_RANK)) throw new ValidationError('--fail-on', `must be high, medium or low, got ${JSON.stringify(failOn)}`);
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new ValidationError('--format', `must be text or json, got ${JSON.stringify(format)}`);
      const timezone = values.tz === undefined ? undefined : validateTimeZone(values.tz, '--tz');
      const webhook = values['slack-webhook'];
      if (webhook !== undefined && !/^https:\/\/[^\s]+$|^http:\/\/127\.0\.0\.1(:\d+)?\/[^\s]*$/.test(webhook))
        throw new ValidationError('--slack-webhook', 'must be an https:// URL');
      // The environment's FLOWLOG_* settings (thresholds, time zone), then the flags over them.
      const settings = {
        ...Object.fromEntries(Object.entries(io.env).filter(([key]) => key.startsWith('FLOWLOG_'))),
        ...definedOnly(localSettings(values, io.cwd)),
        ...(timezone === undefined ? {} : { FLOWLOG_REPORT_TIMEZONE: timezone }),
        ...(values['min-baseline-days'] === undefined ? {} : { FLOWLOG_MIN_BASELINE_DAYS: values['min-baseline-days'] }),
      };
      const job = inFlagTerms(() => loadReportJobConfig(settings));
      // The flags, else the lists the environment names (FLOWLOG_SUPPRESSIONS_FILE, FLOWLOG_WATCHLIST_FILE), read strictly here.
      const suppressionsFile = values.suppressions ?? listFile(job.report.lists.suppressions, '--suppressions');
      const watchlistFile = values.watchlist ?? listFile(job.report.lists.watchlist, '--watchlist');
      const suppressions = suppressionsFile === undefined ? undefined : await readSuppressions(resolve(io.cwd, suppressionsFile));
      const watchlist = watchlistFile === undefined ? undefined : await readWatchlist(resolve(io.cwd, watchlistFile));
      const interfaces = values.interfaces === undefined ? undefined : await readInterfaces(values.interfaces.map((path) => resolve(io.cwd, path)));
      const out = values.out === undefined ? undefined : await writableFolder(resolve(io.cwd, values.out));
      // The local root is loaded on use, so that --help and mistakes in the flags answer without starting DuckDB.
      const open = (opener ?? (await import('../../lib/wiring/local.js')).localReportOpener)(job, webhook === undefined ? {} : { slackWebhook: webhook });
      // The watchlist rule runs only with a watchlist: the bar counts the queries that run.
      const savedNames = new Set(
        loadSavedQueries()
          .list()
          .filter((q) => watchlist !== undefined || !q.usesWatchlist)
          .map((q) => q.name),
      );
      let queries: ProgressStep | undefined;
      const { report, notifications } = await runReportJob(
        { report: job.report, open, now: () => new Date() },
        {
          date,
          ...(suppressions === undefined ? {} : { suppressions }),
          ...(watchlist === undefined ? {} : { watchlist }),
          ...(interfaces === undefined ? {} : { interfaces }),
          // --slack-webhook asks for the report whatever it found.
          notify: 'always',
          watch: (engine) => {
            const progress = createProgress(progressMode({ quiet: values.quiet === true, isTTY: io.errIsTTY === true }), io.err);
            queries = progress.step('report queries', savedNames.size, 'queries');
            return withProgress(engine, progress, queries, savedNames);
          },
          beforeDelivery: async (made) => {
            queries?.finish();
            if (out !== undefined) await writeReportFiles(out, made);
            io.out(format === 'json' ? reportFileJson(made) : renderText(made));
          },
        },
      );
      let notifyFailed = false;
      for (const sent of notifications) {
        if (sent.status === 'failed') {
          notifyFailed = true;
          io.err(`flowlog-pilot report: ${sent.channel}: ${sent.error ?? 'failed'}\n`);
        }
      }
      if (report.queries.some((q) => q.status === 'failed')) return EXIT_FAILURE;
      if (notifyFailed) return EXIT_NOTIFY_FAILED;
      const threshold = failOn === undefined ? undefined : SEVERITY_RANK[failOn as Severity];
      if (threshold !== undefined && report.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold)) return EXIT_FINDINGS;
      return EXIT_OK;
    },
  };
}

/**
 * The engine with each statement counted: saved report queries move the bar, a rollup build (which
 * can take a while on a long day) is a step of its own; the short statements around a build and
 * the partition DDL pass through uncounted.
 */
function withProgress(engine: QueryEngine, progress: Progress, queries: ProgressStep, savedNames: ReadonlySet<string>): QueryEngine {
  let done = 0;
  return {
    kind: engine.kind,
    async execute(sql, options) {
      const label = options?.label ?? 'query';
      if (label === 'rollup-build') {
        const step = progress.step(`${label} (stored daily rollup)`, 1, 'statement');
        const result = await engine.execute(sql, options);
        step.update(1);
        step.finish();
        return result;
      }
      if (!savedNames.has(label)) return engine.execute(sql, options);
      try {
        return await engine.execute(sql, options);
      } finally {
        done += 1;
        queries.update(done);
      }
    },
  };
}

/** Makes the --out folder and checks it can be written, so a bad place fails before any work. */
async function writableFolder(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const e = asError(error) as NodeJS.ErrnoException;
    const why =
      e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way' : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' ? 'permission denied' : e.message;
    throw new ValidationError('--out', `cannot write report files to ${dir}: ${why}`);
  }
  return dir;
}

/** Reads and checks the suppressions file before anything is opened; every bad entry is named. */
async function readSuppressions(path: string): Promise<readonly Suppression[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError('--suppressions', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const detections = loadSavedQueries()
    .list()
    .filter((q) => q.kind === 'detection')
    .map((q) => q.name);
  return parseSuppressions(text, path, detections);
}

/** A list the environment names: a file is read like the flag's; an SSM parameter only the report Lambda reads. */
function listFile(source: ListSource | undefined, flag: string): string | undefined {
  if (source === undefined) return undefined;
  if (source.kind === 'file') return source.dir === undefined ? source.path : join(source.dir, source.path);
  throw new ValidationError(flag, `the environment names SSM parameter ${source.name}; the command line reads lists from files: give ${flag} FILE`);
}

/** Reads and checks the watchlist before anything is opened; every bad entry or line is named. */
async function readWatchlist(path: string): Promise<readonly WatchlistEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError('--watchlist', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseWatchlist(text, path);
}

/** Writes the report's artifacts (reportArtifacts) into `dir`; returns their names. */
export async function writeReportFiles(dir: string, report: Report): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const artifacts = reportArtifacts(report);
  for (const artifact of artifacts) {
    const path = join(dir, artifact.name);
    await writeFile(path, artifact.body).catch((error: unknown) => {
      throw new FlowlogError(`could not write ${path}: ${asError(error).message}`, { path }, { cause: error });
    });
  }
  return artifacts.map((artifact) => artifact.name);
}

/** The --interfaces files, read and checked before anything runs (a bad entry stops the command, named). */
async function readInterfaces(paths: readonly string[]): Promise<InterfaceDirectory> {
  return readInterfacesFiles(paths);
}
