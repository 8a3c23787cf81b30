import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { addDays, dayOf, type UtcDay } from '../../lib/dates.js';
import { FlowlogError, ValidationError } from '../../lib/errors.js';
import type { Report } from '../../lib/report/model.js';
import { buildingText } from '../../lib/report/baseline.js';
import { noveltyText } from '../../lib/render/present.js';
import { MANIFEST_FILE } from '../../sample/write-sample.js';
import { INSTANCES_FILE, INTERFACES_FILE } from '../../sample/interfaces.js';
import { placeLine } from '../../lib/report/interfaces.js';
import type { SampleManifest } from '../../sample/generate.js';
import { SAMPLE_WATCHLIST } from '../../sample/incidents.js';
import { BASELINE_DAYS } from '../../lib/report/window.js';
import { parseFlags, type CliIo, type Command } from '../command.js';

const USAGE = `Usage: flowlog-pilot demo [--dir DIR] [--records N]

The whole local cycle on sample data, in a few seconds: writes 8 days of sample flow logs with
incidents on the last day, shows that nothing is visible before the partitions exist, adds them,
runs the queries users run in the Athena console, then the daily report, and checks that the
report found every injected incident; a report for the third day shows the spike rules waiting
for their baseline. Everything goes to DIR (default ./demo), which is replaced.

Options:
  --dir DIR       where the sample bucket, the state and the report files go (default ./demo)
  --records N     records per day (default 20000)
`;

const OPTIONS = { dir: { type: 'string' }, records: { type: 'string' } } as const;
const DAYS = 8;

/**
 * `npm start`: every step a user takes by hand, through the same commands they would type, so the
 * demo shows the real tool and cannot drift from it.
 */
export function demoCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'demo',
    summary: 'run the whole local cycle on sample data (what npm start does)',
    usage: USAGE,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const { values } = parseFlags(args, OPTIONS);
      const dir = resolve(io.cwd, values.dir ?? 'demo');
      const records = values.records ?? '20000';
      if (!/^[1-9]\d{0,6}$/.test(records)) throw new ValidationError('--records', `expected a whole number from 1 to 9999999, got ${JSON.stringify(records)}`);
      const last = addDays(dayOf(new Date()), -1);
      const first = addDays(last, -(DAYS - 1));
      const data = join(dir, 'bucket');
      const state = ['--data', data, '--state', join(dir, 'state')];
      const run = step(commands(), io);
      await rm(dir, { recursive: true, force: true });

      await run(`1. Sample flow logs for ${first}..${last}, incidents on ${last}`, 'sample', ['--out', data, '--date', last, '--days', String(DAYS), '--records', records]);
      await run('2. Before any partition exists, Athena answers "Zero records returned"', 'query', [...state, 'SELECT count(*) AS records FROM vpc_flow_logs']);
      await run('3. Register the day partitions (ALTER TABLE ... ADD IF NOT EXISTS PARTITION)', 'partitions', ['add', ...state, '--from', first, '--to', last]);
      await run('4. The same count now sees every record', 'query', [...state, 'SELECT count(*) AS records FROM vpc_flow_logs']);
      await run('5. A query from the console walkthrough: rejected traffic', 'query', [
        ...state,
        "SELECT sourceaddress, destinationaddress, destinationport, protocol, action, dt FROM vpc_flow_logs WHERE action = 'REJECT' LIMIT 5",
      ]);
      const out = join(dir, 'report');
      const suppressions = join(dir, 'suppressions.yml');
      await writeFile(suppressions, await suppressionsFor(join(data, MANIFEST_FILE), last));
      io.out(`\n== Known traffic to silence, with reasons and expiry dates (${suppressions}) ==\n${await readFile(suppressions, 'utf8')}`);
      const watchlist = join(dir, 'watchlist.txt');
      await writeFile(watchlist, watchlistText());
      io.out(`\n== Addresses to watch, as a threat-intelligence export lists them (${watchlist}) ==\n${await readFile(watchlist, 'utf8')}`);
      await run(`6. The daily report for ${last} (UTC), as e-mail and Slack would receive it`, 'report', [
        ...state,
        '--date',
        last,
        '--out',
        out,
        '--suppressions',
        suppressions,
        '--watchlist',
        watchlist,
        '--interfaces',
        join(data, INTERFACES_FILE),
        '--interfaces',
        join(data, INSTANCES_FILE),
      ]);

      const early = addDays(first, 2);
      const earlyOut = join(dir, 'report-early');
      await run(`7. The report for ${early}: only 2 earlier days, so the spike rules wait for a baseline of 3 complete days`, 'report', [
        ...state,
        '--date',
        early,
        '--out',
        earlyOut,
      ]);

      const found = await compareWithIncidents(join(data, MANIFEST_FILE), join(out, 'report.json'), last);
      const held = await checkBaselineBuilding(join(earlyOut, 'report.json'));
      const placed = await checkPlaces(join(out, 'report.json'));
      io.out(`\n== 8. Did the reports find what was injected? ==\n${[...found.lines, held.line, ...placed.lines].join('\n')}\n`);
      io.out(
        [
          '',
          `Files: the sample bucket is ${data}; report.txt, report.json and one CSV per query are in ${out}.`,
          `The report as a web page (charts, findings, queries; open it in a browser): ${join(out, 'report.html')}`,
          'Next: run the same report for Tokyo working days:',
          `  npx flowlog-pilot report --data ${data} --state ${join(dir, 'state')} --date ${last} --tz Asia/Tokyo`,
          'or deploy it to AWS (README, "Deploy to AWS").',
          '',
        ].join('\n'),
      );
      return found.missed === 0 && held.ok && placed.ok ? 0 : 1;
    },
  };
}

