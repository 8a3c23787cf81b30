import queries from 'virtual:flowlog-queries';
import { NotFoundError, ValidationError } from '../errors.js';
import { quoteForMessage } from '../dates.js';
import { integerLiteral, joinFragments, listOf, numberLiteral, placeholdersOf, queryText, renderFragment, type SqlFragment } from '../sql/sql.js';
import type { Severity } from './model.js';

/** `series`: data for the HTML report's charts, kept in report.json and left out of the text renderings. */
export type QueryKind = 'totals' | 'digest' | 'detection' | 'series';
export type ParamType = 'integer' | 'number' | 'ports' | 'ephemeral';
export type EphemeralPreset = 'linux' | 'iana' | 'windows-xp' | 'rfc6056';
export type ParamValue = number | readonly number[] | EphemeralPreset;

/** Client (ephemeral) port ranges, inclusive, that queries leave out as return traffic. */
export const EPHEMERAL_PRESETS: Readonly<Record<EphemeralPreset, readonly [number, number]>> = Object.freeze({
  linux: Object.freeze([32768, 61000] as const),
  iana: Object.freeze([49152, 65535] as const),
  'windows-xp': Object.freeze([1025, 5000] as const),
  rfc6056: Object.freeze([1024, 65535] as const),
});
export const EPHEMERAL_PRESET_NAMES = Object.freeze(Object.keys(EPHEMERAL_PRESETS)) as readonly EphemeralPreset[];

export interface QueryParam {
  readonly name: string;
  readonly type: ParamType;
  readonly defaultValue: ParamValue;
}

export interface SavedQuery {
  /** The rule id: the file name without `.sql`. */
  readonly name: string;
  readonly file: string;
  readonly title: string;
  readonly kind: QueryKind;
  readonly severity?: Severity;
  /** MITRE ATT&CK technique id. */
  readonly technique?: string;
  readonly description?: string;
  readonly params: readonly QueryParam[];
  /** Reads the baseline relation (the days before the window) as well as the window's. */
  readonly usesBaseline: boolean;
  /** Declares min_baseline_days: the report says "baseline building" for it until the baseline is mature. */
  readonly needsMatureBaseline: boolean;
  /** Reads `{{watchlist}}` (the user's CIDR list): run only when a watchlist is configured. */
  readonly usesWatchlist: boolean;
  /** The whole file, header included (headers are comments, dropped at render time). */
  readonly text: string;
}

/** Placeholders the report job fills itself; a parameter may not take one of these names. */
export const RESERVED_PLACEHOLDERS: readonly string[] = Object.freeze([
  'flows',
  'baseline_flows',
  'baseline_days',
  'window_start',
  'window_end',
  'private_address',
  'day_block',
  'watchlist',
]);

/** The parameter that marks a rule as held back until the baseline has that many complete days. */
export const MIN_BASELINE_DAYS_PARAM = 'min_baseline_days';

/** The file holding the one private-address pattern every rule uses (`{{private_address}}`). */
export const PRIVATE_ADDRESS_FILE = 'fragments/private-address';

/** The private and special-use address pattern as a SQL string literal, for `regexp_like(address, ...)`. */
export function privateAddressPattern(): SqlFragment {
  return renderFragment(queryText(PRIVATE_ADDRESS_FILE), {}, `src/queries/${PRIVATE_ADDRESS_FILE}.sql`);
}

/** The file holding the one baseline-day expression every rule uses (`{{day_block}}`). */
export const DAY_BLOCK_FILE = 'fragments/day-block';

/** The baseline day of a record's first_start for a window starting at that epoch second (0 the day before it, 518400 the oldest). */
export function dayBlockExpression(windowStartEpoch: number): SqlFragment {
  return renderFragment(queryText(DAY_BLOCK_FILE), { window_start: integerLiteral(windowStartEpoch, 'window_start') }, `src/queries/${DAY_BLOCK_FILE}.sql`);
}

const HEADER_KEYS = ['title', 'kind', 'severity', 'technique', 'description', 'param'] as const;
const KINDS: readonly QueryKind[] = ['totals', 'digest', 'detection', 'series'];
const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];
const HEADER_LINE = /^--\s*([A-Za-z_-]+)\s*:\s*(.*)$/;
const PARAM = /^([a-z][a-z0-9_]*)\s*(?:\(\s*(integer|number|ports|ephemeral)\s*\))?\s*=\s*(.+)$/;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

/**
 * Reads a saved query's header (`-- key: value` lines at the top of the file). Strict, so a typo
 * in a header fails the catalogue at start instead of silently changing a rule: every problem
 * names the file.
 */
