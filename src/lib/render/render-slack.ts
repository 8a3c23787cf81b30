/**
 * The report as a Slack incoming-webhook message (Block Kit). Slack rejects a message over its
 * limits (50 blocks, 3,000 characters of section text, 150 of header) and in practice anything
 * much above ~13k characters of blocks, so this keeps a budget and ends with "+N more".
 *
 * Values from the logs are hostile: `&`, `<`, `>` are escaped (no `<!channel>`, no `<url|text>`
 * links), text objects are `verbatim` (Slack does not auto-link URLs or channel names), and
 * rows and error messages sit in code blocks whose backticks cannot be closed from the data.
 */
import type { BaselineBuilding, Digest, Finding, InterfacePlace, Report } from '../report/model.js';
import { buildingText } from '../report/baseline.js';
import { lookupText, placeLabel, placeLine, placesShownBy } from '../report/interfaces.js';
import {
  withReportTimes,
  consoleHint,
  countBySeverity,
  failedQueries,
  findingsBySeverity,
  formatBytes,
  formatCount,
  formatUsd,
  noveltyText,
  plural,
  suppressionText,
  safeLine,
  smallTable,
} from './present.js';
import { renderSubject } from './subject.js';

export const SLACK_MAX_BLOCKS = 50;
export const SLACK_SECTION_MAX_CHARS = 3_000;
export const SLACK_HEADER_MAX_CHARS = 150;
/** Slack documents no total, but messages much above ~13k characters of blocks are refused. */
export const SLACK_BLOCKS_MAX_CHARS = 12_000;
/** Block Kit button element: text at most 75 characters, url at most 3,000. */
export const SLACK_BUTTON_TEXT_MAX_CHARS = 75;
export const SLACK_BUTTON_URL_MAX_CHARS = 3_000;

export interface SlackText {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  readonly verbatim?: boolean;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text: SlackText }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'divider' }
  | { readonly type: 'actions'; readonly elements: readonly SlackButton[] };

/** A link button: Slack opens its url in the reader's browser (the S3 console asks them to sign in). */
export interface SlackButton {
  readonly type: 'button';
  readonly text: { readonly type: 'plain_text'; readonly text: string; readonly emoji: false };
  readonly url: string;
  readonly action_id: string;
  readonly style?: 'primary';
}

export interface SlackMessage {
  /** Shown in notifications and by clients that cannot show blocks. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export interface SlackOptions {
  readonly maxRows?: number;
  readonly maxBlocks?: number;
  readonly maxBlocksChars?: number;
}

/** Escapes the three characters Slack treats as control in any text it parses. */
export function escapeSlack(value: string): string {
  return safeLine(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A code block whose content cannot end it early: data backticks become a look-alike. */
function codeBlock(lines: readonly string[]): string {
  return `\`\`\`\n${lines.map((l) => escapeSlack(l).replaceAll('`', 'ˋ')).join('\n')}\n\`\`\``;
}

function inlineCode(value: string): string {
  return `\`${escapeSlack(value).replaceAll('`', 'ˋ')}\``;
}

const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text: fitSection(text), verbatim: true });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [mrkdwn(text)] });

