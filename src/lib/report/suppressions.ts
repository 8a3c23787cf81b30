/**
 * Suppressions: known traffic (an office range allowed to reach SSH, a known scanner, a backup
 * job's egress) silenced with a reason and an expiry date. Suppressed matches are counted and
 * listed apart, never dropped; an expired entry is reported and no longer applies. Parsing and
 * matching are pure; the file is read at the edge (CLI) and its text handed in.
 */
import { load as loadYaml } from 'js-yaml';
import { ConfigError } from '../errors.js';
import type { Row } from '../ports.js';
import { cidrContains, parseCidr, type Cidr } from './cidr.js';
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

const KEYS = ['rule', 'source', 'destination', 'ports', 'interface', 'reason', 'expires'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ENI = /^eni-[0-9a-f]{8,17}$/;

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Reads a suppressions file (YAML or JSON: a list of entries, or `suppressions:` holding one).
 * Every bad entry is named in one ConfigError, so a file is fixed in one pass and nothing is
 * applied half-way. `knownRules`, when given, refuses a rule name that no detection has.
 */
export function parseSuppressions(text: string, source: string, knownRules?: readonly string[]): readonly Suppression[] {
  let document: unknown;
  try {
    document = loadYaml(text, { filename: source, json: true });
  } catch (error) {
    throw new ConfigError([`${source}: not valid YAML or JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`]);
  }
  const entries = Array.isArray(document) ? document : typeof document === 'object' && document !== null && 'suppressions' in document ? (document as { suppressions: unknown }).suppressions : document ?? [];
  if (!Array.isArray(entries)) throw new ConfigError([`${source}: expected a list of suppressions (or "suppressions:" holding one)`]);
  const problems: string[] = [];
  const parsed: Suppression[] = [];
  entries.forEach((raw: unknown, i) => {
    const where = `${source}: entry ${i + 1}`;
    const bad = (message: string) => problems.push(`${where}: ${message}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return void bad('must be a mapping of rule, source, destination, ports, interface, reason, expires');
    const o = raw as Record<string, unknown>;
    const before = problems.length;
    for (const key of Object.keys(o)) if (!(KEYS as readonly string[]).includes(key)) bad(`unknown key ${JSON.stringify(key)} (known: ${KEYS.join(', ')})`);
    const rule = o.rule;
    if (rule !== undefined && (typeof rule !== 'string' || (knownRules !== undefined && !knownRules.includes(rule)))) bad(`rule ${JSON.stringify(rule)} is not a detection${knownRules === undefined ? '' : ` (known: ${knownRules.join(', ')})`}`);
    const cidrs = (key: 'source' | 'destination') =>
      asList(o[key]).flatMap((value) => {
        try {
          return [parseCidr(value, key)];
        } catch (error) {
          bad(error instanceof Error ? error.message : String(error));
          return [];
        }
      });
    const sources = cidrs('source');
    const destinations = cidrs('destination');
    const ports = asList(o.ports).flatMap((p) => {
      if (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 65535) return [p];
      bad(`ports are whole numbers from 0 to 65535, got ${JSON.stringify(p)}`);
      return [];
    });
    const interfaceId = o.interface;
    if (interfaceId !== undefined && (typeof interfaceId !== 'string' || !ENI.test(interfaceId))) bad(`interface must be an interface id such as eni-0a1b2c3d4e5f60718, got ${JSON.stringify(interfaceId)}`);
    const reason = o.reason;
    if (typeof reason !== 'string' || reason.trim() === '') bad('needs a reason (who asked, and why this traffic is expected)');
    const expires = o.expires instanceof Date ? o.expires.toISOString().slice(0, 10) : o.expires;
    if (typeof expires !== 'string' || !DATE.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) bad(`needs an expiry date as YYYY-MM-DD, got ${JSON.stringify(o.expires ?? null)}`);
    if (rule === undefined && asList(o.source).length === 0 && asList(o.destination).length === 0 && asList(o.ports).length === 0 && interfaceId === undefined) {
      bad('matches everything: give at least one of rule, source, destination, ports, interface');
    }
    if (problems.length > before) return;
    parsed.push({
      entry: i + 1,
      ...(rule === undefined ? {} : { rule: rule as string }),
      sources,
      destinations,
      ports,
      ...(interfaceId === undefined ? {} : { interfaceId: interfaceId as string }),
      reason: (reason as string).trim(),
      expires: expires as string,
    });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(parsed);
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
