import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport, type QueryOutcome } from '../../src/lib/report/build-report.js';
import { compactNumber, escapeHtml, niceCeiling } from '../../src/lib/render/html-charts.js';
import type { Report, Series } from '../../src/lib/report/model.js';
import { hourlyPoints, renderHtml } from '../../src/lib/render/render-html.js';
import { canonicalReport, renderJson } from '../../src/lib/render/render-json.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { parseSavedQuery } from '../../src/lib/report/saved-queries.js';
import { shrinkReport } from '../../src/lib/render/sns-message.js';
import type { Row } from '../../src/lib/ports.js';
import { digest, finding, queryRun, richReport } from '../support/report-fixture.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(2)>';
const HOUR = 3600;
/** richReport's window: the Tokyo day 2026-11-25, 24 hours from 15:00 UTC. */
const WINDOW_START = Date.parse('2026-11-24T15:00:00.000Z') / 1000;

function hourlyRows(hours: readonly number[]): Row[] {
  return hours.map((h) => ({
    hour: WINDOW_START + h * HOUR,
    accepted: 100 + h,
    rejected: 10 + h,
    baseline_days: 7,
    baseline_accepted_min: 90,
    baseline_accepted_max: 120,
    baseline_rejected_min: 5,
    baseline_rejected_max: 20,
  }));
}

function egressRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceaddress: `10.0.1.${i + 1}`,
    bytes: (count - i) * 1_000_000,
    baseline_days: 7,
    baseline_min_bytes: 100_000,
    baseline_mean_bytes: 500_000.5,
    baseline_max_bytes: 900_000,
  }));
}

function withSeries(report: Report, series: Series[]): Report {
  return { ...report, series };
}

const chartReport = (hours = Array.from({ length: 24 }, (_, h) => h)) =>
  withSeries(
    richReport({
      digests: [
        digest({
          rule: 'top-rejected-sources',
          title: 'Top rejected sources',
          rows: [
            { sourceaddress: '203.0.113.5', rejected: 150, destinations: 1, ports: 150 },
            { sourceaddress: '198.51.100.9', rejected: 40, destinations: 1, ports: 1 },
            { sourceaddress: '192.0.2.1', rejected: 3, destinations: 2, ports: 1 },
          ],
        }),
        digest({
          rule: 'top-rejected-ports',
          title: 'Top rejected ports',
          rows: [
            { destinationport: 22, protocol: 6, rejected: 90, sources: 4, destinations: 1 },
            { destinationport: 53, protocol: 17, rejected: 12, sources: 2, destinations: 1 },
          ],
        }),
        digest(),
      ],
    }),
    [
      { rule: 'hourly-records', title: 'Records per hour', rows: hourlyRows(hours), rowsLeftOut: 0 },
      { rule: 'host-egress', title: 'Egress', rows: egressRows(5), rowsLeftOut: 0 },
    ],
  );

const count = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].length;
const chart = (html: string, name: string) => {
  const match = new RegExp(`<figure class="chart" data-chart="${name}"[\\s\\S]*?</figure>`).exec(html);
  if (match === null) throw new Error(`no chart ${name}`);
  return match[0];
};