export function parseSavedQuery(file: string, text: string): SavedQuery {
  const fail = (message: string): never => {
    throw new ValidationError(file, message, { file });
  };
  const name = file.replace(/^.*\//, '').replace(/\.sql$/, '');
  const fields = new Map<string, string>();
  const params: QueryParam[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line.startsWith('--')) break;
    const match = HEADER_LINE.exec(line);
    if (!match) fail(`line ${index + 1}: a header line must read "-- key: value", got ${quoteForMessage(line)}`);
    const [, key = '', value = ''] = match as RegExpExecArray;
    if (!(HEADER_KEYS as readonly string[]).includes(key)) fail(`line ${index + 1}: unknown header key ${quoteForMessage(key)} (known: ${HEADER_KEYS.join(', ')})`);
    if (key === 'param') {
      params.push(parseParam(value.trim(), `line ${index + 1}`, fail));
      continue;
    }
    if (fields.has(key)) fail(`line ${index + 1}: header key ${key} is given twice`);
    fields.set(key, value.trim());
  }
  const title = fields.get('title');
  if (title === undefined || title === '') fail('the header has no title (-- title: ...)');
  const kindText = fields.get('kind');
  if (kindText === undefined || !(KINDS as readonly string[]).includes(kindText)) fail(`kind must be one of ${KINDS.join(', ')}, got ${quoteForMessage(kindText ?? '')}`);
  const kind = kindText as QueryKind;
  const severityText = fields.get('severity');
  if (kind === 'detection' && severityText === undefined) fail('a detection needs a severity (high, medium or low)');
  if (kind !== 'detection' && severityText !== undefined) fail(`only a detection has a severity; this query is a ${kind}`);
  if (severityText !== undefined && !(SEVERITIES as readonly string[]).includes(severityText))
    fail(`severity must be one of ${SEVERITIES.join(', ')}, got ${quoteForMessage(severityText)}`);
  const technique = fields.get('technique');
  if (technique !== undefined && !TECHNIQUE.test(technique)) fail(`technique must be a MITRE ATT&CK id such as T1046, got ${quoteForMessage(technique)}`);
  const names = params.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail(`parameter ${twice} is declared twice`);
  const used = placeholdersOf(text);
  if (!used.includes('flows')) fail('the query does not read {{flows}}');
  const undeclared = used.filter((p) => !RESERVED_PLACEHOLDERS.includes(p) && !names.includes(p));
  if (undeclared.length > 0) fail(`placeholders without a parameter: ${undeclared.map((p) => `{{${p}}}`).join(', ')}`);
  const unused = names.filter((n) => !used.includes(n));
  if (unused.length > 0) fail(`parameters the query never uses: ${unused.join(', ')}`);
  return {
    name,
    file,
    title: title as string,
    kind,
    ...(severityText === undefined ? {} : { severity: severityText as Severity }),
    ...(technique === undefined ? {} : { technique }),
    ...(fields.has('description') ? { description: fields.get('description') } : {}),
    params,
    usesBaseline: used.includes('baseline_flows') || used.includes('baseline_days'),
    needsMatureBaseline: names.includes(MIN_BASELINE_DAYS_PARAM),
    usesWatchlist: used.includes('watchlist'),
    text,
  };
}

