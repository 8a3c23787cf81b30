/**
 * One SNS publish that serves every subscriber of the topic (MessageStructure `json`): e-mail
 * gets the text, a chat channel (Amazon Q Developer in chat applications, over https) its custom
 * format, SQS and Lambda (the Slack forwarder) the full JSON report.
 *
 * SNS refuses a publish over 256 KiB, and a day with a port scan can have thousands of rows. The
 * message is never dropped: rows are cut step by step (counts, rowsLeftOut and the results
 * location of the full CSV stay) until the whole publish fits.
 */
import type { Row } from '../ports.js';
import type { Digest, Finding, QueryRun, Report } from '../report/model.js';
import { renderChatNotification } from './render-chat.js';
import { canonicalReport, renderJson } from './render-json.js';
import { renderText } from './render-text.js';
import { cut, findingsBySeverity } from './present.js';
import { placesShownBy } from '../report/interfaces.js';
import { renderSubject } from './subject.js';

/** SNS Publish: 262,144 bytes for the body plus attributes (and we count the subject too). */
export const SNS_MAX_PUBLISH_BYTES = 262_144;

export interface SnsMessage {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageStructure: 'json';
  /** Rows or text were cut to fit. */
  readonly truncated: boolean;
  /** UTF-8 bytes of Message plus Subject, what SNS counts against its limit. */
  readonly sizeBytes: number;
}

export interface SnsMessageOptions {
  readonly maxBytes?: number;
}

/** How hard to cut: each step keeps fewer rows and shorter strings. */
interface Shrink {
  readonly maxRows: number;
  readonly maxCellChars: number;
  readonly maxStringChars: number;
  readonly maxWarnings: number;
  readonly maxFindings: number;
  readonly maxDigests: number;
  readonly maxQueries: number;
}

const UNLIMITED = Number.POSITIVE_INFINITY;
const STEPS: readonly Shrink[] = [
  { maxRows: 200, maxCellChars: 1_000, maxStringChars: 4_000, maxWarnings: 200, maxFindings: UNLIMITED, maxDigests: UNLIMITED, maxQueries: UNLIMITED },
  { maxRows: 100, maxCellChars: 500, maxStringChars: 2_000, maxWarnings: 100, maxFindings: UNLIMITED, maxDigests: UNLIMITED, maxQueries: UNLIMITED },
  { maxRows: 50, maxCellChars: 200, maxStringChars: 1_000, maxWarnings: 50, maxFindings: UNLIMITED, maxDigests: UNLIMITED, maxQueries: UNLIMITED },
  { maxRows: 20, maxCellChars: 100, maxStringChars: 500, maxWarnings: 20, maxFindings: UNLIMITED, maxDigests: UNLIMITED, maxQueries: UNLIMITED },
  { maxRows: 10, maxCellChars: 100, maxStringChars: 300, maxWarnings: 20, maxFindings: UNLIMITED, maxDigests: UNLIMITED, maxQueries: UNLIMITED },
  { maxRows: 5, maxCellChars: 60, maxStringChars: 200, maxWarnings: 10, maxFindings: UNLIMITED, maxDigests: UNLIMITED, maxQueries: UNLIMITED },
  { maxRows: 2, maxCellChars: 60, maxStringChars: 200, maxWarnings: 10, maxFindings: UNLIMITED, maxDigests: UNLIMITED, maxQueries: UNLIMITED },
  { maxRows: 0, maxCellChars: 60, maxStringChars: 200, maxWarnings: 5, maxFindings: 500, maxDigests: 20, maxQueries: 200 },
  { maxRows: 0, maxCellChars: 60, maxStringChars: 120, maxWarnings: 5, maxFindings: 100, maxDigests: 10, maxQueries: 50 },
  { maxRows: 0, maxCellChars: 60, maxStringChars: 100, maxWarnings: 2, maxFindings: 20, maxDigests: 5, maxQueries: 20 },
];

/** Builds the publish input; cuts rows only when the whole message would not fit. */
export function buildSnsMessage(report: Report, options: SnsMessageOptions = {}): SnsMessage {
  const maxBytes = options.maxBytes ?? SNS_MAX_PUBLISH_BYTES;
  const full = fitting(canonicalReport(report), false, maxBytes);
  if (full !== undefined) return full;
  for (const step of STEPS) {
    const candidate = fitting(shrinkReport(report, step), true, maxBytes);
    if (candidate !== undefined) return candidate;
  }
  throw new RangeError(`the report does not fit in ${maxBytes} bytes even with every row cut`);
}

