/**
 * Reads a suppressions file (YAML or JSON). Apart from the matching (suppressions.ts) so that
 * only the command line, which reads files, carries the YAML parser.
 */
import { load as loadYaml } from 'js-yaml';
import * as v from 'valibot';
import { asError, ConfigError } from '../errors.js';
import { isRecord } from '../validation.js';
import { parseCidr } from './cidr.js';
import type { Suppression } from './suppressions.js';

const KEYS = ['rule', 'source', 'destination', 'ports', 'interface', 'reason', 'expires'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ENI = /^eni-[0-9a-f]{8,17}$/;

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const shown = (value: unknown): string => JSON.stringify(value ?? null);

/** What an entry without `reason` or `expires` is told; an entry that is no mapping is told what one holds. */
const MISSING: Readonly<Record<string, string>> = {
  reason: 'needs a reason (who asked, and why this traffic is expected)',
  expires: 'needs an expiry date as YYYY-MM-DD, got null',
};
const NOT_A_MAPPING = `must be a mapping of ${KEYS.join(', ')}`;

/** One CIDR block or a list of them; each bad block is an issue naming the key and the value. */
const cidrs = (key: 'source' | 'destination') =>
  v.optional(
    v.pipe(
      v.unknown(),
      v.transform(asList),
      v.array(
        v.pipe(
          v.unknown(),
          v.rawTransform(({ dataset, addIssue, NEVER }) => {
            try {
              return parseCidr(dataset.value, key);
            } catch (error) {
              addIssue({ message: asError(error).message });
              return NEVER;
            }
          }),
        ),
      ),
    ),
  );

/** One suppression; `knownRules`, when given, are the only rule names it may name. */
const entrySchema = (knownRules: readonly string[] | undefined) =>
  v.pipe(
    v.looseObject(
      {
        rule: v.optional(
          v.pipe(
            v.unknown(),
            v.check(
              (rule) => typeof rule === 'string' && (knownRules === undefined || knownRules.includes(rule)),
              (issue) => `rule ${shown(issue.input)} is not a detection${knownRules === undefined ? '' : ` (known: ${knownRules.join(', ')})`}`,
            ),
            v.transform((rule) => rule as string),
          ),
        ),
        source: cidrs('source'),
        destination: cidrs('destination'),
        ports: v.optional(
          v.pipe(
            v.unknown(),
            v.transform(asList),
            v.array(
              v.pipe(
                v.unknown(),
                v.check(
                  (port) => typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535,
                  (issue) => `ports are whole numbers from 0 to 65535, got ${shown(issue.input)}`,
                ),
                v.transform((port) => port as number),
              ),
            ),
          ),
        ),
        interface: v.optional(
          v.pipe(
            v.unknown(),
            v.check(
              (id) => typeof id === 'string' && ENI.test(id),
              (issue) => `interface must be an interface id such as eni-0a1b2c3d4e5f60718, got ${shown(issue.input)}`,
            ),
            v.transform((id) => id as string),
          ),
        ),
        reason: v.pipe(
          v.unknown(),
          v.check((reason) => typeof reason === 'string' && reason.trim() !== '', MISSING.reason),
          v.transform((reason) => (reason as string).trim()),
        ),
        // YAML reads an unquoted 2026-12-31 as a date.
        expires: v.pipe(
          v.unknown(),
          v.transform((expires) => (expires instanceof Date ? expires.toISOString().slice(0, 10) : expires)),
          v.check(
            (expires) => typeof expires === 'string' && DATE.test(expires) && !Number.isNaN(Date.parse(`${expires}T00:00:00Z`)),
            (issue) => `needs an expiry date as YYYY-MM-DD, got ${shown(issue.input)}`,
          ),
          v.transform((expires) => expires as string),
        ),
      },
      (issue) => (issue.path === undefined ? NOT_A_MAPPING : (MISSING[String(issue.path.at(-1)?.key)] ?? 'missing')),
    ),
    // Both checks look at the mapping as written, whatever else is wrong with it.
    v.rawCheck(({ dataset, addIssue }) => {
      if (!isRecord(dataset.value)) return;
      const entry = dataset.value;
      for (const key of Object.keys(entry)) if (!(KEYS as readonly string[]).includes(key)) addIssue({ message: `unknown key ${JSON.stringify(key)} (known: ${KEYS.join(', ')})` });
      if (
        entry.rule === undefined &&
        asList(entry.source).length === 0 &&
        asList(entry.destination).length === 0 &&
        asList(entry.ports).length === 0 &&
        entry.interface === undefined
      ) {
        addIssue({ message: `matches everything: give at least one of ${KEYS.slice(0, 5).join(', ')}` });
      }
    }),
  );

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
  const entries = Array.isArray(document) ? document : isRecord(document) && 'suppressions' in document ? document.suppressions : (document ?? []);
  const result = v.safeParse(v.array(entrySchema(knownRules), 'expected a list of suppressions (or "suppressions:" holding one)'), entries);
  if (!result.success) {
    throw new ConfigError(
      result.issues.map((issue) => {
        const index = issue.path?.[0]?.key;
        return typeof index === 'number' ? `${source}: entry ${index + 1}: ${issue.message}` : `${source}: ${issue.message}`;
      }),
    );
  }
  return Object.freeze(
    result.output.map((o, i): Suppression => ({
      entry: i + 1,
      ...(o.rule === undefined ? {} : { rule: o.rule }),
      sources: o.source ?? [],
      destinations: o.destination ?? [],
      ports: o.ports ?? [],
      ...(o.interface === undefined ? {} : { interfaceId: o.interface }),
      reason: o.reason,
      expires: o.expires,
    })),
  );
}