function step(commands: readonly Command[], io: CliIo) {
  return async (title: string, name: string, args: readonly string[]): Promise<void> => {
    const command = commands.find((c) => c.name === name);
    if (command === undefined) throw new FlowlogError(`the ${name} command is missing from this build`);
    io.out(`\n== ${title} ==\n$ flowlog-pilot ${name} ${args.map(shellWord).join(' ')}\n`);
    const code = await command.run(args, io);
    if (code !== 0) throw new FlowlogError(`step "${title}" failed (flowlog-pilot ${name} exited ${code})`);
  };
}

/** Pairs each injected incident with a finding of its rule, so the demo checks itself. */
async function compareWithIncidents(manifestPath: string, reportPath: string, day: UtcDay): Promise<{ lines: string[]; missed: number }> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as SampleManifest;
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
  const incidents = manifest.incidents.filter((i) => i.day === day);
  const lines = incidents.map((incident) => {
    if (incident.knownReason !== undefined) {
      // Known traffic must be listed apart under suppressed, and not among the findings.
      const apart = report.suppressed?.some((x) => x.rule === incident.rule && x.rows.some((row) => row.sourceaddress === incident.sourceAddress)) === true;
      const leaked = report.findings.some((f) => f.rule === incident.rule && f.rows.some((row) => row.sourceaddress === incident.sourceAddress));
      return `  ${apart && !leaked ? 'silenced' : 'MISSED  '} ${incident.rule.padEnd(23)} ${incident.description} (suppressed: ${incident.knownReason})`;
    }
    if (incident.rule === 'watchlist') return watchlistLine(report, incident);
    const finding = report.findings.find(
      (f) => f.rule === incident.rule && (incident.sourceAddress === undefined || f.rows.some((row) => Object.values(row).includes(incident.sourceAddress ?? ''))),
    );
    // Incidents exist on the last day only, so each must also be reported as new today.
    const status = finding === undefined ? 'MISSED' : finding.newToday === true ? 'found ' : 'NOTNEW';
    return `  ${status}  ${incident.rule.padEnd(24)} ${incident.description}${finding === undefined ? '' : ` (${noveltyText(finding)})`}`;
  });
  const missed = lines.filter((l) => l.includes('MISSED') || l.includes('NOTNEW')).length;
  const expired = (report.expiredSuppressions ?? []).map((e) => `  expired  suppression entry ${e.entry} (${e.reason}, expired ${e.expires}) no longer applies`);
  const extra = report.findings.filter((f) => !incidents.some((i) => i.rule === f.rule)).map((f) => `  extra   ${f.rule.padEnd(24)} ${f.title}`);
  return { lines: [...lines, ...expired, ...extra, `  ${incidents.length - missed} of ${incidents.length} injected incidents found, ${extra.length} other findings.`], missed };
}