/** The message when it fits. The JSON report is in it twice: when that alone is too big, nothing else is rendered. */
function fitting(report: Report, truncated: boolean, maxBytes: number): SnsMessage | undefined {
  if (Buffer.byteLength(JSON.stringify(report), 'utf8') * 2 > maxBytes) return undefined;
  const message = assemble(report, truncated);
  return message.sizeBytes <= maxBytes ? message : undefined;
}

function assemble(report: Report, truncated: boolean): SnsMessage {
  const text = renderText(report);
  const json = renderJson(report);
  const Message = JSON.stringify({
    default: text,
    email: text,
    https: JSON.stringify(renderChatNotification(report)),
    sqs: json,
    lambda: json,
  });
  const Subject = renderSubject(report);
  return { Subject, Message, MessageStructure: 'json', truncated, sizeBytes: Buffer.byteLength(Message, 'utf8') + Buffer.byteLength(Subject, 'utf8') };
}

/**
 * A smaller report with the same facts: counts stay, the rows cut are added to rowsLeftOut, a
 * warning says what was cut and where the full results are.
 */
export function shrinkReport(report: Report, step: Shrink): Report {
  const s = (value: string) => cut(value, step.maxStringChars);
  const rows = (list: readonly Row[]) =>
    list
      .slice(0, step.maxRows)
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [cut(k, step.maxCellChars), typeof v === 'string' ? cut(v, step.maxCellChars) : v])));
  // Interface context stays only for the names the kept rows still show.
  const places = (item: Finding | Digest) => ({ places: placesShownBy(item.places, item.rows.slice(0, step.maxRows)) });
  const finding = (f: Finding): Finding => ({
    ...f,
    rule: s(f.rule),
    title: s(f.title),
    ...(f.technique === undefined ? {} : { technique: s(f.technique) }),
    rows: rows(f.rows),
    rowsLeftOut: f.rowsLeftOut + Math.max(0, f.rows.length - step.maxRows),
    ...places(f),
  });
  const digest = (d: Digest): Digest => ({
    ...d,
    rule: s(d.rule),
    title: s(d.title),
    rows: rows(d.rows),
    rowsLeftOut: d.rowsLeftOut + Math.max(0, d.rows.length - step.maxRows),
    ...places(d),
  });
  const query = (q: QueryRun): QueryRun => ({ ...q, name: s(q.name), ...(q.error === undefined ? {} : { error: s(q.error) }) });

  const findings = findingsBySeverity(report).slice(0, step.maxFindings).map(finding);
  const digests = report.digests.slice(0, step.maxDigests).map(digest);
  const queries = [...report.queries.filter((q) => q.status === 'failed'), ...report.queries.filter((q) => q.status === 'succeeded')].slice(0, step.maxQueries).map(query);
  const notes = [
    `rows cut to at most ${step.maxRows} per finding to fit the SNS message size limit; each finding's full result is at its results location`,
    ...(findings.length < report.findings.length ? [`${report.findings.length - findings.length} findings left out to fit the SNS message size limit`] : []),
    ...(digests.length < report.digests.length ? [`${report.digests.length - digests.length} digests left out to fit the SNS message size limit`] : []),
    ...(queries.length < report.queries.length ? [`${report.queries.length - queries.length} query runs left out to fit the SNS message size limit`] : []),
    ...(report.warnings.length > step.maxWarnings ? [`${report.warnings.length - step.maxWarnings} more warnings left out`] : []),
  ];
  // Suppressed matches keep their counts and reasons; only their rows are cut, like a finding's.
  const suppressed = report.suppressed?.map((x) => ({
    ...x,
    rule: s(x.rule),
    reason: s(x.reason),
    rows: rows(x.rows),
    places: placesShownBy(x.places, x.rows.slice(0, step.maxRows)),
  }));
  return canonicalReport({
    ...report,
    // Chart data is for the HTML report; a message cut to fit has no room for it.
    series: undefined,
    findings,
    digests,
    ...(suppressed === undefined ? {} : { suppressed }),
    queries,
    warnings: [...notes, ...report.warnings.slice(0, step.maxWarnings).map(s)],
  });
}