function parseParam(text: string, where: string, fail: (message: string) => never): QueryParam {
  const match = PARAM.exec(text);
  if (!match) return fail(`${where}: a parameter must read "-- param: name = default", got ${quoteForMessage(text)}`);
  const [, name = '', declared, defaultText = ''] = match;
  if (RESERVED_PLACEHOLDERS.includes(name)) fail(`${where}: ${name} is filled by the report job and cannot be a parameter`);
  const type = (declared as ParamType | undefined) ?? inferType(defaultText.trim());
  if (type === undefined) return fail(`${where}: cannot tell the type of ${name} from ${quoteForMessage(defaultText)}; write "${name} (integer|number|ports|ephemeral) = ..."`);
  try {
    return { name, type, defaultValue: validateParam(type, defaultText.trim(), name) };
  } catch (error) {
    return fail(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function inferType(text: string): ParamType | undefined {
  if ((EPHEMERAL_PRESET_NAMES as readonly string[]).includes(text)) return 'ephemeral';
  if (/^\d+(\s*,\s*\d+)+$/.test(text)) return 'ports';
  if (/^\d+$/.test(text)) return 'integer';
  if (/^\d+\.\d+$/.test(text)) return 'number';
  return undefined;
}

/** Checks a parameter value (a number, a port list, a preset name; text as written in a header is accepted too). */
export function validateParam(type: ParamType, value: unknown, field: string): ParamValue {
  switch (type) {
    case 'integer': {
      const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ValidationError(field, `expected a whole number of 0 or more, got ${describe(value)}`);
      return n;
    }
    case 'number': {
      const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new ValidationError(field, `expected a number of 0 or more, got ${describe(value)}`);
      return n;
    }
    case 'ports': {
      const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
      if (!Array.isArray(list) || list.length === 0) throw new ValidationError(field, `expected a list of ports, got ${describe(value)}`);
      return Object.freeze(
        list.map((item: unknown) => {
          const n = typeof item === 'string' && /^\d+$/.test(item) ? Number(item) : item;
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535)
            throw new ValidationError(field, `ports are whole numbers from 1 to 65535, got ${describe(item)}`);
          return n;
        }),
      );
    }
    case 'ephemeral':
      if (typeof value !== 'string' || !(EPHEMERAL_PRESET_NAMES as readonly string[]).includes(value)) {
        throw new ValidationError(field, `expected one of ${EPHEMERAL_PRESET_NAMES.join(', ')}, got ${describe(value)}`);
      }
      return value as EphemeralPreset;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quoteForMessage(value);
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? 'a list' : typeof value;
}

function paramFragment(param: QueryParam, value: ParamValue): SqlFragment {
  switch (param.type) {
    case 'integer':
      return integerLiteral(value, param.name);
    case 'number':
      return numberLiteral(value, param.name);
    case 'ports':
      return listOf((value as readonly number[]).map((port) => integerLiteral(port, param.name)));
    case 'ephemeral': {
      const [from, to] = EPHEMERAL_PRESETS[value as EphemeralPreset];
      // The operand of BETWEEN: `port NOT BETWEEN {{ephemeral_ports}}` reads `NOT BETWEEN 32768 AND 61000`.
      return joinFragments([integerLiteral(from, param.name), integerLiteral(to, param.name)], ' AND ');
    }
  }
}

export interface RenderContext {
  /** The aggregated-flows relation over the window (a rendered relation template). */
  readonly flows: SqlFragment;
  /** The same relation over the baseline days; needed only by queries that read it. */
  readonly baselineFlows?: SqlFragment;
  /** Which baseline days are complete (src/lib/report/baseline.ts); needed only by queries that read it. */
  readonly baselineDays?: SqlFragment;
  readonly windowStartEpoch: number;
  readonly windowEndEpoch: number;
  /** The watchlist relation (src/lib/report/watchlist.ts); needed only by queries that read it. */
  readonly watchlist?: SqlFragment;
  /**
   * Parameter values by name, shared by every query that declares that name (the configured
   * thresholds); a query's own default applies where none is given.
   */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** The saved report queries: listed by rule id, rendered with checked parameter values. */
export class SavedQueryCatalog {
  readonly #queries: ReadonlyMap<string, SavedQuery>;

  constructor(saved: readonly SavedQuery[]) {
    this.#queries = new Map(saved.map((q) => [q.name, q]));
  }

  list(): readonly SavedQuery[] {
    return [...this.#queries.values()];
  }

  get(name: string): SavedQuery {
    const query = this.#queries.get(name);
    if (query === undefined) throw new NotFoundError(`no saved report query named ${quoteForMessage(name)}`, { name });
    return query;
  }

  /** The query's SQL for one run; throws a ValidationError naming a parameter whose value is wrong. */
  render(name: string, context: RenderContext): string {
    const query = this.get(name);
    const params: Record<string, SqlFragment> = {
      flows: context.flows,
      window_start: integerLiteral(context.windowStartEpoch, 'window_start'),
      window_end: integerLiteral(context.windowEndEpoch, 'window_end'),
    };
    const used = placeholdersOf(query.text);
    if (used.includes('private_address')) params.private_address = privateAddressPattern();
    if (used.includes('day_block')) params.day_block = dayBlockExpression(context.windowStartEpoch);
    if (used.includes('baseline_flows')) {
      if (context.baselineFlows === undefined) throw new ValidationError(query.name, 'reads {{baseline_flows}} but no baseline relation was given');
      params.baseline_flows = context.baselineFlows;
    }
    if (used.includes('baseline_days')) {
      if (context.baselineDays === undefined) throw new ValidationError(query.name, 'reads {{baseline_days}} but no baseline days relation was given');
      params.baseline_days = context.baselineDays;
    }
    if (used.includes('watchlist')) {
      if (context.watchlist === undefined) throw new ValidationError(query.name, 'reads {{watchlist}} but no watchlist was given');
      params.watchlist = context.watchlist;
    }
    for (const param of query.params) {
      const given = context.values?.[param.name];
      const value = given === undefined ? param.defaultValue : validateParam(param.type, given, `${query.name}.${param.name}`);
      params[param.name] = paramFragment(param, value);
    }
    return renderFragment(query.text, params, query.file).toString();
  }
}

export const REPORT_QUERIES_FOLDER = 'reports/';

/**
 * The catalogue of every `src/queries/reports/*.sql` (or of the given files, for tests). Adding a
 * report query is adding a file there; a bad header fails here, naming the file.
 */
export function loadSavedQueries(files: Readonly<Record<string, string>> = queries, folder = REPORT_QUERIES_FOLDER): SavedQueryCatalog {
  const names = Object.keys(files)
    .filter((key) => key.startsWith(folder) && !key.slice(folder.length).includes('/'))
    .sort();
  return new SavedQueryCatalog(names.map((key) => parseSavedQuery(`src/queries/${key}.sql`, files[key] as string)));
}
