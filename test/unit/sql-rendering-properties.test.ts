import 'aws-sdk-client-mock-vitest/extend';
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { GlueCatalog } from '../../src/lib/glue/glue-catalog.js';
import type { DayRange, UtcDay } from '../../src/lib/dates.js';
import { QueryError, ValidationError } from '../../src/lib/errors.js';
import { parsePartitionStatement } from '../../src/lib/local/partition-statements.js';
import { addPartitionStatements } from '../../src/lib/partitions/ddl.js';
import { parsePartitionsEvent } from '../../src/lib/partitions/event.js';
import { MULTI_SOURCE_KEYS, SINGLE_SOURCE_KEYS } from '../../src/lib/partitions/layout.js';
import type { Partition } from '../../src/lib/partitions/plan.js';
import { parseReportEvent } from '../../src/lib/report/report-event.js';
import { baselineDaysRelation } from '../../src/lib/report/baseline.js';
import { flowsRelation } from '../../src/lib/report/relations.js';
import { loadSavedQueries, privateAddressPattern } from '../../src/lib/report/saved-queries.js';
import { watchlistFromLines, watchlistRelation } from '../../src/lib/report/watchlist.js';
import { systemTiming } from '../../src/lib/retry.js';

// eslint-disable-next-line no-control-regex -- the property is about strings without control characters
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Any text without control characters: quotes, SQL, spaces, emoji and CJK included. */
const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !CONTROL.test(s));
const hostile = fc.oneof(text, fc.constantFrom("2026-01-01'; DROP TABLE x; --", "'", "''", '\\', '`x`', '"x"', ' ', 'ログ', '/*', '*/', '--', ';'));
/** How a message quotes a value: as JSON, cut to 60 characters with an ellipsis. */
const shown = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
const day = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10) as UtcDay);

describe('properties of the partition DDL', () => {
  it('when any partition values and locations are rendered, parsing the DDL gives back exactly those partitions, in order, each within the byte limit', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(hostile, hostile, hostile, hostile), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 400, max: 4_000 }),
        (multi, rows, maxBytes) => {
          // Prepare
          const keys = multi ? MULTI_SOURCE_KEYS : SINGLE_SOURCE_KEYS;
          const partitions: Partition[] = rows.map(([a, r, dt, location]): Partition => ({ values: multi ? { aws_account: a, aws_region: r, dt } : { dt }, location }));
          // Act
          const statements = addPartitionStatements('flowlogs', 'vpc_flow_logs', keys, partitions, maxBytes);
          // Assess
          const parsed = statements.flatMap((s) => {
            expect(Buffer.byteLength(s.sql, 'utf8')).toBeLessThanOrEqual(maxBytes);
            const statement = parsePartitionStatement(s.sql);
            expect(statement).toMatchObject({ kind: 'add', ifNotExists: true, table: { database: 'flowlogs', table: 'vpc_flow_logs' } });
            return statement.kind === 'add' ? statement.partitions : [];
          });
          expect(parsed).toEqual(partitions.map((p) => ({ values: p.values, location: p.location })));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('when a partition value or location carries a control character, it is refused naming the key and no statement is made', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('\n', '\r', '\u0000', '\u001b', '\u007f'), fc.boolean(), (value, control, inLocation) => {
        // Prepare
        const bad = `${value}${control}`;
        const partition: Partition = inLocation ? { values: { dt: '2026/11/01' }, location: bad } : { values: { dt: bad }, location: 's3://b/' };
        // Act
        const act = () => addPartitionStatements('flowlogs', 'vpc_flow_logs', SINGLE_SOURCE_KEYS, [partition]);
        // Assess: the key, the value as JSON (the control character escaped) and why
        expect(act).toThrow(ValidationError);
        expect(act).toThrow(`${inLocation ? 'location' : 'dt'}: ${shown(bad)} contains a control character`);
      }),
    );
  });

  it('when the database or table is not an Athena name, it is refused naming it before any partition is rendered', () => {
    fc.assert(
      fc.property(
        hostile.filter((s) => !/^[a-z][a-z0-9_]{0,254}$/.test(s)),
        fc.boolean(),
        (name, asTable) => {
          const act = () =>
            addPartitionStatements(asTable ? 'flowlogs' : name, asTable ? name : 'vpc_flow_logs', SINGLE_SOURCE_KEYS, [{ values: { dt: '2026/11/01' }, location: 's3://b/' }]);
          expect(act).toThrow(
            `${asTable ? 'table' : 'database'}: ${shown(name)} is not a valid Athena name (lowercase letters, digits and _, starting with a letter, at most 255)`,
          );
        },
      ),
    );
  });
});

