import { resolve } from 'node:path';
import * as v from 'valibot';
import { oneOf, parseSources, validated, wholeNumber } from '../../lib/config.js';
import { parseDay } from '../../lib/dates.js';
import { ValidationError } from '../../lib/errors.js';
import { parseFormatString } from '../../lib/flowlog/format.js';
import type { SampleManifest } from '../../sample/generate.js';
import { MAX_DAYS, MAX_RECORDS_PER_DAY, SAMPLE_FILE_FORMATS, type SampleOptions } from '../../sample/options.js';
import { problemsOf, refusal, type Problem } from '../../lib/validation.js';
import { MANIFEST_FILE, writeSample } from '../../sample/write-sample.js';
import { parseFlags, type CliIo, type Command } from '../command.js';
import { createProgress, progressMode } from '../progress.js';

const FLAGS = {
  out: { type: 'string' },
  date: { type: 'string' },
  days: { type: 'string' },
  records: { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
  'format-string': { type: 'string' },
  sources: { type: 'string' },
  hive: { type: 'boolean' },
  'per-hour': { type: 'boolean' },
  'file-format': { type: 'string' },
} as const;

/** Option names of the library, as the user typed them. */
const FLAG_OF: Readonly<Record<string, string>> = {
  out: '--out',
  endDate: '--date',
  days: '--days',
  recordsPerDay: '--records',
  seed: '--seed',
  format: '--format-string',
  sources: '--sources',
  fileFormat: '--file-format',
};

const USAGE = `Usage: flowlog-pilot sample --out DIR [options]

Writes realistic VPC flow logs as AWS delivers them to S3
(DIR/AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/*.log.gz, one file per hour), with
incidents on the last day that the report rules find: a port scan, SSH/RDP accepted from the
internet, SSH brute force, and with 2 or more days a REJECT spike and an egress spike.
The same options always give the same files.

Options:
  --out DIR               where to write (required)
  --date YYYY-MM-DD       last day to generate, UTC (default: yesterday)
  --days N                days ending at --date (default: 1; spikes need 2 or more)
  --records N             normal records per day and source (default: 20000)
  --seed TEXT             changes the data, keeps it reproducible (default: flowlog-pilot)
  --quiet                 no incidents: every day is a normal day (and no progress on stderr)
  --format-string FMT     custom format, e.g. '\${version} \${vpc-id} \${srcaddr} ...' (default: version 2)
  --sources LIST          ACCOUNT:REGION,... one folder tree each (default: 123456789012:ap-northeast-1)
  --hive                  folders as AWS names them with Hive-compatible S3 prefixes
                          (AWSLogs/aws-account-id=.../aws-service=vpcflowlogs/aws-region=.../year=YYYY/month=MM/day=DD/)
  --per-hour              one subfolder per hour below each day (HH/, or hour=HH/ with --hive)
  --file-format FORMAT    plain-text (default: .log.gz) or parquet (.log.parquet, AWS's Parquet
                          column names and types, gzip-compressed, as FileFormat parquet delivers)
`;

export const sampleCommand: Command = {
  name: 'sample',
  summary: 'write sample flow logs (S3 layout, gzip) with incidents to find',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const options = sampleOptionsFromFlags(args, io.cwd);
    const startedMs = Date.now();
    // --quiet is a quiet sample (no incidents) and a quiet run (no progress).
    const progress = createProgress(progressMode({ quiet: options.incidents === false, isTTY: io.errIsTTY === true }), io.err);
    const step = progress.step('writing sample files', 0, 'files');
    const manifest = await writeSample(options, new Date(), (written, count) => step.update(written, count)).catch((error: unknown) => {
      throw error instanceof ValidationError ? namedByFlags(error) : error;
    });
    step.finish();
    io.out(summarize(manifest, resolve(options.out), Date.now() - startedMs));
    return 0;
  },
};

/** The flags with a value, checked together: each bad one is an issue named by its flag. */
const FlagValues = v.object({
  out: v.pipe(
    v.string('an output folder is required (--out DIR)'),
    v.check((out) => out.trim() !== '', 'an output folder is required (--out DIR)'),
  ),
  date: v.optional(validated((day) => parseDay(day))),
  days: v.optional(wholeNumber(1, MAX_DAYS)),
  records: v.optional(wholeNumber(1, MAX_RECORDS_PER_DAY)),
  seed: v.optional(v.string()),
  'format-string': v.optional(validated((format) => parseFormatString(format))),
  sources: v.optional(validated((sources) => parseSources(sources))),
  'file-format': v.optional(oneOf(SAMPLE_FILE_FORMATS)),
});

