import { describe, expect, it } from 'vitest';
import { renderChatNotification } from '../../src/lib/render/render-chat.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { buildSnsMessage, shrinkReport, SNS_MAX_PUBLISH_BYTES } from '../../src/lib/render/sns-message.js';
import { renderSubject } from '../../src/lib/render/subject.js';
import type { Report } from '../../src/lib/report/model.js';
import { digest, finding, hugeReport, queryRun, richReport, scanRows } from '../support/report-fixture.js';

describe('SNS message', () => {
  it('when a report is small, it carries every protocol key and cuts nothing', () => {
    const report = richReport();

    const sns = buildSnsMessage(report);

    const message = JSON.parse(sns.Message) as Record<string, string>;
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    expect(sns.MessageStructure).toBe('json');
    expect(sns.truncated).toBe(false);
    expect(message.default).toBe(renderText(report));
    expect(message.email).toBe(message.default);
    expect(JSON.parse(message.lambda ?? '')).toEqual(JSON.parse(JSON.stringify(report)));
    expect(message.sqs).toBe(message.lambda);
    expect(JSON.parse(message.https ?? '')).toEqual(renderChatNotification(report));
    expect(sns.Subject).toBe(renderSubject(report));
  });

  it('when a report is huge, it stays within 256 KiB, keeps counts and results locations, and says it was cut', () => {
    const report = hugeReport(5_000, 30);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeGreaterThan(10 * 262_144);

    const sns = buildSnsMessage(report);

    expect(sns.truncated).toBe(true);
    // SNS Publish: at most 256 KiB, 262,144 bytes (Amazon SNS quotas).
    expect(SNS_MAX_PUBLISH_BYTES).toBe(262_144);
    expect(sns.sizeBytes).toBeLessThanOrEqual(262_144);
    expect(Buffer.byteLength(sns.Message) + Buffer.byteLength(sns.Subject)).toBe(sns.sizeBytes);
    const sent = JSON.parse(JSON.parse(sns.Message).lambda) as Report;
    expect(sent.findings).toHaveLength(30);
    for (const f of sent.findings) {
      expect(f.count).toBe(10_000);
      expect(f.rows.length + f.rowsLeftOut).toBe(10_000);
      expect(f.resultsLocation).toBe('s3://flowlog-results-123456789012/reports/2026-11-25/port-scan.csv');
    }
    expect(sent.totals).toEqual(report.totals);
    expect(sent.warnings[0]).toMatch(/rows cut to at most \d+ per finding/);
  });

  it('when the limit is tiny, it still produces a message by cutting findings, never dropping it', () => {
    const report = hugeReport(100, 300);

    const sns = buildSnsMessage(report, { maxBytes: 40_000 });

    expect(sns.sizeBytes).toBeLessThanOrEqual(40_000);
    const sent = JSON.parse(JSON.parse(sns.Message).lambda) as Report;
    expect(sent.findings.length).toBeLessThan(300);
    expect(sent.findings.every((f) => f.severity === 'high')).toBe(true);
    expect(sent.warnings.some((w) => /findings left out/.test(w))).toBe(true);
  });
});

