/**
 * Realistic reports for rendering and delivery tests: a usual day, a huge day (thousands of
 * rows from a port scan) and hostile strings as they can arrive in log fields and file names.
 */
import type { Row } from '../../src/lib/ports.js';
import type { Digest, Finding, QueryRun, Report } from '../../src/lib/report/model.js';

/** Strings an attacker controls (a crafted file name, a forged field) trying to ping, link or escape. */
export const HOSTILE = {
  mention: '<!channel> <@U012AB3CD> @here',
  link: '<https://evil.example/login|click here>',
  ampersand: 'a&b &amp; c',
  terminal: 'ok\u001b[2J\u001b[31mred\u0007',
  newline: 'line one\nSubject: injected\r\nline two',
  bidi: 'abc\u202Etxt.exe',
  backticks: '```\n<!here>\n```',
} as const;

const resultsBucket = 's3://flowlog-results-123456789012/reports/2026-11-25';

export function scanRows(count: number, source = '198.51.100.7'): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceaddress: source,
    destinationaddress: `10.0.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`,
    destinationport: 1 + (i % 65_535),
    protocol: 6,
    flows: 1 + (i % 7),
    action: 'REJECT',
  }));
}

export function talkerRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceaddress: `10.1.${Math.floor(i / 256) % 256}.${i % 256}`,
    bytes: 9_000_000_000 - i * 1_000_003,
    flows: 10_000 - i,
  }));
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  const rows = overrides.rows ?? scanRows(12);
  return {
    rule: 'port-scan',
    severity: 'high',
    title: 'Port scan from the internet',
    technique: 'T1046',
    count: rows.length,
    rows,
    rowsLeftOut: 0,
    resultsLocation: `${resultsBucket}/port-scan.csv`,
    ...overrides,
  };
}

export function digest(overrides: Partial<Digest> = {}): Digest {
  return { rule: 'top-talkers', title: 'Top talkers by bytes', rows: talkerRows(10), rowsLeftOut: 0, resultsLocation: `${resultsBucket}/top-talkers.csv`, ...overrides };
}

export function queryRun(overrides: Partial<QueryRun> = {}): QueryRun {
  return {
    name: 'port-scan',
    status: 'succeeded',
    rows: 12,
    bytesScanned: 734_003_200,
    costUsd: 0.0033,
    durationMs: 4_210,
    queryId: '6f0c9b1e-3d2a-4a8e-9f6b-1c2d3e4f5a6b',
    outputLocation: `${resultsBucket}/6f0c9b1e-3d2a-4a8e-9f6b-1c2d3e4f5a6b.csv`,
    ...overrides,
  };
}