/** Cuts section text to Slack's limit, closing a code block that the cut left open. */
function fitSection(text: string): string {
  if (text.length <= SLACK_SECTION_MAX_CHARS) return text;
  const suffix = '\n…(cut)';
  let cutText = text.slice(0, SLACK_SECTION_MAX_CHARS - suffix.length - 4);
  const open = (cutText.match(/```/g) ?? []).length % 2 === 1;
  if (open) cutText += '\n```';
  return `${cutText}${suffix}`;
}

const SEVERITY_MARK: Readonly<Record<Finding['severity'], string>> = { high: ':red_circle: HIGH', medium: ':large_orange_circle: MEDIUM', low: ':white_circle: LOW' };

/** The whole message, within Slack's limits whatever the report's size. */
export function renderSlackBlocks(report: Report, options: SlackOptions = {}): SlackMessage {
  return renderSlack(report, options).message;
}

/** The message and how many findings and digests did not fit (the notifier reports it). */
export function renderSlack(given: Report, options: SlackOptions = {}): { message: SlackMessage; leftOut: number } {
  const report = withReportTimes(given);
  const maxRows = options.maxRows ?? 5;
  const maxBlocks = options.maxBlocks ?? SLACK_MAX_BLOCKS;
  const maxChars = options.maxBlocksChars ?? SLACK_BLOCKS_MAX_CHARS;
  const severities = countBySeverity(report);
  const header: SlackBlock = {
    type: 'header',
    text: { type: 'plain_text', text: safeLine(`flowlog-pilot ${report.window.date} (${report.window.timezone})`, SLACK_HEADER_MAX_CHARS), emoji: false },
  };
  const summary = section(
    [
      `*${plural(report.findings.length, 'finding')}* (${severities.high} high, ${severities.medium} medium, ${severities.low} low) in ${inlineCode(`${report.database}.${report.table}`)} on ${report.engine}`,
      `Window ${inlineCode(report.window.start)} to ${inlineCode(report.window.end)}`,
      `Records ${formatCount(report.totals.records)} · accepted ${formatCount(report.totals.accepted)} · rejected ${formatCount(report.totals.rejected)} · ${formatBytes(report.totals.bytes)}`,
    ].join('\n'),
  );
  const head: SlackBlock[] = [header, summary, ...reportButtons(report)];
  if (suppressionText(report) !== '') {
    // Each group with where its first rows' machines live, in a few words (Name and instance).
    const on = (places: readonly InterfacePlace[] | undefined) =>
      places === undefined || places.length === 0
        ? ''
        : ` on ${places
            .slice(0, 2)
            .map((p) => inlineCode(safeLine(`${p.key} ${placeLabel(p)}`, 80)))
            .join(', ')}${places.length > 2 ? ` +${places.length - 2} more` : ''}`;
    const groups = (report.suppressed ?? [])
      .slice(0, 3)
      .map((s) => `${inlineCode(safeLine(s.rule, 60))} ${escapeSlack(safeLine(s.reason, 80))}${on(placesShownBy(s.places, s.rows.slice(0, maxRows)))}`);
    head.push(context(`${escapeSlack(suppressionText(report))}${groups.length === 0 ? '' : `: ${groups.join(', ')}`}`));
  }
  if (lookupText(report) !== '') head.push(context(escapeSlack(lookupText(report))));
  if (report.building !== undefined && report.building.length > 0) {
    head.push(
      context(
        `${report.building
          .slice(0, 5)
          .map((b) => inlineCode(safeLine(b.rule, 60)))
          .join(', ')}: ${buildingText(report.building[0] as BaselineBuilding)}`,
      ),
    );
  }
  const tail = tailBlocks(report);

  const items: { blocks: SlackBlock[]; kind: 'finding' | 'digest' }[] = [
    ...findingsBySeverity(report).map((f) => ({ blocks: findingBlocks(f, maxRows), kind: 'finding' as const })),
    ...report.digests.map((d) => ({ blocks: digestBlocks(d, maxRows), kind: 'digest' as const })),
  ];

  const body: SlackBlock[] = [];
  const notice = (findings: number, digests: number) =>
    context(
      `+${[findings > 0 ? plural(findings, 'more finding') : '', digests > 0 ? plural(digests, 'more digest') : ''].filter((s) => s !== '').join(', ')} not shown: see the e-mail or the results locations.`,
    );
  const size = (blocks: readonly SlackBlock[]) => JSON.stringify(blocks).length;
  let shown = 0;
  for (const item of items) {
    const left = items.slice(shown + 1);
    const reserve = left.length > 0 ? [notice(left.length, left.length)] : [];
    const candidate = [...head, ...body, ...item.blocks, ...reserve, ...tail];
    if (candidate.length > maxBlocks || size(candidate) > maxChars) break;
    body.push(...item.blocks);
    shown += 1;
  }
  const hidden = items.slice(shown);
  if (hidden.length > 0) body.push(notice(hidden.filter((i) => i.kind === 'finding').length, hidden.filter((i) => i.kind === 'digest').length));
  return { message: { text: escapeSlack(renderSubject(report)), blocks: [...head, ...body, ...tail] }, leftOut: hidden.length };
}

/** "Open report" (the main file) and "All files" (the folder), when the files were saved; a link too long for a button is left out. */
function reportButtons(report: Report): SlackBlock[] {
  const files = report.files;
  if (files === undefined) return [];
  const button = (text: string, url: string, actionId: string, primary: boolean): SlackButton[] =>
    url.length > SLACK_BUTTON_URL_MAX_CHARS
      ? []
      : [
          {
            type: 'button',
            text: { type: 'plain_text', text: safeLine(text, SLACK_BUTTON_TEXT_MAX_CHARS), emoji: false },
            url,
            action_id: actionId,
            ...(primary ? { style: 'primary' as const } : {}),
          },
        ];
  const elements = [...button('Open report', files.mainUrl, 'open-report', true), ...button('All files', files.folderUrl, 'open-report-folder', false)];
  return elements.length === 0 ? [] : [{ type: 'actions', elements }];
}

function findingBlocks(finding: Finding, maxRows: number): SlackBlock[] {
  const technique = finding.technique === undefined ? '' : ` · ATT&amp;CK ${inlineCode(finding.technique)}`;
  const table = smallTable(finding.rows, finding.rowsLeftOut, maxRows, 30);
  const lines = [
    `*${SEVERITY_MARK[finding.severity]}* ${escapeSlack(cutTitle(finding.title))}`,
    `rule ${inlineCode(finding.rule)}${technique} · ${plural(finding.count, 'match', 'matches')}${noveltyText(finding) === '' ? '' : ` · *${noveltyText(finding)}*`}`,
  ];
  if (table.lines.length > 0) lines.push(codeBlock(table.lines));
  if (table.more > 0) lines.push(`+${formatCount(table.more)} more`);
  lines.push(...whereLines(finding, maxRows));
  const blocks = [section(lines.join('\n'))];
  if (finding.resultsLocation !== undefined) blocks.push(context(`Full result: ${inlineCode(finding.resultsLocation)}`));
  return blocks;
}

function digestBlocks(digest: Digest, maxRows: number): SlackBlock[] {
  const table = smallTable(digest.rows, digest.rowsLeftOut, maxRows, 30);
  const lines = [`*${escapeSlack(cutTitle(digest.title))}*`];
  if (table.lines.length > 0) lines.push(codeBlock(table.lines));
  if (table.more > 0) lines.push(`+${formatCount(table.more)} more`);
  lines.push(...whereLines(digest, maxRows));
  return [section(lines.join('\n'))];
}

/** Where the interfaces of the rows shown live, in a code block of their own (tags and names come from the account). */
function whereLines(item: Finding | Digest, maxRows: number): string[] {
  const places = placesShownBy(item.places, item.rows.slice(0, maxRows)) ?? [];
  return places.length === 0 ? [] : ['*Where*', codeBlock(places.map((p) => safeLine(placeLine(p), 200)))];
}

function cutTitle(title: string): string {
  return safeLine(title, 200);
}

function tailBlocks(report: Report): SlackBlock[] {
  const failed = failedQueries(report);
  const blocks: SlackBlock[] = [{ type: 'divider' }];
  const ok = report.queries.length - failed.length;
  blocks.push(
    context(
      `${plural(report.queries.length, 'query', 'queries')} (${ok} succeeded, ${failed.length} failed) · scanned ${formatBytes(report.bytesScanned)} · cost ${formatUsd(report.costUsd)}`,
    ),
  );
  if (failed.length > 0) {
    const shown = failed.slice(0, 5).map((q) => `${safeLine(q.name, 60)}: ${safeLine(q.error ?? 'no error message', 300)}`);
    if (failed.length > 5) shown.push(`+${failed.length - 5} more`);
    blocks.push(section(`*:warning: Failed queries (the report is incomplete)*\n${codeBlock(shown)}`));
  }
  if (report.warnings.length > 0) {
    const shown = report.warnings.slice(0, 5).map((w) => safeLine(w, 300));
    if (report.warnings.length > 5) shown.push(`+${report.warnings.length - 5} more`);
    blocks.push(section(`*Warnings*\n${codeBlock(shown)}`));
  }
  blocks.push(context(escapeSlack(consoleHint(report))));
  return blocks;
}