/**
 * A watchlist case is found when a row of the watchlist finding names its listed address with its
 * label, and says on how many earlier days that address was seen: 0 for a new case, the sample's
 * earlier days (at most the 7 of the baseline) for the ongoing beacon.
 */
function watchlistLine(report: Report, incident: SampleManifest['incidents'][number]): string {
  const finding = report.findings.find((f) => f.rule === 'watchlist');
  const row = finding?.rows.find((r) => r.listed_address === incident.destinationAddress && r.label === incident.label);
  const expected = Math.min(BASELINE_DAYS, incident.earlierDays ?? 0);
  const seen = typeof row?.seen_days === 'number' ? row.seen_days : undefined;
  const status = row === undefined ? 'MISSED' : seen !== expected ? 'NOTNEW' : 'found ';
  const novelty = seen === undefined ? '' : seen === 0 ? ' (new today' : ` (seen on ${seen} of the last ${finding?.seenOfDays ?? BASELINE_DAYS} days`;
  return `  ${status}  ${incident.rule.padEnd(24)} ${incident.description}${row === undefined ? '' : `${novelty}, ${String(row.severity)})`}`;
}

/** The demo's watchlist: the sample's blocks as CIDR,label lines, the shape many feeds export. */
function watchlistText(): string {
  return `# Threat intelligence export (sample): CIDR,label\n${SAMPLE_WATCHLIST.map((e) => `${e.cidr},${e.label}`).join('\n')}\n`;
}

/** Where the findings' interfaces live, from the sample's describe-network-interfaces and describe-instances files (--interfaces). */
async function checkPlaces(reportPath: string): Promise<{ lines: string[]; ok: boolean }> {
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
  const summary = report.interfaces;
  if (summary === undefined) return { lines: [`  ${'WRONG '}  ${'where interfaces live'.padEnd(24)} the report looked up no interface`], ok: false };
  // Addresses outside the VPC (the office network over the VPN) are rightly not found.
  const ok = summary.error === undefined && summary.found > 0;
  const example = report.findings.flatMap((f) => f.places ?? [])[0];
  return {
    lines: [
      `  ${ok ? 'placed' : 'WRONG '}  ${'where interfaces live'.padEnd(24)} ${summary.found} of ${summary.asked} interfaces and private addresses, from ${summary.source}${summary.notFound.length === 0 ? '' : ` (not in the file: ${summary.notFound.slice(0, 3).join(', ')})`}`,
      ...(example === undefined ? [] : [`          e.g. ${placeLine(example)}`]),
    ],
    ok,
  };
}

/** The early report must hold both spike rules back ("baseline building: 2 of 3 days") instead of comparing with 2 days. */
async function checkBaselineBuilding(reportPath: string): Promise<{ line: string; ok: boolean }> {
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
  const held = (report.building ?? []).map((b) => b.rule).sort();
  const ok =
    held.join() === 'egress-spike,reject-spike' &&
    report.building?.every((b) => b.completeDays === 2 && b.requiredDays === 3) === true &&
    !report.findings.some((f) => held.includes(f.rule));
  const text = report.building?.[0] === undefined ? 'no rule held back' : `${held.join(', ')}: ${buildingText(report.building[0])}`;
  return { line: `  ${ok ? 'held  ' : 'WRONG '}  ${'baseline maturity'.padEnd(24)} ${report.window.date}: ${text}`, ok };
}

/**
 * The demo's suppressions file: the sample's known scanner (silenced until a month after the
 * report day) and an entry that expired the day before, which the report must list as expired.
 */
async function suppressionsFor(manifestPath: string, day: UtcDay): Promise<string> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as SampleManifest;
  const known = manifest.incidents.filter((i) => i.day === day && i.knownReason !== undefined && i.sourceAddress !== undefined);
  const entries = known.map((i) => [`- rule: ${i.rule}`, `  source: ${i.sourceAddress}/32`, `  reason: ${i.knownReason}`, `  expires: ${addDays(day, 30)}`].join('\n'));
  entries.push(
    [`- rule: admin-port-exposure`, `  source: 192.0.2.0/24`, `  ports: [3389]`, `  reason: Contractor RDP access during the migration`, `  expires: ${addDays(day, -1)}`].join(
      '\n',
    ),
  );
  return `${entries.join('\n')}\n`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
