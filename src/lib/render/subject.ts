/**
 * The e-mail subject (SNS Subject): SNS refuses a publish whose subject has a line break or a
 * control character or is 100 characters or longer, so every subject goes through cleanSubject.
 */
import type { Report } from '../report/model.js';
import { countBySeverity, failedQueries, formatCount, newHighCount, plural } from './present.js';

/** SNS: "less than 100 characters". */
export const SNS_SUBJECT_MAX_CHARS = 99;
const ELLIPSIS = '...';

/**
 * Makes any string a valid SNS subject: control and invisible characters become spaces, runs of
 * white space collapse, and a longer subject is cut to 99 characters ending with "...".
 * ASCII dots, because some mail clients mangle a non-ASCII ellipsis in a subject.
 */
export function cleanSubject(value: string): string {
  const clean = value
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  const points = Array.from(clean);
  if (points.length <= SNS_SUBJECT_MAX_CHARS && clean.length <= SNS_SUBJECT_MAX_CHARS) return clean === '' ? 'flowlog-pilot' : clean;
  let keep = SNS_SUBJECT_MAX_CHARS - ELLIPSIS.length;
  while (points.slice(0, keep).join('').length > SNS_SUBJECT_MAX_CHARS - ELLIPSIS.length) keep -= 1;
  return `${points.slice(0, keep).join('').trimEnd()}${ELLIPSIS}`;
}

/** The facts a reader triages by, in the subject line: day, findings, high ones, rejects, failures. */
export function renderSubject(report: Report): string {
  const high = countBySeverity(report).high;
  const newHigh = newHighCount(report);
  const findings =
    report.findings.length === 0
      ? 'no findings'
      : `${plural(report.findings.length, 'finding')}${high > 0 ? ` (${formatCount(high)} high${newHigh > 0 ? `, ${formatCount(newHigh)} new high` : ''})` : ''}`;
  const failed = failedQueries(report).length;
  const failures = failed > 0 ? `, ${plural(failed, 'query', 'queries')} failed` : '';
  return cleanSubject(`flowlog-pilot ${report.window.date}: ${findings}, ${formatCount(report.totals.rejected)} rejected${failures}`);
}
