/**
 * Reads a Report back from JSON (the SNS message the Slack forwarder receives). Anything else
 * published to the topic, or a damaged message, is refused with the path of the first bad field,
 * before anything is sent on.
 */
import { ValidationError } from '../errors.js';
import type { Cell, Row } from '../ports.js';
import { S3_CONSOLE_URL } from './console-url.js';
import type {
  BaselineBuilding,
  BaselineDay,
  BaselineStatus,
  Digest,
  Finding,
  InterfaceLookupSummary,
  InterfacePlace,
  QueryRun,
  Report,
  ReportFiles,
  Severity,
  RawDaySize,
} from './model.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw new ValidationError(path, 'must be an object');
  return value;
}

function str(o: Json, key: string, path: string, pattern?: RegExp): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ValidationError(`${path}.${key}`, 'must be a string');
  if (pattern !== undefined && !pattern.test(value)) throw new ValidationError(`${path}.${key}`, `has an unexpected form: ${JSON.stringify(value.slice(0, 60))}`);
  return value;
}

function optionalStr(o: Json, key: string, path: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, path);
}

function num(o: Json, key: string, path: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ValidationError(`${path}.${key}`, 'must be a number, 0 or more');
  return value;
}

function list<T>(o: Json, key: string, path: string, item: (value: unknown, path: string) => T): T[] {
  const value = o[key];
  if (!Array.isArray(value)) throw new ValidationError(`${path}.${key}`, 'must be an array');
  return value.map((v, i) => item(v, `${path}.${key}[${i}]`));
}

function oneOf<T extends string>(o: Json, key: string, path: string, choices: readonly T[]): T {
  const value = str(o, key, path);
  if (!(choices as readonly string[]).includes(value)) throw new ValidationError(`${path}.${key}`, `must be one of ${choices.join(', ')}`);
  return value as T;
}

function row(value: unknown, path: string): Row {
  const o = object(value, path);
  for (const [key, cell] of Object.entries(o)) {
    if (!(cell === null || typeof cell === 'string' || (typeof cell === 'number' && Number.isFinite(cell)))) {
      throw new ValidationError(`${path}.${key}`, 'must be a string, a number or null');
    }
  }
  return o as Readonly<Record<string, Cell>>;
}

const withOptional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, string>));

function finding(value: unknown, path: string): Finding {
  const o = object(value, path);
  return {
    rule: str(o, 'rule', path),
    severity: oneOf<Severity>(o, 'severity', path, ['high', 'medium', 'low']),
    title: str(o, 'title', path),
    ...withOptional('technique', optionalStr(o, 'technique', path)),
    count: num(o, 'count', path),
    rows: list(o, 'rows', path, row),
    rowsLeftOut: num(o, 'rowsLeftOut', path),
    ...withOptional('resultsLocation', optionalStr(o, 'resultsLocation', path)),
    ...(o.newToday === undefined ? {} : { newToday: bool(o, 'newToday', path) }),
    ...(o.newRows === undefined ? {} : { newRows: num(o, 'newRows', path) }),
    ...(o.seenDays === undefined ? {} : { seenDays: num(o, 'seenDays', path) }),
    ...(o.seenOfDays === undefined ? {} : { seenOfDays: num(o, 'seenOfDays', path) }),
    ...(o.places === undefined ? {} : { places: list(o, 'places', path, place) }),
  };
}

function strings(o: Json, key: string, path: string): string[] {
  return list(o, key, path, (v, p) => {
    if (typeof v !== 'string') throw new ValidationError(p, 'must be a string');
    return v;
  });
}

function place(value: unknown, path: string): InterfacePlace {
  const o = object(value, path);
  return {
    key: str(o, 'key', path),
    interfaceId: str(o, 'interfaceId', path, /^eni-[0-9a-f]{8,17}$/),
    privateAddresses: strings(o, 'privateAddresses', path),
    ...withOptional('instanceId', optionalStr(o, 'instanceId', path)),
    ...withOptional('name', optionalStr(o, 'name', path)),
    securityGroups: list(o, 'securityGroups', path, (v, p) => {
      const g = object(v, p);
      return { id: str(g, 'id', p), name: str(g, 'name', p) };
    }),
    ...withOptional('subnetId', optionalStr(o, 'subnetId', path)),
    ...withOptional('vpcId', optionalStr(o, 'vpcId', path)),
    ...withOptional('interfaceType', optionalStr(o, 'interfaceType', path)),
    ...withOptional('description', optionalStr(o, 'description', path)),
    ...withOptional('requesterId', optionalStr(o, 'requesterId', path)),
    ...withOptional('account', optionalStr(o, 'account', path)),
    ...withOptional('region', optionalStr(o, 'region', path)),
  };
}

