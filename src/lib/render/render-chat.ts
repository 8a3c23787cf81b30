/**
 * The report in the custom notification format of Amazon Q Developer in chat applications
 * (formerly AWS Chatbot), which drops free-form SNS text: this is what the SNS `https` key
 * carries to a chat channel subscribed to the topic.
 *
 * The service renders the text as the chat client's markdown (Slack or Teams), so data values
 * are escaped like Slack's and rows sit in code spans. Its size limits are not all documented:
 * the caps below are conservative (the description becomes one Slack section, 3,000 characters).
 */
import type { BaselineBuilding, Report } from '../report/model.js';
import { buildingText } from '../report/baseline.js';
import { lookupText, placeLabel } from '../report/interfaces.js';
import { countBySeverity, failedQueries, findingsBySeverity, formatBytes, formatCount, formatUsd, noveltyText, plural, safeLine, suppressionText } from './present.js';
import { renderSubject } from './subject.js';

export const CHAT_TITLE_MAX_CHARS = 250;
export const CHAT_DESCRIPTION_MAX_CHARS = 3_000;
export const CHAT_SUMMARY_MAX_CHARS = 250;
export const CHAT_MAX_NEXT_STEPS = 5;
export const CHAT_NEXT_STEP_MAX_CHARS = 300;

export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
  };
  readonly metadata: {
    readonly summary: string;
    readonly eventType: string;
  };
}

/** The event type chat channels can filter on: findings are a different event from a quiet day. */
export function chatEventType(report: Report): string {
  if (failedQueries(report).length > 0) return 'FlowlogReportIncomplete';
  return report.findings.length > 0 ? 'FlowlogReportFindings' : 'FlowlogReportQuiet';
}

function escape(value: string, maxChars = 200): string {
  return safeLine(value, maxChars).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function code(value: string, maxChars = 200): string {
  return `\`${escape(value, maxChars).replaceAll('`', 'ˋ')}\``;
}

/** Adds lines while they fit, then says how many findings were left out. */
function fitLines(lines: readonly string[], maxChars: number, moreLine: (left: number) => string): string {
  const kept: string[] = [];
  let length = 0;
  for (const [i, line] of lines.entries()) {
    const reserve = i < lines.length - 1 ? moreLine(lines.length - i).length + 1 : 0;
    if (length + line.length + 1 + reserve > maxChars) {
      kept.push(moreLine(lines.length - i));
      return kept.join('\n');
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

/** Everything a chat channel shows: headline, findings high first, and where the full rows are. */
export function renderChatNotification(report: Report): ChatNotification {
  const severities = countBySeverity(report);
  const failed = failedQueries(report);
  const headline = [
    `*${plural(report.findings.length, 'finding')}* (${severities.high} high, ${severities.medium} medium, ${severities.low} low) in ${code(`${report.database}.${report.table}`)}`,
    `Records ${formatCount(report.totals.records)}, rejected ${formatCount(report.totals.rejected)}, ${formatBytes(report.totals.bytes)}; scanned ${formatBytes(report.bytesScanned)} for ${formatUsd(report.costUsd)}`,
  ];
  if (suppressionText(report) !== '') headline.push(escape(suppressionText(report)));
  if (lookupText(report) !== '') headline.push(escape(lookupText(report), 300));
  if (report.building !== undefined && report.building.length > 0) {
    headline.push(
      `${report.building
        .slice(0, 5)
        .map((b) => code(b.rule, 60))
        .join(', ')}: ${buildingText(report.building[0] as BaselineBuilding)}`,
    );
  }
  if (failed.length > 0)
    headline.push(
      `:warning: ${plural(failed.length, 'query', 'queries')} failed: ${failed
        .slice(0, 5)
        .map((q) => code(q.name, 60))
        .join(', ')}`,
    );
  const findingLines = findingsBySeverity(report).map((f) => {
    const technique = f.technique === undefined ? '' : ` ${code(f.technique, 20)}`;
    const where = f.resultsLocation === undefined ? '' : ` → ${code(f.resultsLocation)}`;
    const novelty = noveltyText(f) === '' ? '' : `, ${noveltyText(f)}`;
    // The first two places of its rows, in a few words (Name and instance id): enough to know which
    // machine without opening the console, short enough to leave room for the other findings.
    const places = (f.places ?? []).slice(0, 2).map((p) => code(`${p.key} ${placeLabel(p)}`, 100));
    const on = places.length === 0 ? '' : `; on ${places.join(', ')}${(f.places?.length ?? 0) > 2 ? ` +${(f.places?.length ?? 0) - 2} more` : ''}`;
    return `• *${f.severity.toUpperCase()}* ${escape(f.title)} (${code(f.rule, 60)}${technique}): ${plural(f.count, 'match', 'matches')}${novelty}${on}${where}`;
  });
  const description = fitLines([...headline, ...findingLines], CHAT_DESCRIPTION_MAX_CHARS, (left) => `+${formatCount(left)} more not shown: see the e-mail report`);

  const nextSteps: string[] = [];
  // A bare URL: the chat client links it; markdown link syntax differs between Slack and Teams.
  if (report.files !== undefined && report.files.mainUrl.length <= CHAT_NEXT_STEP_MAX_CHARS - 20) nextSteps.push(`Open the report: ${report.files.mainUrl}`);
  const firstLocation = findingsBySeverity(report).find((f) => f.resultsLocation !== undefined)?.resultsLocation;
  if (firstLocation !== undefined) nextSteps.push(`Full rows of the first finding: ${code(firstLocation)}`);
  if (failed.length > 0) nextSteps.push('Check the failed queries in the report job logs; the report is incomplete.');
  if (report.warnings.length > 0) nextSteps.push(`${plural(report.warnings.length, 'warning')}: ${escape(report.warnings[0] ?? '', 150)}`);
  nextSteps.push(report.engine === 'athena' ? 'Open the Athena console, Query editor, Recent queries, to see every row.' : 'Run `flowlog-pilot report` locally to see every row.');

  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `:shield: ${escape(renderSubject(report), CHAT_TITLE_MAX_CHARS - 10)}`,
      description,
      nextSteps: nextSteps.slice(0, CHAT_MAX_NEXT_STEPS).map((s) => safeLine(s, CHAT_NEXT_STEP_MAX_CHARS)),
    },
    metadata: {
      summary: escape(renderSubject(report), CHAT_SUMMARY_MAX_CHARS),
      eventType: chatEventType(report),
    },
  };
}
