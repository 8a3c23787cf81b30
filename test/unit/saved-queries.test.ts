import { describe, expect, it } from 'vitest';
import { baselineDaysRelation } from '../../src/lib/report/baseline.js';
import {
  dayBlockExpression,
  EPHEMERAL_PRESET_NAMES,
  loadSavedQueries,
  parseSavedQuery,
  privateAddressPattern,
  SavedQueryCatalog,
  validateParam,
} from '../../src/lib/report/saved-queries.js';
import { queryText, SqlFragment } from '../../src/lib/sql/sql.js';
import { flowsRelation } from '../../src/lib/report/relations.js';
import { NotFoundError, ValidationError } from '../../src/lib/errors.js';
import { watchlistFromLines, watchlistRelation } from '../../src/lib/report/watchlist.js';

const FILE = 'src/queries/reports/custom.sql';
const body = 'WITH flows AS (\n{{flows}}\n)\nSELECT * FROM flows WHERE destinationport IN ({{ports}}) AND flows >= {{min_flows}}\n';
const header = (...lines: string[]) => `${lines.join('\n')}\n${body}`;
const good = header('-- title: Custom', '-- kind: detection', '-- severity: low', '-- technique: T1046', '-- param: ports (ports) = 22', '-- param: min_flows = 5');

describe('saved query headers', () => {
  it('when the header is complete, it reads title, kind, severity, technique and typed parameters', () => {
    const query = parseSavedQuery(FILE, good);

    expect(query).toMatchObject({ name: 'custom', title: 'Custom', kind: 'detection', severity: 'low', technique: 'T1046', usesBaseline: false });
    expect(query.params).toEqual([
      { name: 'ports', type: 'ports', defaultValue: [22] },
      { name: 'min_flows', type: 'integer', defaultValue: 5 },
    ]);
  });

  it.each([
    ['an unknown key', header('-- title: X', '-- kind: digest', '-- owner: me', '-- param: ports = 22, 23', '-- param: min_flows = 1'), /unknown header key "owner"/],
    ['no title', header('-- kind: digest', '-- param: ports = 22, 23', '-- param: min_flows = 1'), /no title/],
    ['an unknown kind', header('-- title: X', '-- kind: alert', '-- param: ports = 22, 23', '-- param: min_flows = 1'), /kind must be one of/],
    ['a detection without severity', header('-- title: X', '-- kind: detection', '-- param: ports = 22, 23', '-- param: min_flows = 1'), /needs a severity/],
    [
      'a bad technique',
      header('-- title: X', '-- kind: detection', '-- severity: high', '-- technique: port scan', '-- param: ports = 22, 23', '-- param: min_flows = 1'),
      /MITRE ATT&CK id/,
    ],
    ['a placeholder with no parameter', header('-- title: X', '-- kind: digest', '-- param: ports = 22, 23'), /placeholders without a parameter: \{\{min_flows\}\}/],
    ['a port out of range', header('-- title: X', '-- kind: digest', '-- param: ports = 22, 70000', '-- param: min_flows = 1'), /ports are whole numbers from 1 to 65535/],
    ['a line that is not key: value', header('-- title: X', '-- just a remark', '-- kind: digest'), /must read "-- key: value"/],
  ])('when a header has %s, it fails naming the file', (_, text, message) => {
    expect(() => parseSavedQuery(FILE, text)).toThrow(ValidationError);
    expect(() => parseSavedQuery(FILE, text)).toThrow(message);
    expect(() => parseSavedQuery(FILE, text)).toThrow(/^src\/queries\/reports\/custom\.sql: /);
  });

  it('when the built-in files are loaded, each rule id is listed with its kind and severity', () => {
    const listed = loadSavedQueries()
      .list()
      .map((q) => `${q.name}:${q.kind}:${q.severity ?? '-'}`);

    expect(listed).toEqual([
      'admin-port-brute-force:detection:medium',
      'admin-port-exposure:detection:high',
      'egress-spike:detection:high',
      'host-egress:series:-',
      'hourly-records:series:-',
      'port-scan:detection:high',
      'reject-spike:detection:medium',
      'rejected-by-interface:digest:-',
      'top-rejected-ports:digest:-',
      'top-rejected-sources:digest:-',
      'top-talkers:digest:-',
      'totals:totals:-',
      'watchlist:detection:high',
    ]);
  });

  it('when the built-in queries test for private addresses, they all use the one pattern of fragments/private-address.sql', () => {
    const texts = loadSavedQueries()
      .list()
      .map((q) => q.text);
    const uses = texts.flatMap((t) => [...t.matchAll(/regexp_like\(\w+, \{\{private_address\}\}\)/g)]);

    // Port scan 2 (today and each baseline day), brute force 1 and exposure 1 (their baseline days
    // are looked up for today's public sources only), egress spike 4 (today's source and
    // destination, the baseline's destinations: it is looked up for today's private hosts only)
    // and host egress 4 (source and destination, today and the baseline).
    expect(uses).toHaveLength(12);
    // No rule writes a private range of its own (the watchlist's address-shape checks name none).
    expect(texts.filter((t) => /regexp_like\(\w+, '[^']*(10\\\.|192\\\.168|172\\\.|127\\\.|\[fF\])/.test(t))).toEqual([]);
    expect(texts.filter((t) => /regexp_like\(\w+, '/.test(t)).length).toBe(1);
  });

  it('when the built-in queries place a record in a baseline day, they all use the one expression of fragments/day-block.sql', () => {
    const queries = loadSavedQueries().list();
    const users = queries.filter((q) => q.text.includes('{{day_block}}')).map((q) => q.name);

    expect(users).toEqual(['admin-port-brute-force', 'admin-port-exposure', 'egress-spike', 'host-egress', 'port-scan', 'reject-spike', 'watchlist']);
    // Only the hourly series writes blocks itself: it also needs the age's hour within its day.
    expect(queries.filter((q) => /% 86400, 518400\)/.test(q.text)).map((q) => q.name)).toEqual(['hourly-records']);
    // The baseline's days themselves (which day is complete) are the same blocks.
    expect(queryText('baseline/baseline-days')).toContain('{{day_block}} AS day_block');
    expect(queryText('baseline/baseline-days')).not.toMatch(/% 86400, 518400\)/);
    // 24-hour blocks counted back from the window start, capped at the seventh day (6 * 86400 = 518400).
    expect(String(dayBlockExpression(1_795_132_800))).toBe('least((1795132800 - 1 - first_start) - (1795132800 - 1 - first_start) % 86400, 518400)');
  });
});

describe('rendering a saved query', () => {
  // Built in each test, so a header the parser refuses fails the tests rather than the file's collection.
  const catalog = { render: (name: string, values: Parameters<SavedQueryCatalog['render']>[1]) => new SavedQueryCatalog([parseSavedQuery(FILE, good)]).render(name, values) };
  const context = (values: Record<string, unknown>) => ({
    flows: flowsRelation('flowlogs', 'vpc_flow_logs', { partitions: ['2026/11/20'], startEpoch: 1_795_132_800, endEpoch: 1_795_219_200 }),
    windowStartEpoch: 1_795_132_800,
    windowEndEpoch: 1_795_219_200,
    values,
  });

  it('when values are given, it splices them in and reads only the window partition', () => {
    const sql = catalog.render('custom', context({ ports: [22, 3389], min_flows: 7 }));

    expect(sql).toContain('destinationport IN (22, 3389) AND flows >= 7');
    expect(sql).toContain("WHERE (dt IN ('2026/11/20'))");
    expect(sql).toContain('starttime >= 1795132800');
    expect(sql).not.toContain('--');
  });

  it('when a value is hostile or out of range, it refuses naming the parameter', () => {
    expect(() => catalog.render('custom', context({ ports: ['22); DROP TABLE x; --'] }))).toThrow(/custom\.ports: ports are whole numbers/);
    expect(() => catalog.render('custom', context({ min_flows: -1 }))).toThrow(/custom\.min_flows/);
    expect(() => catalog.render('custom', context({ min_flows: 2.5 }))).toThrow(/whole number/);
  });

  it('when an ephemeral preset is chosen, it becomes the range of a BETWEEN', () => {
    const baselineFlows = flowsRelation('flowlogs', 'vpc_flow_logs', { partitions: ['2026/11/19'], startEpoch: 1_795_046_400, endEpoch: 1_795_132_800 });
    const sql = loadSavedQueries().render('port-scan', { ...context({ ephemeral_ports: 'windows-xp' }), baselineFlows });

    expect(sql).toContain('destinationport NOT BETWEEN 1025 AND 5000');
    expect(() => loadSavedQueries().render('port-scan', { ...context({ ephemeral_ports: 'freebsd' }), baselineFlows })).toThrow(/expected one of linux, iana, windows-xp, rfc6056/);
  });
});

describe('partitions read by the built-in queries', () => {
  it('when rendered for a Tokyo day, each query reads the two window partitions, and only baseline rules read the 8 before', async () => {
    const { reportWindow } = await import('../../src/lib/report/window.js');
    const window = reportWindow('2026-11-20', 'Asia/Tokyo');
    const saved = loadSavedQueries();
    const context = {
      flows: flowsRelation('flowlogs', 'vpc_flow_logs', window),
      baselineFlows: flowsRelation('flowlogs', 'vpc_flow_logs', window.baseline),
      baselineDays: baselineDaysRelation({
        baselineFlows: flowsRelation('flowlogs', 'vpc_flow_logs', window.baseline),
        windowStartEpoch: window.startEpoch,
        baselineStartEpoch: window.baseline.startEpoch,
        minDayHours: 20,
      }),
      windowStartEpoch: window.startEpoch,
      windowEndEpoch: window.endEpoch,
      watchlist: watchlistRelation(watchlistFromLines('198.51.100.0/24,feed', 'w.txt', 'w')),
    };

    for (const query of saved.list()) {
      const filters = [...saved.render(query.name, context).matchAll(/WHERE \(dt IN \(([^)]*)\)/g)].map((m) => m[1]);
      // Spike rules read the baseline twice: for their own sums and inside {{baseline_days}}.
      const baseline = window.baseline.partitions.map((p) => `'${p}'`).join(', ');
      const expected = ["'2026/11/19', '2026/11/20'", ...(query.usesBaseline ? [baseline, ...(query.needsMatureBaseline ? [baseline] : [])] : [])];
      expect(filters, query.name).toEqual(expected);
    }
    // Every detection reads the baseline (new or ongoing); the spike rules also read it inside {{baseline_days}}.
    expect(
      saved
        .list()
        .filter((q) => q.usesBaseline)
        .map((q) => q.name),
    ).toEqual(['admin-port-brute-force', 'admin-port-exposure', 'egress-spike', 'host-egress', 'hourly-records', 'port-scan', 'reject-spike', 'watchlist']);
  });
});

describe('saved query header edges', () => {
  const fails = (text: string) => {
    try {
      parseSavedQuery(FILE, text);
    } catch (error) {
      return (error as Error).message;
    }
    return 'parsed';
  };
  const digestHeader = (...lines: string[]) => header('-- title: X', '-- kind: digest', ...lines);

  it('when a header breaks a rule, the message says which, on which line', () => {
    expect(fails(header('-- title: X', '-- title: Y', '-- kind: digest', '-- param: ports = 22, 23', '-- param: min_flows = 1'))).toBe(
      `${FILE}: line 2: header key title is given twice`,
    );
    expect(fails(digestHeader('-- severity: high', '-- param: ports = 22, 23', '-- param: min_flows = 1'))).toBe(
      `${FILE}: only a detection has a severity; this query is a digest`,
    );
    expect(fails(header('-- title: X', '-- kind: detection', '-- severity: urgent', '-- param: ports = 22, 23', '-- param: min_flows = 1'))).toBe(
      `${FILE}: severity must be one of high, medium, low, got "urgent"`,
    );
    expect(fails(header('-- title: X', '-- param: ports = 22, 23', '-- param: min_flows = 1'))).toBe(`${FILE}: kind must be one of totals, digest, detection, series, got ""`);
    expect(fails(header('-- title:', '-- kind: digest', '-- param: ports = 22, 23', '-- param: min_flows = 1'))).toBe(`${FILE}: the header has no title (-- title: ...)`);
    expect(fails(digestHeader('-- param: ports = 22, 23', '-- param: ports = 24', '-- param: min_flows = 1'))).toBe(`${FILE}: parameter ports is declared twice`);
    expect(fails(digestHeader('-- param: ports = 22, 23', '-- param: min_flows = 1', '-- param: unused_one = 1', '-- param: unused_two = 2'))).toBe(
      `${FILE}: parameters the query never uses: unused_one, unused_two`,
    );
    expect(fails(digestHeader())).toBe(`${FILE}: placeholders without a parameter: {{ports}}, {{min_flows}}`);
    expect(fails('-- title: X\n-- kind: digest\nSELECT 1\n')).toBe(`${FILE}: the query does not read {{flows}}`);
    expect(fails(digestHeader('-- param: Ports = 22', '-- param: min_flows = 1'))).toBe(`${FILE}: line 3: a parameter must read "-- param: name = default", got "Ports = 22"`);
    expect(fails(digestHeader('-- param: flows = 22', '-- param: min_flows = 1'))).toBe(`${FILE}: line 3: flows is filled by the report job and cannot be a parameter`);
    expect(fails(digestHeader('-- param: ports = 22', '-- param: min_flows = lots'))).toBe(
      `${FILE}: line 4: cannot tell the type of min_flows from "lots"; write "min_flows (integer|number|ports|ephemeral) = ..."`,
    );
    expect(fails(digestHeader('-- param: ports (ports) = 0', '-- param: min_flows = 1'))).toBe(`${FILE}: line 3: ports: ports are whole numbers from 1 to 65535, got "0"`);
    expect(fails(header('-- title: X', '-- kind: detection', '-- severity: low', '-- technique: T1046.01', '-- param: ports = 22', '-- param: min_flows = 1'))).toBe(
      `${FILE}: technique must be a MITRE ATT&CK id such as T1046, got "T1046.01"`,
    );
  });

  it('when every reserved placeholder is declared as a parameter, each is refused by name', () => {
    for (const name of ['flows', 'baseline_flows', 'baseline_days', 'window_start', 'window_end', 'private_address', 'watchlist']) {
      expect(fails(digestHeader(`-- param: ${name} = 1`, '-- param: ports = 22', '-- param: min_flows = 1')), name).toBe(
        `${FILE}: line 3: ${name} is filled by the report job and cannot be a parameter`,
      );
    }
  });

  it('when the header is read, it stops at the first line that is not a comment, trims values, and infers each parameter type', () => {
    const text = [
      '  -- title:  Spaced title  ',
      '-- kind: digest',
      '-- description: What it finds',
      '-- technique: T1046.001',
      '-- param: ports = 22 , 23',
      '-- param: min_flows = 5',
      '-- param: ratio = 2.5',
      '-- param: client (ephemeral) = iana',
      '-- param: preset = rfc6056',
      'WITH flows AS ({{flows}})',
      '-- owner: not a header line any more',
      'SELECT * FROM flows WHERE destinationport IN ({{ports}}) AND flows >= {{min_flows}} AND ratio > {{ratio}} AND sourceport NOT BETWEEN {{client}} AND sourceport NOT BETWEEN {{preset}}',
    ].join('\n');

    const query = parseSavedQuery('src/queries/reports/sub/spaced.sql', text);

    expect(query).toMatchObject({
      name: 'spaced',
      title: 'Spaced title',
      kind: 'digest',
      description: 'What it finds',
      technique: 'T1046.001',
      usesBaseline: false,
      needsMatureBaseline: false,
      usesWatchlist: false,
    });
    expect(query).not.toHaveProperty('severity');
    expect(query.params).toEqual([
      { name: 'ports', type: 'ports', defaultValue: [22, 23] },
      { name: 'min_flows', type: 'integer', defaultValue: 5 },
      { name: 'ratio', type: 'number', defaultValue: 2.5 },
      { name: 'client', type: 'ephemeral', defaultValue: 'iana' },
      { name: 'preset', type: 'ephemeral', defaultValue: 'rfc6056' },
    ]);
    expect(parseSavedQuery(FILE, good)).not.toHaveProperty('description');
    expect(parseSavedQuery(FILE, header('-- title: X', '-- kind: digest', '-- param: ports = 22', '-- param: min_flows = 1'))).not.toHaveProperty('technique');
  });

  it('when a query reads the baseline or the watchlist, or declares min_baseline_days, its flags say so', () => {
    const flags = (body2: string, ...params: string[]) => {
      const q = parseSavedQuery(FILE, ['-- title: X', '-- kind: digest', ...params, `SELECT * FROM ({{flows}}) ${body2}`].join('\n'));
      return [q.usesBaseline, q.needsMatureBaseline, q.usesWatchlist];
    };

    expect(flags('')).toEqual([false, false, false]);
    expect(flags('UNION ALL SELECT * FROM ({{baseline_flows}})')).toEqual([true, false, false]);
    expect(flags('JOIN {{baseline_days}} USING (day)')).toEqual([true, false, false]);
    expect(flags('WHERE n >= {{min_baseline_days}}', '-- param: min_baseline_days = 3')).toEqual([false, true, false]);
    expect(flags('JOIN {{watchlist}} USING (block)')).toEqual([false, false, true]);
  });
});

describe('parameter values', () => {
  it('when a value is valid for its type, it is read from a number, a list or header text', () => {
    expect(validateParam('integer', 7, 'p')).toBe(7);
    expect(validateParam('integer', '7', 'p')).toBe(7);
    expect(validateParam('integer', 0, 'p')).toBe(0);
    expect(validateParam('number', '2.5', 'p')).toBe(2.5);
    expect(validateParam('number', '3', 'p')).toBe(3);
    expect(validateParam('number', 0, 'p')).toBe(0);
    expect(validateParam('ports', [1, 65535], 'p')).toEqual([1, 65535]);
    expect(validateParam('ports', '22, 3389', 'p')).toEqual([22, 3389]);
    expect(validateParam('ephemeral', 'linux', 'p')).toBe('linux');
  });

  it.each([
    ['integer', -1, 'p: expected a whole number of 0 or more, got -1'],
    ['integer', 2.5, 'p: expected a whole number of 0 or more, got 2.5'],
    ['integer', '7x', 'p: expected a whole number of 0 or more, got "7x"'],
    ['integer', 2 ** 53, `p: expected a whole number of 0 or more, got ${2 ** 53}`],
    ['integer', [1], 'p: expected a whole number of 0 or more, got a list'],
    ['number', -0.5, 'p: expected a number of 0 or more, got -0.5'],
    ['number', Number.POSITIVE_INFINITY, 'p: expected a number of 0 or more, got Infinity'],
    ['number', '2.5.1', 'p: expected a number of 0 or more, got "2.5.1"'],
    ['number', null, 'p: expected a number of 0 or more, got object'],
    ['ports', [], 'p: expected a list of ports, got a list'],
    ['ports', 22, 'p: expected a list of ports, got 22'],
    ['ports', [0], 'p: ports are whole numbers from 1 to 65535, got 0'],
    ['ports', [65536], 'p: ports are whole numbers from 1 to 65535, got 65536'],
    ['ports', [22.5], 'p: ports are whole numbers from 1 to 65535, got 22.5'],
    ['ports', '22, x', 'p: ports are whole numbers from 1 to 65535, got "x"'],
    ['ephemeral', 'freebsd', 'p: expected one of linux, iana, windows-xp, rfc6056, got "freebsd"'],
    ['ephemeral', 1, 'p: expected one of linux, iana, windows-xp, rfc6056, got 1'],
  ] as const)('when a %s parameter is given %j, it is refused: %s', (type, value, message) => {
    expect(() => validateParam(type, value, 'p')).toThrow(new ValidationError('p', message.replace(/^p: /, '')));
  });

  it('when each ephemeral preset is chosen, its inclusive range is the BETWEEN operand', () => {
    const catalog = new SavedQueryCatalog([
      parseSavedQuery(FILE, header('-- title: X', '-- kind: digest', '-- param: ports (ephemeral) = linux', '-- param: min_flows (number) = 1.5')),
    ]);
    const render = (ports: string) => catalog.render('custom', { flows: SqlFragment.of('SELECT 1'), windowStartEpoch: 0, windowEndEpoch: 1, values: { ports } });

    expect(render('linux')).toContain('destinationport IN (32768 AND 61000) AND flows >= 1.5');
    expect(render('iana')).toContain('IN (49152 AND 65535)');
    expect(render('windows-xp')).toContain('IN (1025 AND 5000)');
    expect(render('rfc6056')).toContain('IN (1024 AND 65535)');
    expect(EPHEMERAL_PRESET_NAMES).toEqual(['linux', 'iana', 'windows-xp', 'rfc6056']);
  });
});

describe('the catalogue', () => {
  const reader = (...extra: string[]) => header('-- title: X', '-- kind: digest', '-- param: ports = 22', '-- param: min_flows = 1', ...extra);
  const context = { flows: SqlFragment.of('SELECT 1'), windowStartEpoch: 10, windowEndEpoch: 20 };

  it('when a query name is unknown, it says which', () => {
    expect(() => new SavedQueryCatalog([]).get('nope')).toThrow(NotFoundError);
    expect(() => new SavedQueryCatalog([]).get('nope')).toThrow(/^no saved report query named "nope"$/);
  });

  it('when a query reads a relation the context lacks, it refuses naming the query and the placeholder', () => {
    const uses = (placeholder: string) => new SavedQueryCatalog([parseSavedQuery(FILE, `-- title: X\n-- kind: digest\nSELECT * FROM ({{flows}}) JOIN ${placeholder} ON true`)]);

    expect(() => uses('{{baseline_flows}}').render('custom', context)).toThrow(new ValidationError('custom', 'reads {{baseline_flows}} but no baseline relation was given'));
    expect(() => uses('{{baseline_days}}').render('custom', context)).toThrow(new ValidationError('custom', 'reads {{baseline_days}} but no baseline days relation was given'));
    expect(() => uses('{{watchlist}}').render('custom', context)).toThrow(new ValidationError('custom', 'reads {{watchlist}} but no watchlist was given'));
    expect(uses('{{baseline_flows}}').render('custom', { ...context, baselineFlows: SqlFragment.of('SELECT 2') })).toBe('SELECT * FROM (SELECT 1) JOIN SELECT 2 ON true');
    expect(uses('{{baseline_days}}').render('custom', { ...context, baselineDays: SqlFragment.of('SELECT 3') })).toBe('SELECT * FROM (SELECT 1) JOIN SELECT 3 ON true');
    expect(uses('{{watchlist}}').render('custom', { ...context, watchlist: SqlFragment.of('SELECT 4') })).toBe('SELECT * FROM (SELECT 1) JOIN SELECT 4 ON true');
  });

  it('when a query reads the private-address pattern and the window, they are filled in', () => {
    const catalog = new SavedQueryCatalog([
      parseSavedQuery(FILE, '-- title: X\n-- kind: digest\nSELECT {{window_start}}, {{window_end}} FROM ({{flows}}) WHERE regexp_like(a, {{private_address}})'),
    ]);

    expect(catalog.render('custom', context)).toBe(`SELECT 10, 20 FROM (SELECT 1) WHERE regexp_like(a, ${privateAddressPattern().toString()})`);
    expect(privateAddressPattern().toString()).toMatch(/^'\^\(10\\\.\|127\\\./);
  });

  it('when files are given, only the top level of the reports folder is read, sorted by name', () => {
    const catalog = loadSavedQueries({ 'reports/b': reader(), 'reports/a': reader(), 'reports/sub/c': reader(), 'other/d': reader(), 'reportsx/e': reader() });

    expect(catalog.list().map((q) => [q.name, q.file])).toEqual([
      ['a', 'src/queries/reports/a.sql'],
      ['b', 'src/queries/reports/b.sql'],
    ]);
    expect(
      loadSavedQueries({ 'mine/x': reader() }, 'mine/')
        .list()
        .map((q) => q.name),
    ).toEqual(['x']);
  });
});

describe('saved query text as written', () => {
  const parse = (...lines: string[]) => parseSavedQuery(FILE, header('-- title: X', '-- kind: digest', ...lines));
  const message = (act: () => unknown) => {
    try {
      act();
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('when a header is written without spaces or with extra ones, it is read the same', () => {
    expect(parseSavedQuery(FILE, `--title : Tight\n--kind:digest\n-- param: ports=22,23\n-- param: min_flows ( integer ) =1\n${body}`)).toMatchObject({
      title: 'Tight',
      kind: 'digest',
      params: [
        { name: 'ports', type: 'ports', defaultValue: [22, 23] },
        { name: 'min_flows', type: 'integer', defaultValue: 1 },
      ],
    });
  });

  it('when a default is almost a number or a port list, its type cannot be told and the message says so', () => {
    for (const text of ['a1, 2', '1, 2x', 'x2.5', '2.5x', '2.5.1']) {
      expect(
        message(() => parse(`-- param: ports = ${text}`, '-- param: min_flows = 1')),
        text,
      ).toBe(`${FILE}: line 3: cannot tell the type of ports from "${text}"; write "ports (integer|number|ports|ephemeral) = ..."`);
    }
    expect(parse('-- param: ports = 22', '-- param: min_flows = 12.25').params[1]).toEqual({ name: 'min_flows', type: 'number', defaultValue: 12.25 });
  });

  it('when a header line is not key: value or names an unknown key, the message gives its line and the known keys', () => {
    expect(message(() => parseSavedQuery(FILE, `-- title: X\n-- just a remark\n${body}`))).toBe(`${FILE}: line 2: a header line must read "-- key: value", got "-- just a remark"`);
    expect(message(() => parseSavedQuery(FILE, `-- title: X\n-- kind: digest\n-- owner: me\n${body}`))).toBe(
      `${FILE}: line 3: unknown header key "owner" (known: title, kind, severity, technique, description, param)`,
    );
    expect(message(() => parse('-- technique: XT1046', '-- param: ports = 22', '-- param: min_flows = 1'))).toBe(
      `${FILE}: technique must be a MITRE ATT&CK id such as T1046, got "XT1046"`,
    );
  });

  it('when a header is refused, the error carries the file; an unknown query carries its name', () => {
    expect(() => parseSavedQuery(FILE, 'SELECT 1')).toThrow(expect.objectContaining({ field: FILE, context: expect.objectContaining({ file: FILE }) }));
    expect(() => new SavedQueryCatalog([]).get('nope')).toThrow(expect.objectContaining({ context: { name: 'nope' } }));
    expect(parseSavedQuery('src/queries/reports/x.sqlish.sql', good).name).toBe('x.sqlish');
  });

  it('when a value carries a space or extra digits around it, it is refused as text', () => {
    for (const value of [' 7', '7 '])
      expect(
        message(() => validateParam('integer', value, 'p')),
        value,
      ).toBe(`p: expected a whole number of 0 or more, got "${value}"`);
    for (const value of [' 2.5', '2.5 '])
      expect(
        message(() => validateParam('number', value, 'p')),
        value,
      ).toBe(`p: expected a number of 0 or more, got "${value}"`);
    for (const value of [' 22', '22 '])
      expect(
        message(() => validateParam('ports', [value], 'p')),
        value,
      ).toBe(`p: ports are whole numbers from 1 to 65535, got "${value}"`);
    expect(validateParam('number', '12.25', 'p')).toBe(12.25);
    expect(validateParam('ports', ['22', 3389], 'p')).toEqual([22, 3389]);
  });

  it('when the window bounds are not whole seconds, rendering refuses naming the bound', () => {
    const catalog = new SavedQueryCatalog([parseSavedQuery(FILE, good)]);
    const flows = SqlFragment.of('SELECT 1');

    expect(() => catalog.render('custom', { flows, windowStartEpoch: 1.5, windowEndEpoch: 2 })).toThrow(/^window_start: /);
    expect(() => catalog.render('custom', { flows, windowStartEpoch: 1, windowEndEpoch: 2.5 })).toThrow(/^window_end: /);
  });
});