function lookupSummary(value: unknown, path: string): InterfaceLookupSummary {
  const o = object(value, path);
  return {
    source: str(o, 'source', path),
    asked: num(o, 'asked', path),
    found: num(o, 'found', path),
    notFound: strings(o, 'notFound', path),
    ...withOptional('error', optionalStr(o, 'error', path)),
  };
}

function digest(value: unknown, path: string): Digest {
  const o = object(value, path);
  return {
    rule: str(o, 'rule', path),
    title: str(o, 'title', path),
    rows: list(o, 'rows', path, row),
    rowsLeftOut: num(o, 'rowsLeftOut', path),
    ...withOptional('resultsLocation', optionalStr(o, 'resultsLocation', path)),
    ...(o.places === undefined ? {} : { places: list(o, 'places', path, place) }),
  };
}

function query(value: unknown, path: string): QueryRun {
  const o = object(value, path);
  return {
    name: str(o, 'name', path),
    status: oneOf(o, 'status', path, ['succeeded', 'failed'] as const),
    rows: num(o, 'rows', path),
    bytesScanned: num(o, 'bytesScanned', path),
    costUsd: num(o, 'costUsd', path),
    durationMs: num(o, 'durationMs', path),
    ...withOptional('queryId', optionalStr(o, 'queryId', path)),
    ...withOptional('outputLocation', optionalStr(o, 'outputLocation', path)),
    ...withOptional('error', optionalStr(o, 'error', path)),
  };
}

function bool(o: Json, key: string, path: string): boolean {
  if (typeof o[key] !== 'boolean') throw new ValidationError(`${path}.${key}`, 'must be true or false');
  return o[key] as boolean;
}

function baselineOf(value: unknown, path: string): BaselineStatus {
  const o = object(value, path);
  return {
    requiredDays: num(o, 'requiredDays', path),
    minDayHours: num(o, 'minDayHours', path),
    completeDays: num(o, 'completeDays', path),
    days: list(o, 'days', path, (v, p): BaselineDay => {
      const d = object(v, p);
      return {
        date: str(d, 'date', p, DATE),
        hours: num(d, 'hours', p),
        ...(d.firstRecordAfterSeconds === undefined ? {} : { firstRecordAfterSeconds: num(d, 'firstRecordAfterSeconds', p) }),
        complete: bool(d, 'complete', p),
      };
    }),
  };
}