/** Reads the flags into library options, naming the flag of every bad value before anything is written. */
export function sampleOptionsFromFlags(args: readonly string[], cwd: string): SampleOptions {
  const { values } = parseFlags(args, FLAGS);
  const result = v.safeParse(FlagValues, values);
  if (!result.success) throw refusal(problemsOf(result.issues, '--out').map((p) => ({ ...p, key: p.key.startsWith('--') ? p.key : `--${p.key}` })) as [Problem, ...Problem[]]);
  const flags = result.output;
  return {
    out: resolve(cwd, flags.out),
    ...(flags.date === undefined ? {} : { endDate: flags.date }),
    ...(flags.days === undefined ? {} : { days: flags.days }),
    ...(flags.records === undefined ? {} : { recordsPerDay: flags.records }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags['format-string'] === undefined ? {} : { format: flags['format-string'] }),
    ...(flags.sources === undefined ? {} : { sources: flags.sources }),
    incidents: values.quiet !== true,
    ...(flags['file-format'] === undefined ? {} : { fileFormat: flags['file-format'] }),
    folders: values.hive === true ? 'hive' : 'default',
    perHour: values['per-hour'] === true,
  };
}

/** A library error named by the flags the user typed (every problem of it, not only the first). */
function namedByFlags(error: ValidationError): ValidationError {
  const flagOf = (key: string) => FLAG_OF[key.split('.')[0] ?? key] ?? key;
  const problems = error.context.problems as readonly Problem[] | undefined;
  if (problems !== undefined && problems.length > 0) return refusal(problems.map((p) => ({ ...p, key: flagOf(p.key) })) as [Problem, ...Problem[]]);
  return new ValidationError(flagOf(error.field), error.message.replace(/^[^:]+: /, ''));
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, noun: string): string => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
/** Enough for a week or two of one source; longer runs are in the manifest. */
const MAX_FOLDERS_SHOWN = 16;

/** What was written, what to look for, and what to run next. */
export function summarize(manifest: SampleManifest, out: string, durationMs: number): string {
  const first = manifest.days[0] as string;
  const last = manifest.days[manifest.days.length - 1] as string;
  const range = first === last ? first : `${first}..${last}`;
  const lines = [
    `Wrote ${plural(manifest.files, 'file')}, ${plural(manifest.records, 'record')} (${plural(manifest.days.length, 'day')} ${range}, ${plural(manifest.sources.length, 'source')}) to ${out} in ${(durationMs / 1000).toFixed(1)} s`,
    '',
    ...manifest.folders
      .slice(0, MAX_FOLDERS_SHOWN)
      .map(
        (f) =>
          `  ${f.path}  ${plural(f.files.length, 'file')}  ${plural(f.records, 'record')}  (${count(f.rejected)} REJECT, ${count(f.nodata)} NODATA, ${count(f.skipdata)} SKIPDATA)`,
      ),
    ...(manifest.folders.length > MAX_FOLDERS_SHOWN ? [`  ... and ${count(manifest.folders.length - MAX_FOLDERS_SHOWN)} more folders (see the manifest)`] : []),
    '',
  ];
  if (!manifest.incidentsEnabled) {
    lines.push('No incidents (--quiet): every day is a normal day.');
  } else {
    lines.push(`Incidents on ${last} (rule: what happened):`);
    for (const incident of manifest.incidents) lines.push(`  ${incident.rule}: ${incident.description}`);
    const skipped = [...new Set(manifest.skippedIncidents.map((s) => `${s.rule} ${s.reason}`))];
    for (const reason of skipped) lines.push(`  not injected: ${reason}`);
  }
  const data = /^[\w./:@%+=-]+$/.test(out) ? out : `'${out.replaceAll("'", "'\\''")}'`;
  lines.push(
    '',
    `Manifest (exact counts, incidents): ${resolve(out, MANIFEST_FILE)}`,
    '',
    'Next:',
    `  flowlog-pilot partitions add --data ${data} --from ${first} --to ${last}`,
    `  flowlog-pilot query --data ${data} "SELECT action, count(*) AS records FROM vpc_flow_logs GROUP BY action"`,
    `  flowlog-pilot report --data ${data} --date ${last}`,
    '',
  );
  return lines.join('\n');
}