describe('SNS message fit', () => {
  const sizeOf = (report: Report) => buildSnsMessage(report).sizeBytes;

  it('when the limit is exactly the full message size, nothing is cut; one byte less and rows are cut', () => {
    const report = richReport();
    const full = sizeOf(report);

    const exact = buildSnsMessage(report, { maxBytes: full });
    const under = buildSnsMessage(report, { maxBytes: full - 1 });

    expect(exact.truncated).toBe(false);
    expect(exact.sizeBytes).toBe(full);
    expect(under.truncated).toBe(true);
    expect(under.sizeBytes).toBeLessThanOrEqual(full - 1);
    expect((JSON.parse(JSON.parse(under.Message).lambda) as Report).warnings[0]).toMatch(/^rows cut to at most \d+ per finding to fit the SNS message size limit/);
  });

  it('when text is multi-byte, the size counts UTF-8 bytes of the message and the subject', () => {
    const report = richReport({ findings: [finding({ title: 'ポートスキャン 🚨', rows: scanRows(2) })] });

    const sns = buildSnsMessage(report);

    expect(sns.sizeBytes).toBe(Buffer.byteLength(sns.Message, 'utf8') + Buffer.byteLength(sns.Subject, 'utf8'));
    expect(sns.sizeBytes).toBeGreaterThan(sns.Message.length + sns.Subject.length);
  });

  it('when even the last step does not fit, it throws a RangeError naming the limit', () => {
    expect(() => buildSnsMessage(richReport(), { maxBytes: 500 })).toThrow(new RangeError('the report does not fit in 500 bytes even with every row cut'));
  });

  it('when the limit shrinks byte by byte below the full message, the cuts go through the steps in order: 50, 20, 10, 5, 2 and 0 rows, then shorter and fewer warnings', () => {
    const report = richReport({
      findings: [finding({ rows: scanRows(210) }), finding({ rule: 'port-scan-2', rows: scanRows(210, '198.51.100.9') })],
      warnings: Array.from({ length: 250 }, (_, i) => `warning ${i} ${'w'.repeat(150)}`),
    });
    const seen: string[] = [];
    let maxBytes = buildSnsMessage(report).sizeBytes - 1;
    for (;;) {
      let sns: ReturnType<typeof buildSnsMessage>;
      try {
        sns = buildSnsMessage(report, { maxBytes });
      } catch {
        break;
      }
      const sent = JSON.parse(JSON.parse(sns.Message).lambda) as Report;
      const warnings = sent.warnings.filter((w) => !/left out|rows cut/.test(w));
      seen.push(
        `${/at most (\d+) per finding/.exec(sent.warnings[0] ?? '')?.[1]} rows, ${warnings.length} warnings of ${Math.max(...warnings.map((w) => [...w].length))} characters`,
      );
      maxBytes = sns.sizeBytes - 1;
    }

    expect(seen).toEqual([
      '50 rows, 50 warnings of 161 characters',
      '20 rows, 20 warnings of 161 characters',
      '10 rows, 20 warnings of 161 characters',
      '5 rows, 10 warnings of 160 characters',
      '2 rows, 10 warnings of 160 characters',
      '0 rows, 5 warnings of 160 characters',
      '0 rows, 5 warnings of 120 characters',
      '0 rows, 2 warnings of 100 characters',
    ]);
  });

  it("when no limit is given, the limit is SNS's 262,144 bytes", () => {
    // SNS Publish: at most 256 KiB = 262,144 bytes (Amazon SNS quotas).
    const report = hugeReport(400, 30);
    const needed = Buffer.byteLength(JSON.stringify(report), 'utf8') * 2;
    expect(needed).toBeGreaterThan(262_144);

    expect(buildSnsMessage(report).truncated).toBe(true);
    expect(buildSnsMessage(richReport()).truncated).toBe(false);
  });
});

