/**
 * Suppressions: known traffic (an office range allowed to reach SSH, a known scanner, a backup
 * job's egress) silenced with a reason and an expiry date. Suppressed matches are counted and
 * listed apart, never dropped; an expired entry is reported and no longer applies. Matching is
 * pure; reading the file is in suppressions-file.ts, so the report Lambda's bundle carries no YAML parser.
 */
import type { Row } from '../ports.js';
import { cidrContains, type Cidr } from './cidr.js';
import type { ExpiredSuppression, Finding, SuppressedMatch } from './model.js';

export interface Suppression {
  /** 1-based position in the file, for messages. */
  readonly entry: number;
  readonly rule?: string;
  readonly sources: readonly Cidr[];
  readonly destinations: readonly Cidr[];
  readonly ports: readonly number[];
  readonly interfaceId?: string;
  readonly reason: string;
  /** Last day (YYYY-MM-DD, in the report's zone) on which the entry applies. */
  readonly expires: string;
}

/** Whether one entry silences one row of a rule's result. A field the entry names but the row lacks never matches. */
export function suppressionMatches(entry: Suppression, rule: string, row: Row): boolean {
  if (entry.rule !== undefined && entry.rule !== rule) return false;
  if (entry.sources.length > 0 && !entry.sources.some((c) => cidrContains(c, text(row.sourceaddress)))) return false;
  if (entry.destinations.length > 0 && !entry.destinations.some((c) => cidrContains(c, text(row.destinationaddress)))) return false;
  if (entry.ports.length > 0 && !entry.ports.includes(Number(row.destinationport))) return false;
  if (entry.interfaceId !== undefined && row.interfaceid !== entry.interfaceId) return false;
  return true;
}

const text = (cell: Row[string] | undefined): string | undefined => (typeof cell === 'string' ? cell : undefined);

export interface SuppressionOutcome {
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedMatch[];
  readonly expired: readonly ExpiredSuppression[];
}

/**
 * Takes the rows the active entries silence out of each finding and lists them apart; a finding
 * left without rows (and with none left out by the engine) is dropped from the findings, since all
 * it held is listed under suppressed. Entries whose expiry date is before `date` do not apply.
 */
export function applySuppressions(findings: readonly Finding[], entries: readonly Suppression[], date: string): SuppressionOutcome {
  const active = entries.filter((e) => e.expires >= date);
  const expired = entries.filter((e) => e.expires < date).map((e) => ({ entry: e.entry, reason: e.reason, expires: e.expires }));
  const suppressed = new Map<string, { match: Omit<SuppressedMatch, 'rows' | 'count'>; rows: Row[] }>();
  const kept: Finding[] = [];
  for (const finding of findings) {
    const remaining: Row[] = [];
    for (const row of finding.rows) {
      const entry = active.find((e) => suppressionMatches(e, finding.rule, row));
      if (entry === undefined) {
        remaining.push(row);
        continue;
      }
      const key = `${finding.rule}\u0000${entry.entry}`;
      const group = suppressed.get(key) ?? { match: { rule: finding.rule, entry: entry.entry, reason: entry.reason, expires: entry.expires }, rows: [] };
      group.rows.push(row);
      suppressed.set(key, group);
    }
    const silenced = finding.rows.length - remaining.length;
    if (silenced === 0) kept.push(finding);
    else if (remaining.length > 0 || finding.rowsLeftOut > 0) kept.push({ ...finding, rows: remaining, count: finding.count - silenced });
  }
  return {
    findings: kept,
    suppressed: [...suppressed.values()].map((g) => ({ ...g.match, count: g.rows.length, rows: g.rows })),
    expired,
  };
}