/** A usual day: three findings (two high), four digests, one failed query, one warning. */
export function richReport(overrides: Partial<Report> = {}): Report {
  return {
    tool: 'flowlog-pilot',
    engine: 'athena',
    database: 'flowlogs',
    table: 'vpc_flow_logs',
    generatedAt: '2026-11-25T15:05:12.000Z',
    window: { date: '2026-11-25', start: '2026-11-24T15:00:00.000Z', end: '2026-11-25T15:00:00.000Z', timezone: 'Asia/Tokyo', partitions: ['2026/11/24', '2026/11/25'] },
    totals: { records: 1_234_567, accepted: 1_216_334, rejected: 18_233, bytes: 987_654_321_000 },
    findings: [
      finding({
        rule: 'admin-port-from-internet',
        severity: 'medium',
        title: 'SSH/RDP reached from the internet',
        technique: 'T1021',
        rows: scanRows(3, '203.0.113.9'),
        count: 3,
        resultsLocation: `${resultsBucket}/admin-ports.csv`,
      }),
      finding(),
      finding({
        rule: 'brute-force',
        title: 'Brute force on SSH',
        technique: 'T1110',
        rows: scanRows(4, '192.0.2.44'),
        count: 240,
        rowsLeftOut: 236,
        resultsLocation: `${resultsBucket}/brute-force.csv`,
      }),
    ],
    digests: [
      digest({ rule: 'top-rejected-sources', title: 'Top rejected sources', rows: scanRows(10) }),
      digest({
        rule: 'top-rejected-ports',
        title: 'Top rejected ports',
        rows: [
          { destinationport: 22, flows: 9_001 },
          { destinationport: 3389, flows: 4_400 },
        ],
      }),
      digest({ rule: 'rejected-by-interface', title: 'Rejected by interface', rows: [{ interfaceid: 'eni-0a1b2c3d4e5f60718', rejected: 12_000 }] }),
      digest(),
    ],
    baseline: {
      requiredDays: 3,
      minDayHours: 20,
      completeDays: 2,
      days: [
        ...['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21'].map((date) => ({ date, hours: 0, complete: false })),
        { date: '2026-11-22', hours: 15, firstRecordAfterSeconds: 32_400, complete: false },
        { date: '2026-11-23', hours: 24, firstRecordAfterSeconds: 0, complete: true },
        { date: '2026-11-24', hours: 24, firstRecordAfterSeconds: 0, complete: true },
      ],
    },
    building: [
      { rule: 'egress-spike', title: 'Private address sending far more to the internet than usual', completeDays: 2, requiredDays: 3 },
      { rule: 'reject-spike', title: 'Rejected records far above the usual level', completeDays: 2, requiredDays: 3 },
    ],
    queries: [
      queryRun(),
      queryRun({ name: 'brute-force', rows: 240, queryId: '7a1d2c3b-0000-4000-8000-000000000001' }),
      queryRun({
        name: 'egress-spike',
        status: 'failed',
        rows: 0,
        bytesScanned: 0,
        costUsd: 0,
        error: 'HIVE_BAD_DATA: Error parsing field value',
        queryId: '7a1d2c3b-0000-4000-8000-000000000002',
      }),
    ],
    bytesScanned: 1_468_006_400,
    costUsd: 0.0067,
    warnings: ['skipped corrupt file s3://logs/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/25/broken.log.gz'],
    ...overrides,
  };
}

/** A bad day: a port scan with thousands of rows, many findings and digests, long strings. */
export function hugeReport(rowsPerFinding = 5_000, findings = 30): Report {
  const base = richReport();
  return {
    ...base,
    findings: Array.from({ length: findings }, (_, i) =>
      finding({
        rule: `rule-${i}`,
        severity: i % 3 === 0 ? 'high' : i % 3 === 1 ? 'medium' : 'low',
        title: `Finding number ${i}`,
        rows: scanRows(rowsPerFinding, `198.51.100.${i}`),
        count: rowsPerFinding * 2,
        rowsLeftOut: rowsPerFinding,
      }),
    ),
    digests: Array.from({ length: 6 }, (_, i) => digest({ rule: `digest-${i}`, title: `Digest ${i}`, rows: talkerRows(1_000) })),
    warnings: Array.from({ length: 2_000 }, (_, i) => `skipped corrupt file number ${i} ${'x'.repeat(200)}`),
  };
}

/** Every hostile string in every place a value from the logs can reach. */
export function hostileReport(): Report {
  const base = richReport();
  const hostileRow: Row = {
    sourceaddress: HOSTILE.mention,
    destinationaddress: HOSTILE.link,
    note: HOSTILE.terminal,
    other: HOSTILE.backticks,
    more: HOSTILE.bidi,
    amp: HOSTILE.ampersand,
  };
  return {
    ...base,
    findings: [finding({ title: `Scan ${HOSTILE.mention} ${HOSTILE.newline}`, rule: HOSTILE.link, rows: [hostileRow], count: 1 })],
    digests: [digest({ title: HOSTILE.link, rows: [hostileRow] })],
    queries: [queryRun({ name: HOSTILE.mention, status: 'failed', error: `${HOSTILE.link} ${HOSTILE.backticks}` })],
    warnings: [HOSTILE.mention, HOSTILE.terminal],
  };
}
