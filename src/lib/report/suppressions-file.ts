/**
 * Reads a suppressions file (YAML or JSON). Apart from the matching (suppressions.ts) so that
 * only the command line, which reads files, carries the YAML parser.
 */
import { load as loadYaml } from 'js-yaml';
import { ConfigError } from '../errors.js';
import { parseCidr } from './cidr.js';
import type { Suppression } from './suppressions.js';

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