describe('shrinkReport', () => {
  const step = { maxRows: 2, maxCellChars: 5, maxStringChars: 8, maxWarnings: 1, maxFindings: 2, maxDigests: 1, maxQueries: 2 };

  it('when rows are cut, each finding and digest keeps the first rows, cut cells, and counts the rest as left out', () => {
    const report = richReport({
      findings: [
        finding({
          rule: 'port-scan-long-name',
          title: 'A very long title',
          technique: 'T1046.001x',
          rows: [
            { sourceaddress: '198.51.100.7', flows: 3 },
            { sourceaddress: 'b', flows: 2 },
            { sourceaddress: 'c', flows: 1 },
          ],
          rowsLeftOut: 10,
        }),
      ],
      digests: [
        digest({
          rule: 'top-talkers-x',
          title: 'Top talkers',
          rows: [
            { destinationaddress: 'abcdefgh', bytes: 1 },
            { destinationaddress: 'x', bytes: 2 },
            { destinationaddress: 'y', bytes: 3 },
          ],
          rowsLeftOut: 4,
        }),
      ],
    });

    const small = shrinkReport(report, step);

    expect(small.findings).toEqual([
      expect.objectContaining({
        rule: 'port-sc…',
        title: 'A very …',
        technique: 'T1046.0…',
        rows: [
          { 'sour…': '198.…', flows: 3 },
          { 'sour…': 'b', flows: 2 },
        ],
        rowsLeftOut: 11,
        count: 3,
      }),
    ]);
    expect(small.digests).toEqual([
      expect.objectContaining({
        rule: 'top-tal…',
        title: 'Top tal…',
        rows: [
          { 'dest…': 'abcd…', bytes: 1 },
          { 'dest…': 'x', bytes: 2 },
        ],
        rowsLeftOut: 5,
      }),
    ]);
  });

  it('when rows fit, nothing is added to rows left out and a finding without technique gets none', () => {
    const { technique: _dropped, ...plain } = finding({ rows: scanRows(1), rowsLeftOut: 7 });
    const small = shrinkReport(richReport({ findings: [plain], digests: [digest({ rows: [], rowsLeftOut: 0 })] }), step);

    expect(small.findings[0]?.rowsLeftOut).toBe(7);
    expect(small.findings[0]).not.toHaveProperty('technique');
    expect(small.digests[0]?.rowsLeftOut).toBe(0);
  });

  it('when findings, digests, queries and warnings are over their caps, it keeps the first (high findings, failed queries first) and says how many were left out', () => {
    const report = richReport({
      findings: [finding({ rule: 'low-1', severity: 'low' }), finding({ rule: 'high-1', severity: 'high' }), finding({ rule: 'medium-1', severity: 'medium' })],
      digests: [digest({ rule: 'd1' }), digest({ rule: 'd2' }), digest({ rule: 'd3' })],
      queries: [queryRun({ name: 'ok-1' }), queryRun({ name: 'ok-2' }), queryRun({ name: 'bad-1', status: 'failed', error: 'HIVE_BAD_DATA: long error text' })],
      warnings: ['first warning text', 'second', 'third'],
    });

    const small = shrinkReport(report, step);

    expect(small.findings.map((f) => f.rule)).toEqual(['high-1', 'medium-1']);
    expect(small.digests.map((d) => d.rule)).toEqual(['d1']);
    expect(small.queries.map((q) => [q.name, q.error])).toEqual([
      ['bad-1', 'HIVE_BA…'],
      ['ok-1', undefined],
    ]);
    expect(small.queries[1]).not.toHaveProperty('error');
    expect(small.warnings).toEqual([
      "rows cut to at most 2 per finding to fit the SNS message size limit; each finding's full result is at its results location",
      '1 findings left out to fit the SNS message size limit',
      '2 digests left out to fit the SNS message size limit',
      '1 query runs left out to fit the SNS message size limit',
      '2 more warnings left out',
      'first w…',
    ]);
    expect(small.totals).toEqual(report.totals);
  });

  it('when nothing is over its cap, only the note on rows is added and every warning stays', () => {
    const report = richReport({ findings: [finding()], digests: [digest()], queries: [queryRun()], warnings: ['one'] });

    const small = shrinkReport(report, { ...step, maxRows: 20 });

    expect(small.warnings).toEqual(["rows cut to at most 20 per finding to fit the SNS message size limit; each finding's full result is at its results location", 'one']);
  });

  it('when a report has suppressed matches and chart series, the matches keep counts with cut rows and the series are dropped', () => {
    const report = richReport({
      suppressed: [{ rule: 'port-scan-x', entry: 1, reason: 'scanner approved', expires: '2026-12-31', count: 40, rows: scanRows(5) }],
      series: [{ name: 'rejected-by-hour', points: [] } as unknown as NonNullable<Report['series']>[number]],
    });

    const small = shrinkReport(report, step);

    expect(small.suppressed).toEqual([
      {
        rule: 'port-sc…',
        entry: 1,
        reason: 'scanner…',
        expires: '2026-12-31',
        count: 40,
        rows: scanRows(2).map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k.length > 5 ? `${k.slice(0, 4)}…` : k, typeof v === 'string' && v.length > 5 ? `${v.slice(0, 4)}…` : v])),
        ),
      },
    ]);
    expect(small.series).toBeUndefined();
    expect(shrinkReport(richReport(), step)).not.toHaveProperty('suppressed');
  });

  it('when a cell is null or a number, it is kept as it is while string cells are cut', () => {
    const report = richReport({ findings: [finding({ rows: [{ sourceaddress: '198.51.100.77', flows: 123_456_789, note: null }] })] });

    const small = shrinkReport(report, step);

    expect(small.findings[0]?.rows).toEqual([{ 'sour…': '198.…', flows: 123_456_789, note: null }]);
  });

  it('when rows are cut, only the interface places the kept rows still name stay with a finding or digest', () => {
    const place = (key: string) => ({ key, interfaceId: key.startsWith('eni-') ? key : 'eni-0aaaaaaaaaaaaaaaa', privateAddresses: [], securityGroups: [] });
    const rows = [
      { interfaceid: 'eni-0a1b2c3d4e5f60718', sourceaddress: '10.0.1.5', flows: 3 },
      { interfaceid: 'eni-0b1b2c3d4e5f60718', sourceaddress: '203.0.113.9', flows: 2 },
      { interfaceid: 'eni-0c1b2c3d4e5f60718', sourceaddress: '10.0.9.9', flows: 1 },
    ];
    const places = ['eni-0a1b2c3d4e5f60718', '10.0.1.5', 'eni-0b1b2c3d4e5f60718', 'eni-0c1b2c3d4e5f60718', '10.0.9.9'].map(place);
    const report = richReport({ findings: [finding({ rows, places })], digests: [digest({ rows, places })] });

    const small = shrinkReport(report, { ...step, maxCellChars: 100, maxRows: 2 });
    const none = shrinkReport(report, { ...step, maxCellChars: 100, maxRows: 0 });

    const kept = ['eni-0a1b2c3d4e5f60718', '10.0.1.5', 'eni-0b1b2c3d4e5f60718'];
    expect(small.findings[0]?.places?.map((p) => p.key)).toEqual(kept);
    expect(small.digests[0]?.places?.map((p) => p.key)).toEqual(kept);
    expect(none.findings[0]?.places).toBeUndefined();
  });
});
