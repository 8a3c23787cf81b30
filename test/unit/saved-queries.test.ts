import { describe, expect, it } from 'vitest';
import { baselineDaysRelation } from '../../src/lib/report/baseline.js';
import { loadSavedQueries, parseSavedQuery, SavedQueryCatalog } from '../../src/lib/report/saved-queries.js';
import { flowsRelation } from '../../src/lib/report/relations.js';
import { ValidationError } from '../../src/lib/errors.js';
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
    ['a bad technique', header('-- title: X', '-- kind: detection', '-- severity: high', '-- technique: port scan', '-- param: ports = 22, 23', '-- param: min_flows = 1'), /MITRE ATT&CK id/],
    ['a placeholder with no parameter', header('-- title: X', '-- kind: digest', '-- param: ports = 22, 23'), /placeholders without a parameter: \{\{min_flows\}\}/],
    ['a port out of range', header('-- title: X', '-- kind: digest', '-- param: ports = 22, 70000', '-- param: min_flows = 1'), /ports are whole numbers from 1 to 65535/],
    ['a line that is not key: value', header('-- title: X', '-- just a remark', '-- kind: digest'), /must read "-- key: value"/],
  ])('when a header has %s, it fails naming the file', (_, text, message) => {
    expect(() => parseSavedQuery(FILE, text)).toThrow(ValidationError);
    expect(() => parseSavedQuery(FILE, text)).toThrow(message);
    expect(() => parseSavedQuery(FILE, text)).toThrow(/^src\/queries\/reports\/custom\.sql: /);
  });

  it('when the built-in files are loaded, each rule id is listed with its kind and severity', () => {
    const listed = loadSavedQueries().list().map((q) => `${q.name}:${q.kind}:${q.severity ?? '-'}`);

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
    const texts = loadSavedQueries().list().map((q) => q.text);
    const uses = texts.flatMap((t) => [...t.matchAll(/regexp_like\(\w+, \{\{private_address\}\}\)/g)]);

    // Seven tests in the rules, and the detections repeat theirs for each baseline day (new or ongoing).
    expect(uses).toHaveLength(16);
    // No rule writes a private range of its own (the watchlist's address-shape checks name none).
    expect(texts.filter((t) => /regexp_like\(\w+, '[^']*(10\\\.|192\\\.168|172\\\.|127\\\.|\[fF\])/.test(t))).toEqual([]);
    expect(texts.filter((t) => /regexp_like\(\w+, '/.test(t)).length).toBe(1);
  });
});

describe('rendering a saved query', () => {
  const catalog = new SavedQueryCatalog([parseSavedQuery(FILE, good)]);
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
      baselineDays: baselineDaysRelation({ baselineFlows: flowsRelation('flowlogs', 'vpc_flow_logs', window.baseline), windowStartEpoch: window.startEpoch, baselineStartEpoch: window.baseline.startEpoch, minDayHours: 20 }),
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
    expect(saved.list().filter((q) => q.usesBaseline).map((q) => q.name)).toEqual(['admin-port-brute-force', 'admin-port-exposure', 'egress-spike', 'host-egress', 'hourly-records', 'port-scan', 'reject-spike', 'watchlist']);
  });
});