describe('renderHtml', () => {
  it('when the report has 24 hourly rows, each hourly chart draws 24 points and the bar charts one bar per row', () => {
    const html = renderHtml(chartReport());

    expect(count(chart(html, 'hourly-rejected'), /<circle class="point/g)).toBe(24);
    expect(count(chart(html, 'hourly-accepted'), /<circle class="point/g)).toBe(24);
    expect(count(chart(html, 'top-sources'), /class="(?:[^"]* )?bar(?: [^"]*)?"/g)).toBe(3);
    expect(count(chart(html, 'top-ports'), /class="(?:[^"]* )?bar(?: [^"]*)?"/g)).toBe(2);
    expect(count(chart(html, 'host-egress'), /class="(?:[^"]* )?bar(?: [^"]*)?"/g)).toBe(5);
    expect(chart(html, 'top-ports')).toContain('53/udp');
    expect(chart(html, 'hourly-rejected')).toContain('data-items="24"');
  });

  it('when hours are missing from the series, they are drawn at zero so the chart still has one point per hour of the window', () => {
    const report = chartReport([0, 5, 23]);
    const points = hourlyPoints(report) ?? [];
    const html = renderHtml(report);

    expect(points.map((p) => p.hour)).toEqual(Array.from({ length: 24 }, (_, h) => WINDOW_START + h * HOUR));
    expect(points.filter((p) => p.rejected.value > 0).map((p) => (p.hour - WINDOW_START) / HOUR)).toEqual([0, 5, 23]);
    expect(points[1]?.rejected).toEqual({ hour: WINDOW_START + HOUR, value: 0, low: 0, high: 0 });
    expect(count(chart(html, 'hourly-rejected'), /<circle class="point/g)).toBe(24);
  });

  it('when the day is the 23-hour day a DST change makes, the hourly charts have 23 points', () => {
    const start = Date.parse('2026-03-08T05:00:00Z') / 1000;
    const report = withSeries(
      richReport({
        window: { date: '2026-03-08', start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z', timezone: 'America/New_York', partitions: ['2026/03/08', '2026/03/09'] },
      }),
      [{ rule: 'hourly-records', title: 'Records per hour', rows: [{ hour: start, accepted: 1, rejected: 1, baseline_days: 1 }], rowsLeftOut: 0 }],
    );

    expect(hourlyPoints(report)).toHaveLength(23);
    expect(count(chart(renderHtml(report), 'hourly-rejected'), /<circle class="point/g)).toBe(23);
  });

  it('when an hour is above its band, its point is marked outside; within the band it is not', () => {
    const rows = hourlyRows([0, 1]).map((r, i) => ({ ...r, rejected: i === 0 ? 500 : 10 }));
    const html = renderHtml(withSeries(richReport(), [{ rule: 'hourly-records', title: 'x', rows, rowsLeftOut: 0 }]));

    expect(count(chart(html, 'hourly-rejected'), /class="point outside"/g)).toBe(1);
  });

  it('when hostile strings come in a query error, an address, a rule, a title and a warning, they are shown as text and never become markup', () => {
    const report = withSeries(
      richReport({
        database: SCRIPT,
        findings: [finding({ rule: IMG, title: SCRIPT, rows: [{ sourceaddress: SCRIPT, note: IMG }], count: 1 })],
        digests: [
          digest({ rule: 'top-rejected-sources', title: SCRIPT, rows: [{ sourceaddress: SCRIPT, rejected: 5, ports: 1, destinations: 1 }] }),
          digest({ title: IMG, rows: [{ [SCRIPT]: IMG }] }),
        ],
        queries: [queryRun({ name: IMG, status: 'failed', error: `${SCRIPT} near line 1` })],
        warnings: [SCRIPT],
      }),
      [{ rule: 'host-egress', title: SCRIPT, rows: [{ sourceaddress: IMG, bytes: 10, baseline_min_bytes: 0, baseline_max_bytes: 0, baseline_mean_bytes: null }], rowsLeftOut: 0 }],
    );

    const html = renderHtml(report);

    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('" onerror');
    expect(count(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)).toBeGreaterThanOrEqual(6);
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('when any string from the logs carries a tag, in any place a log value reaches, the page never contains that tag', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), (before, after) => {
        const value = `${before}<x-evil onload="${after}">`;
        const report = withSeries(
          richReport({
            suppressed: [{ rule: value, entry: 1, reason: value, expires: value, count: 1, rows: [] }],
            expiredSuppressions: [{ entry: 2, reason: value, expires: value }],
            building: [{ rule: value, title: value, completeDays: 1, requiredDays: 3 }],
            baseline: { requiredDays: 3, minDayHours: 20, completeDays: 0, days: [{ date: value, hours: 0, complete: false }] },
            files: { location: value, folderUrl: value, main: value, mainUrl: value },
            table: value,
            findings: [finding({ rule: value, title: value, technique: value, rows: [{ [value]: value }], count: 1, resultsLocation: value })],
            digests: [
              digest({ rule: 'top-rejected-ports', title: value, rows: [{ destinationport: value, protocol: value, rejected: 3, sources: 1 }] }),
              digest({ title: value, rows: [{ value }], rowsLeftOut: 2 }),
            ],
            queries: [queryRun({ name: value, status: 'failed', error: value })],
            warnings: [value],
          }),
          [
            {
              rule: 'host-egress',
              title: value,
              rows: [{ sourceaddress: value, bytes: 1, baseline_min_bytes: 0, baseline_max_bytes: 0, baseline_mean_bytes: null }],
              rowsLeftOut: 0,
            },
          ],
        );
        expect(renderHtml(report)).not.toContain('<x-evil');
      }),
      { numRuns: 200 },
    );
  });

  it('when rendered, the page loads nothing from elsewhere and needs no script', () => {
    const html = renderHtml(chartReport());

    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|https?:\/\//i);
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)/);
    expect(html).toMatch(/@media print/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('when there are findings, the findings table lists each with its severity and match count, worst first and in the report order within a severity', () => {
    const html = renderHtml(richReport());
    const rows = [...html.matchAll(/<tr data-rule="([^"]+)" data-severity="([^"]+)" data-count="(\d+)">/g)].map((m) => [m[1], m[2], Number(m[3])]);

    expect(rows).toEqual([
      ['port-scan', 'high', 12],
      ['brute-force', 'high', 240],
      ['admin-port-from-internet', 'medium', 3],
    ]);
  });

  it('when findings say new today or seen on k of N days, each row of the findings table carries that badge by name, in the model order within a severity', () => {
    const report = richReport({
      findings: [
        finding({
          rule: 'port-scan',
          newToday: true,
          newRows: 1,
          seenOfDays: 7,
          rows: [
            { sourceaddress: '203.0.113.5', seen_days: 0 },
            { sourceaddress: '198.51.100.7', seen_days: 4 },
          ],
          count: 2,
        }),
        finding({ rule: 'brute-force', newToday: false, newRows: 0, seenDays: 3, seenOfDays: 7, rows: [{ sourceaddress: '192.0.2.1', seen_days: 3 }], count: 1 }),
        finding({ rule: 'old-rule', severity: 'low', rows: [{ sourceaddress: '192.0.2.9' }], count: 1 }),
      ],
    });

    const html = renderHtml(report);
    const badges = [...html.matchAll(/<tr data-rule="([^"]+)"[^>]*>.*?<\/tr>/g)].map((m) => [m[1], /data-novelty="(\w+)">([^<]*)</.exec(m[0])?.slice(1) ?? []]);

    expect(badges).toEqual([
      ['port-scan', ['new', 'new today (1 of 2 new)']],
      ['brute-force', ['ongoing', 'seen on 3 of the last 7 days']],
      ['old-rule', []],
    ]);
    expect(html).not.toContain('class="chip"');
    expect(html).not.toContain('new today:');
    expect(html).toMatch(/<th>seen<\/th>/);
    expect(html).toMatch(/<td>203\.0\.113\.5<\/td><td>new today<\/td>/);
    expect(html).toMatch(/<td>198\.51\.100\.7<\/td><td>4 of 7 days<\/td>/);
    expect(html).not.toContain('seen_days');
  });

  it('when suppressions silenced rows and one entry expired, a Suppressed section lists rule, reason, expiry and count, and calls out the expired entry', () => {
    const report: Report = {
      ...richReport(),
      suppressed: [
        { rule: 'port-scan', entry: 1, reason: 'Weekly external scan by the security vendor', expires: '2026-12-28', count: 3, rows: [] },
        { rule: 'egress-spike', entry: 4, reason: 'Nightly backup to the DR region', expires: '2027-01-31', count: 1, rows: [] },
      ],
      expiredSuppressions: [{ entry: 2, reason: 'Contractor RDP access during the migration', expires: '2026-11-20' }],
    };

    const html = renderHtml(report);
    const rows = [
      ...html.matchAll(
        /<tr data-suppressed="([^"]+)" data-entry="(\d+)" data-count="(\d+)"><td><code>[^<]*<\/code><\/td><td>([^<]*) <small>[^<]*<\/small><\/td><td>([^<]*)<\/td>/g,
      ),
    ].map((m) => m.slice(1));

    expect(rows).toEqual([
      ['port-scan', '1', '3', 'Weekly external scan by the security vendor', '2026-12-28'],
      ['egress-spike', '4', '1', 'Nightly backup to the DR region', '2027-01-31'],
    ]);
    expect(html).toContain('<h2>Suppressed <small>4 suppressed, 1 expired suppression</small></h2>');
    expect(html).toContain('<li data-expired-entry="2">entry 2: Contractor RDP access during the migration <small>expired 2026-11-20</small></li>');
    expect(html).toContain('1 expired suppression, no longer applied');
    expect(html).toMatch(/data-total="findings"><span>Findings<\/span><strong>3 <small>4 suppressed<\/small><\/strong>/);
  });

  it('when the report used no suppressions, there is no Suppressed section and no suppressed count', () => {
    const html = renderHtml(richReport());

    expect(html).not.toContain('id="suppressed"');
    expect(html).not.toContain('suppressed</small>');
  });

  it('when spike rules are held back and the baseline has 2 of 7 complete days, the page says "baseline building: 2 of 3 days" per rule and draws one cell per baseline day', () => {
    const days = ['11-16', '11-17', '11-18', '11-19', '11-20', '11-21', '11-22'].map((d, i) => ({ date: `2026-${d}`, hours: i < 5 ? 0 : i === 5 ? 19 : 24, complete: i === 6 }));
    const report: Report = {
      ...richReport({ findings: [] }),
      baseline: { requiredDays: 3, minDayHours: 20, completeDays: 1, days },
      building: [
        { rule: 'egress-spike', title: 'Private address sending far more to the internet than usual', completeDays: 1, requiredDays: 3 },
        { rule: 'reject-spike', title: 'Rejected records far above the usual level', completeDays: 1, requiredDays: 3 },
      ],
    };

    const html = renderHtml(report);
    const cells = [...html.matchAll(/<li class="day (\w+)" data-date="([^"]+)" data-complete="(\w+)" data-hours="(\d+)"[^>]*><span>([^<]+)<\/span><strong>([^<]+)<\/strong>/g)].map(
      (m) => m.slice(1),
    );
    const held = [...html.matchAll(/<li data-building="([^"]+)"><span class="badge building">([^<]+)<\/span>/g)].map((m) => [m[1], m[2]]);

    expect(held).toEqual([
      ['egress-spike', 'baseline building: 1 of 3 days'],
      ['reject-spike', 'baseline building: 1 of 3 days'],
    ]);
    expect(cells).toHaveLength(7);
    expect(cells[0]).toEqual(['incomplete', '2026-11-16', 'false', '0', '11-16', '0 h']);
    expect(cells[5]).toEqual(['incomplete', '2026-11-21', 'false', '19', '11-21', '19 h']);
    expect(cells[6]).toEqual(['complete', '2026-11-22', 'true', '24', '11-22', '24 h']);
    expect(html).toContain('Baseline: 1 of 7 earlier days complete; spike rules need 3');
    expect(html).toContain('No detection matched in this window.');
  });

  it('when the report was saved to S3, the header links to its console pages, and a link that is not https is made inert', () => {
    const files = {
      location: 's3://results/reports/2026-11-25/',
      folderUrl: 'https://console.aws.amazon.com/s3/buckets/results?prefix=reports/2026-11-25/',
      main: 'report.html',
      mainUrl: 'javascript:alert(1)',
    };

    const html = renderHtml({ ...richReport(), files });

    expect(html).toContain('<a href="https://console.aws.amazon.com/s3/buckets/results?prefix=reports/2026-11-25/">all files, CSVs included</a>');
    expect(html).toContain('<a href="#">report.html in the S3 console</a>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<code>s3://results/reports/2026-11-25/</code>');
  });

  it('when a suppression reason, an expired entry, a held-back rule or a baseline date is hostile, it is shown as text and never becomes markup', () => {
    const report: Report = {
      ...richReport({ findings: [finding({ newToday: false, seenDays: 2, seenOfDays: 7, rows: [{ sourceaddress: '192.0.2.1', seen_days: SCRIPT }] })] }),
      baseline: { requiredDays: 3, minDayHours: 20, completeDays: 0, days: [{ date: IMG, hours: 0, complete: false }] },
      building: [{ rule: IMG, title: SCRIPT, completeDays: 0, requiredDays: 3 }],
      suppressed: [{ rule: IMG, entry: 1, reason: SCRIPT, expires: IMG, count: 2, rows: [] }],
      expiredSuppressions: [{ entry: 2, reason: `${SCRIPT}${IMG}`, expires: SCRIPT }],
    };

    const html = renderHtml(report);

    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('" onerror');
    expect(html).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt; <small>entry 1</small></td>');
    expect(html).toContain(
      '<li data-expired-entry="2">entry 2: &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; <small>expired &lt;script&gt;alert(1)&lt;/script&gt;</small></li>',
    );
  });

  it('when a finding or the report carries a field this page does not render by name yet, it is still shown as a fact, not lost', () => {
    const report = {
      ...richReport({ findings: [{ ...finding(), interface: 'eni-0abc' } as never] }),
      watchlist: [{ address: '192.0.2.1' }, { address: '192.0.2.2' }],
    } as unknown as Report;

    const html = renderHtml(report);

    expect(html).toContain('<th>Other</th>');
    expect(html).toContain('<span class="chip">interface: eni-0abc</span>');
    expect(html).toMatch(/data-total="extra"><span>watchlist<\/span><strong>2<\/strong>/);
  });

  it('when a query failed, its row says so with its error, and the totals row sums bytes scanned and cost', () => {
    const html = renderHtml(richReport());

    expect(html).toMatch(/<tr class="failed" data-query="egress-spike">.*HIVE_BAD_DATA: Error parsing field value/);
    expect(html).toContain('<th class="num">1.4 GiB</th><th class="num">$0.0067</th>');
  });

  it('when the report has no series (read back from an SNS message), the charts say there is no data instead of drawing nothing', () => {
    const html = renderHtml(richReport());

    expect(html).toContain('No hourly data in this report.');
    expect(count(html, /<circle class="point/g)).toBe(0);
  });
});

describe('chart helpers', () => {
  it.each([
    [0, 1],
    [1, 1],
    [7, 10],
    [11, 20],
    [20, 20],
    [21, 50],
    [740, 1000],
  ])('when the largest value is %d, the axis ends at %d', (value, top) => {
    expect(niceCeiling(value)).toBe(top);
  });

  it.each([
    [0, '0'],
    [750, '750'],
    [1_000, '1k'],
    [1_500, '1.5k'],
    [2_000_000, '2M'],
    [1_250_000_000, '1.3G'],
  ])('when an axis label is %d, it reads %s', (value, label) => {
    expect(compactNumber(value)).toBe(label);
  });

  it('when text has the five HTML special characters, each is escaped', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('series in the report model', () => {
  const seriesQuery = parseSavedQuery('src/queries/reports/hourly-records.sql', '-- title: Records per hour\n-- kind: series\nSELECT * FROM ({{flows}})');
  const result = (rows: Row[]) => ({ queryId: 'q', columns: [], rows, rowsLeftOut: 0, bytesScanned: 10, durationMs: 1, warnings: [] });

  it('when a series query succeeds, its rows go to report.series, not to findings or digests, and the text report leaves them out', () => {
    const outcomes: QueryOutcome[] = [{ query: seriesQuery, status: 'succeeded', result: result(hourlyRows([0, 1])) }];
    const report = buildReport({ engine: 'local', database: 'd', table: 't', generatedAt: new Date(0), window: richReport().window, outcomes, pricePerTbUsd: 5 });

    expect(report.series).toEqual([{ rule: 'hourly-records', title: 'Records per hour', rows: hourlyRows([0, 1]), rowsLeftOut: 0 }]);
    expect(report.findings).toEqual([]);
    expect(report.digests).toEqual([]);
    expect(renderText(report)).not.toContain('Records per hour');
    expect((JSON.parse(renderJson(report)) as Report).series).toEqual(report.series);
  });

  it('when the catalogue has no series query, the report has no series key, so its JSON stays as before', () => {
    const report = buildReport({ engine: 'local', database: 'd', table: 't', generatedAt: new Date(0), window: richReport().window, outcomes: [], pricePerTbUsd: 5 });

    expect(report).not.toHaveProperty('series');
    expect(canonicalReport(report)).not.toHaveProperty('series');
  });

  it('when the SNS message has to be cut, the chart data is the first thing left out', () => {
    const shrunk = shrinkReport(chartReport(), { maxRows: 5, maxCellChars: 60, maxStringChars: 200, maxWarnings: 10, maxFindings: 10, maxDigests: 10, maxQueries: 10 });

    expect(shrunk).not.toHaveProperty('series');
  });
});