function buildingOf(value: unknown, path: string): BaselineBuilding {
  const o = object(value, path);
  return { rule: str(o, 'rule', path), title: str(o, 'title', path), completeDays: num(o, 'completeDays', path), requiredDays: num(o, 'requiredDays', path) };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/;
const NAME = /^[a-z][a-z0-9_]{0,127}$/;
const TIMEZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;

/** Parses JSON text into a Report, or throws ValidationError naming the first bad field. */
export function parseReport(text: string, field = 'report'): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError(field, `is not JSON (starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
  return validateReport(value, field);
}

function optionalDays(w: Readonly<Record<string, unknown>>, key: 'rollupDays' | 'rawDays', path: string): { [k: string]: readonly string[] } {
  if (w[key] === undefined) return {};
  return {
    [key]: list(w, key, path, (v, p) => {
      if (typeof v !== 'string' || !DATE.test(v)) throw new ValidationError(p, 'must be a UTC day YYYY-MM-DD');
      return v;
    }),
  };
}

export function validateReport(value: unknown, path = 'report'): Report {
  const o = object(value, path);
  if (o.tool !== 'flowlog-pilot') throw new ValidationError(`${path}.tool`, 'must be "flowlog-pilot" (this is not a flowlog-pilot report)');
  const w = object(o.window, `${path}.window`);
  const t = object(o.totals, `${path}.totals`);
  return {
    tool: 'flowlog-pilot',
    engine: oneOf(o, 'engine', path, ['athena', 'local'] as const),
    database: str(o, 'database', path, NAME),
    table: str(o, 'table', path, NAME),
    generatedAt: str(o, 'generatedAt', path, INSTANT),
    window: {
      date: str(w, 'date', `${path}.window`, DATE),
      start: str(w, 'start', `${path}.window`, INSTANT),
      end: str(w, 'end', `${path}.window`, INSTANT),
      timezone: str(w, 'timezone', `${path}.window`, TIMEZONE),
      partitions: list(w, 'partitions', `${path}.window`, (v, p) => {
        if (typeof v !== 'string' || !/^\d{4}\/\d{2}\/\d{2}$/.test(v)) throw new ValidationError(p, 'must be a dt value YYYY/MM/DD');
        return v;
      }),
      ...optionalDays(w, 'rollupDays', `${path}.window`),
      ...optionalDays(w, 'rawDays', `${path}.window`),
    },
    totals: {
      records: num(t, 'records', `${path}.totals`),
      accepted: num(t, 'accepted', `${path}.totals`),
      rejected: num(t, 'rejected', `${path}.totals`),
      bytes: num(t, 'bytes', `${path}.totals`),
    },
    findings: list(o, 'findings', path, finding),
    digests: list(o, 'digests', path, digest),
    ...(o.baseline === undefined ? {} : { baseline: baselineOf(o.baseline, `${path}.baseline`) }),
    ...(o.building === undefined ? {} : { building: list(o, 'building', path, buildingOf) }),
    ...(o.suppressed === undefined
      ? {}
      : {
          suppressed: list(o, 'suppressed', path, (v, p) => {
            const x = object(v, p);
            return {
              rule: str(x, 'rule', p),
              entry: num(x, 'entry', p),
              reason: str(x, 'reason', p),
              expires: str(x, 'expires', p, DATE),
              count: num(x, 'count', p),
              rows: list(x, 'rows', p, row),
              ...(x.places === undefined ? {} : { places: list(x, 'places', p, place) }),
            };
          }),
        }),
    ...(o.expiredSuppressions === undefined
      ? {}
      : {
          expiredSuppressions: list(o, 'expiredSuppressions', path, (v, p) => {
            const x = object(v, p);
            return { entry: num(x, 'entry', p), reason: str(x, 'reason', p), expires: str(x, 'expires', p, DATE) };
          }),
        }),
    queries: list(o, 'queries', path, query),
    bytesScanned: num(o, 'bytesScanned', path),
    costUsd: num(o, 'costUsd', path),
    ...(o.rawDay === undefined ? {} : { rawDay: rawDay(o.rawDay, `${path}.rawDay`) }),
    warnings: list(o, 'warnings', path, (v, p) => {
      if (typeof v !== 'string') throw new ValidationError(p, 'must be a string');
      return v;
    }),
    ...(o.files === undefined ? {} : { files: reportFiles(o.files, `${path}.files`) }),
    ...(o.interfaces === undefined ? {} : { interfaces: lookupSummary(o.interfaces, `${path}.interfaces`) }),
  };
}

function rawDay(value: unknown, path: string): RawDaySize {
  const r = object(value, path);
  return {
    days: list(r, 'days', path, (v, p) => {
      if (typeof v !== 'string' || !DATE.test(v)) throw new ValidationError(p, 'must be a UTC day YYYY-MM-DD');
      return v;
    }),
    files: num(r, 'files', path),
    bytes: num(r, 'bytes', path),
  };
}

/** Links go into Slack buttons and e-mails: only S3 console addresses of the form built here pass. */
function reportFiles(value: unknown, path: string): ReportFiles {
  const o = object(value, path);
  return {
    location: str(o, 'location', path, /^s3:\/\/[a-z0-9.-]{3,63}\/[A-Za-z0-9/_.-]*\/$/),
    folderUrl: str(o, 'folderUrl', path, S3_CONSOLE_URL),
    main: str(o, 'main', path, /^[A-Za-z0-9_.-]{1,128}$/),
    mainUrl: str(o, 'mainUrl', path, S3_CONSOLE_URL),
  };
}