describe('properties of the local partition-statement parser', () => {
  const quoted = (s: string) => `'${s.replaceAll("'", "''")}'`;

  it('when any partitions are dropped or listed, parsing gives back exactly the table and the values written', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostile, hostile), { minLength: 1, maxLength: 5 }), fc.boolean(), (rows, ifExists) => {
        const specs = rows.map(([account, dt]) => `PARTITION (aws_account = ${quoted(account)}, dt = ${quoted(dt)})`).join(', ');
        const dropped = parsePartitionStatement(`ALTER TABLE flowlogs.vpc_flow_logs DROP ${ifExists ? 'IF EXISTS ' : ''}${specs}`);
        const shown = parsePartitionStatement('SHOW PARTITIONS flowlogs.vpc_flow_logs');

        expect(dropped).toEqual({
          kind: 'drop',
          table: { database: 'flowlogs', table: 'vpc_flow_logs' },
          ifExists,
          partitions: rows.map(([account, dt]) => ({ values: { aws_account: account, dt }, location: undefined })),
        });
        expect(shown).toEqual({ kind: 'show', table: { database: 'flowlogs', table: 'vpc_flow_logs' } });
      }),
      { numRuns: 150 },
    );
  });

  it('when a partition list is left open (no closing parenthesis), it is a QueryError, never another error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ALTER TABLE t ADD PARTITION (', 'ALTER TABLE t DROP PARTITION ('),
        fc.string({ maxLength: 60 }).filter((s) => !s.includes(')')),
        (start, rest) => {
          expect(() => parsePartitionStatement(`${start}${rest}`)).toThrow(QueryError);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('properties of the Glue dt-range expression', () => {
  const glue = mockClient(GlueClient);
  beforeEach(() => {
    glue.reset();
    glue.on(GetTableCommand).resolves({ Table: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'dt', Type: 'string' }] } });
    glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
  });
  const catalog = () => new GlueCatalog({ client: new GlueClient({ region: 'ap-northeast-1' }), database: 'flowlogs', table: 'vpc_flow_logs', timing: systemTiming });

  it('when any valid range is listed, the expression is exactly the two dt bounds as literals', async () => {
    await fc.assert(
      fc.asyncProperty(day, day, async (a, b) => {
        glue.resetHistory();
        const [from, to] = a <= b ? [a, b] : [b, a];
        fc.pre(Date.parse(to) - Date.parse(from) <= 3_659 * 86_400_000);
        await catalog().listPartitions({ from, to });
        expect(glue).toHaveReceivedCommandWith(GetPartitionsCommand, { Expression: `dt >= '${from.replaceAll('-', '/')}' AND dt <= '${to.replaceAll('-', '/')}'` });
      }),
      { numRuns: 60 },
    );
  });

  it('when either end of the range is not a day, it is refused naming that end and Glue is never asked for partitions', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile.filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
        fc.boolean(),
        async (bad, atFrom) => {
          glue.resetHistory();
          const range = (atFrom ? { from: bad, to: '2026-11-01' } : { from: '2026-11-01', to: bad }) as unknown as DayRange;
          await expect(catalog().listPartitions(range)).rejects.toThrow(atFrom ? /^from: / : /^to: /);
          expect(glue).not.toHaveReceivedCommand(GetPartitionsCommand);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('properties of the report query rendering', () => {
  const saved = loadSavedQueries();
  const relation = flowsRelation('flowlogs', 'vpc_flow_logs', { partitions: ['2026/11/20'], startEpoch: 1_763_596_800, endEpoch: 1_763_683_200 });
  const baselineDays = baselineDaysRelation({ baselineFlows: relation, windowStartEpoch: 1_763_596_800, baselineStartEpoch: 1_762_992_000, minDayHours: 20 });
  const watchlist = watchlistRelation(watchlistFromLines('198.51.100.0/24,known C2\n2001:db8::/32,IPv6', 'w.txt', 'w'));
  const context = (values: Record<string, unknown>) => ({
    flows: relation,
    baselineFlows: relation,
    baselineDays,
    windowStartEpoch: 1_763_596_800,
    windowEndEpoch: 1_763_683_200,
    watchlist,
    values,
  });
  const validValues = fc.record({
    min_ports: fc.integer({ min: 1, max: 65_535 }),
    min_flows: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    reject_ratio: fc.double({ min: 1, max: 1_000_000, noNaN: true }),
    min_rejected: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    egress_ratio: fc.double({ min: 1, max: 1_000_000, noNaN: true }),
    min_bytes: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    admin_ports: fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { minLength: 1, maxLength: 20 }),
    ephemeral_ports: fc.constantFrom('linux', 'iana', 'windows-xp', 'rfc6056'),
    min_baseline_days: fc.integer({ min: 1, max: 7 }),
  });

  /** Each placeholder's expected text, written out independently of the renderer. */
  const EPHEMERAL = { linux: '32768 AND 61000', iana: '49152 AND 65535', 'windows-xp': '1025 AND 5000', rfc6056: '1024 AND 65535' } as const;
  type Values = typeof validValues extends fc.Arbitrary<infer T> ? T : never;
  const expectedFill = (values: Values): Record<string, string> => ({
    flows: String(relation),
    baseline_flows: String(relation),
    baseline_days: String(baselineDays),
    window_start: '1763596800',
    window_end: '1763683200',
    private_address: String(privateAddressPattern()),
    day_block: 'least((1763596800 - 1 - first_start) - (1763596800 - 1 - first_start) % 86400, 518400)',
    watchlist: String(watchlist),
    min_ports: String(values.min_ports),
    min_flows: String(values.min_flows),
    reject_ratio: String(values.reject_ratio),
    min_rejected: String(values.min_rejected),
    egress_ratio: String(values.egress_ratio),
    min_bytes: String(values.min_bytes),
    admin_ports: values.admin_ports.join(', '),
    ephemeral_ports: EPHEMERAL[values.ephemeral_ports],
    min_baseline_days: String(values.min_baseline_days),
    hosts: '20',
    limit: '10',
  });

  it('when any valid thresholds and ports are configured, every query renders as its file with exactly those values in place', () => {
    fc.assert(
      fc.property(validValues, (values) => {
        const fill = expectedFill(values);
        for (const query of saved.list()) {
          const expected = query.text
            .split('\n')
            .filter((line) => !line.trimStart().startsWith('--'))
            .join('\n')
            .replace(/\{\{(\w+)\}\}/g, (_, name: string) => fill[name] ?? `<no value for ${name}>`)
            .trim();

          expect(saved.render(query.name, context(values))).toBe(expected);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('when a threshold is negative, not a number, text carrying SQL or a port out of range, the query is refused naming query and parameter', () => {
    const badNumber = fc.oneof(
      fc.integer({ max: -1 }),
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
      hostile.filter((s) => !/^\d+(\.\d+)?$/.test(s)),
      fc.constant(null),
      fc.constant({}),
    );
    const badPorts = fc.oneof(
      fc.constant([]),
      fc.array(
        fc.oneof(
          fc.integer({ max: 0 }),
          fc.integer({ min: 65_536 }),
          fc.constant(1.5),
          hostile.filter((s) => !/^\d+$/.test(s)),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    );
    const targets = saved.list().flatMap((q) => q.params.filter((p) => p.type !== 'ephemeral').map((p) => ({ query: q.name, param: p.name, type: p.type })));
    fc.assert(
      fc.property(fc.constantFrom(...targets), badNumber, badPorts, (target, number, ports) => {
        const value = target.type === 'ports' ? ports : number;
        fc.pre(!(target.type === 'number' && typeof value === 'number' && value >= 0 && Number.isFinite(value)));
        const act = () => saved.render(target.query, context({ [target.param]: value }));
        expect(act).toThrow(ValidationError);
        expect(act).toThrow(new RegExp(`^${target.query}\\.${target.param}: `));
      }),
      { numRuns: 200 },
    );
  });
});

describe('properties of the flows relation', () => {
  it('when any dt values are given, each becomes one quoted literal in the IN list and nothing else changes', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 2 ** 40 }), (partitions, start) => {
        const sql = String(flowsRelation('flowlogs', 'vpc_flow_logs', { partitions, startEpoch: start, endEpoch: start + 86_400 }));
        expect(sql).toContain(`WHERE (dt IN (${partitions.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')}))`);
        expect(sql).toContain(`starttime >= ${start}\n`);
        expect(sql).toContain('FROM flowlogs.vpc_flow_logs\n');
      }),
    );
  });

  it('when the names, epochs or partitions are not valid, it is refused naming the field', () => {
    const span = { partitions: ['2026/11/20'], startEpoch: 0, endEpoch: 86_400 };
    fc.assert(
      fc.property(
        hostile.filter((s) => !/^[a-z][a-z0-9_]{0,254}$/.test(s)),
        fc.oneof(fc.double({ noInteger: true }), fc.constant(Number.NaN)),
        (name, epoch) => {
          expect(() => flowsRelation(name, 'vpc_flow_logs', span)).toThrow(/^database: /);
          expect(() => flowsRelation('flowlogs', name, span)).toThrow(/^table: /);
          expect(() => flowsRelation('flowlogs', 'vpc_flow_logs', { ...span, startEpoch: epoch })).toThrow(/^start: /);
        },
      ),
    );
    expect(() => flowsRelation('flowlogs', 'vpc_flow_logs', { ...span, partitions: [] })).toThrow(/^partitions: /);
    expect(() => flowsRelation('flowlogs', 'vpc_flow_logs', { ...span, partitions: ['2026/11/20\n'] })).toThrow(/^dt: /);
  });
});

describe('properties of the event parsers', () => {
  const settings = { lookBackDays: 3, maxRangeDays: 366 };
  const MANUAL_SHAPES = '{"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} or {"date":"YYYY-MM-DD"}, with optional "dryRun": true, "rollup": true and "rebuild": true';
  const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  /** Flags as a manual event may carry them: each absent or a boolean, rebuild only with rollup. */
  const flags = fc.record({ dryRun: fc.boolean(), rollup: fc.boolean(), rebuild: fc.boolean() }, { requiredKeys: [] }).filter((f) => !(f.rebuild === true && f.rollup !== true));
  const expectedFlags = (f: { dryRun?: boolean; rollup?: boolean; rebuild?: boolean }) => ({ dryRun: f.dryRun ?? false, rollup: f.rollup ?? false, rebuild: f.rebuild ?? false });
  const notJsonBoolean = fc.oneof(hostile, fc.integer(), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }));
  const notAnObject = fc.oneof(fc.constant(null), hostile, fc.integer(), fc.double(), fc.boolean(), fc.array(fc.anything(), { maxLength: 3 }));
  const unknownKey = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((k) => !['from', 'to', 'date', 'dryRun', 'rollup', 'rebuild', 'source', 'detail-type', 'timezone', 'mode', 'time', '__proto__'].includes(k));
  const refusal = (act: () => unknown): ValidationError => {
    try {
      act();
    } catch (error) {
      if (error instanceof ValidationError) return error;
      throw error;
    }
    throw new Error('accepted');
  };

  it('when a manual range within the limit is given with any flags, the request is exactly that range and those flags', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: settings.maxRangeDays }), flags, (from, days, f) => {
        const to = addDays(from, days - 1);
        expect(parsePartitionsEvent({ from, to, ...f }, settings)).toEqual({ trigger: 'manual', range: { from, to }, ...expectedFlags(f) });
      }),
    );
  });

  it('when one day is given with any flags, the request is that day alone', () => {
    fc.assert(
      fc.property(day, flags, (date, f) => {
        expect(parsePartitionsEvent({ date, ...f }, settings)).toEqual({ trigger: 'manual', range: { from: date, to: date }, ...expectedFlags(f) });
      }),
    );
  });

  it('when a scheduled event fires at any time, the range is the look-back days before its UTC day through the day after', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-30T23:59:59Z'), noInvalidDate: true }), (time) => {
        const today = time.toISOString().slice(0, 10);
        const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: time.toISOString() };
        expect(parsePartitionsEvent(event, settings)).toEqual({
          trigger: 'schedule',
          range: { from: addDays(today, -3), to: addDays(today, 1) },
          dryRun: false,
          rollup: false,
          rebuild: false,
        });
      }),
    );
  });

  it('when a range is longer than the limit or reversed, it is refused at "to" with the exact reason', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: settings.maxRangeDays + 1, max: 5_000 }), fc.integer({ min: 1, max: 400 }), (from, days, back) => {
        const to = addDays(from, days - 1);
        expect(refusal(() => parsePartitionsEvent({ from, to }, settings)).message).toBe(
          `to: range ${from}..${to} is ${days} days, more than the maximum of ${settings.maxRangeDays}`,
        );
        const before = addDays(from, -back);
        expect(refusal(() => parsePartitionsEvent({ from, to: before }, settings)).message).toBe(`to: range is reversed: to ${before} is before from ${from}`);
      }),
    );
  });

  it('when a flag is not a boolean, the refusal names that flag and quotes the value', () => {
    fc.assert(
      fc.property(day, fc.constantFrom('dryRun', 'rollup', 'rebuild'), notJsonBoolean, (date, flag, value) => {
        const error = refusal(() => parsePartitionsEvent({ date, rollup: true, [flag]: value }, settings));
        expect(error.field).toBe(flag);
        expect(error.message).toBe(`${flag}: expected true or false, got ${typeof value === 'string' ? shown(value) : JSON.stringify(value)}`);
      }),
    );
  });

  it('when a day is not a string, or a string that is no real day, the refusal names the field with the exact reason', () => {
    const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
    const unrealDay = fc
      .tuple(fc.integer({ min: 1970, max: 2099 }), fc.integer({ min: 13, max: 99 }), fc.integer({ min: 1, max: 28 }))
      .map(([y, m, d]) => `${y}-${m}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.constantFrom('date', 'from', 'to'), notString, unrealDay, (field, value, unreal) => {
        const event = (v: unknown) => (field === 'date' ? { date: v } : { from: '2026-11-01', to: '2026-11-02', [field]: v });
        expect(refusal(() => parsePartitionsEvent(event(value), settings)).message).toBe(`${field}: expected a date as YYYY-MM-DD, got ${typeof value}`);
        expect(refusal(() => parsePartitionsEvent(event(unreal), settings)).message).toBe(`${field}: ${unreal} is not a real calendar day`);
      }),
    );
  });

  it('when a manual event carries an unknown key, the refusal names exactly that key', () => {
    fc.assert(
      fc.property(day, unknownKey, fc.anything(), (date, key, value) => {
        const error = refusal(() => parsePartitionsEvent({ date, [key]: value }, settings));
        expect(error.field).toBe(key);
        expect(error.message).toBe(`${key}: unknown key ${JSON.stringify(key)}; expected ${MANUAL_SHAPES}`);
      }),
    );
  });

  it('when the partitions event is not an object, it is refused naming the event', () => {
    fc.assert(
      fc.property(notAnObject, (event) => {
        expect(refusal(() => parsePartitionsEvent(event, settings)).message).toBe(`event: expected a scheduled event or ${MANUAL_SHAPES}`);
      }),
    );
  });

  it('when the report job is given any real day and a known zone, the trigger is that day in the canonical zone name', () => {
    const zones = {
      'Asia/Tokyo': 'Asia/Tokyo',
      'asia/tokyo': 'Asia/Tokyo',
      UTC: 'UTC',
      'Pacific/Kiritimati': 'Pacific/Kiritimati',
      'america/new_york': 'America/New_York',
    } as const;
    fc.assert(
      fc.property(day, fc.constantFrom(...Object.keys(zones)), fc.boolean(), (date, zone, withZone) => {
        const event = withZone ? { date, timezone: zone } : { date };
        const expected = withZone ? { trigger: 'manual', date, timezone: zones[zone as keyof typeof zones] } : { trigger: 'manual', date };
        expect(parseReportEvent(event)).toEqual(expected);
      }),
    );
  });

  it('when the report job is scheduled at any time (Scheduler input or EventBridge event), the trigger carries exactly that time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('aws.events', 'aws.scheduler'),
        (time, source) => {
          expect(parseReportEvent({ mode: 'scheduled', time: time.toISOString() })).toEqual({ trigger: 'schedule', time });
          expect(parseReportEvent({ source, 'detail-type': 'Scheduled Event', time: time.toISOString() })).toEqual({ trigger: 'schedule', time });
        },
      ),
    );
    for (const event of [undefined, null, {}, { mode: 'scheduled' }]) expect(parseReportEvent(event)).toEqual({ trigger: 'schedule' });
  });

  it('when a report event carries unknown keys, the refusal lists exactly those keys and the known ones', () => {
    fc.assert(
      fc.property(day, fc.uniqueArray(unknownKey, { minLength: 1, maxLength: 3 }), (date, keys) => {
        const event = { date, ...Object.fromEntries(keys.map((k) => [k, 1])) };
        // In the event's own key order (JavaScript puts integer-like keys first).
        const named = Object.keys(event).filter((k) => k !== 'date');
        expect(refusal(() => parseReportEvent(event)).message).toBe(`event: unknown key${keys.length === 1 ? '' : 's'} ${named.map(shown).join(', ')} (known: date, timezone)`);
      }),
    );
  });

  it('when the report event is not an object (and not null), it is refused naming the event', () => {
    fc.assert(
      fc.property(
        notAnObject.filter((e) => e !== null),
        (event) => {
          expect(refusal(() => parseReportEvent(event)).message).toBe('event: expected an object such as {"date": "2026-11-20"}');
        },
      ),
    );
  });
});
