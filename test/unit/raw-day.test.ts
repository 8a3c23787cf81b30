import { describe, expect, it } from 'vitest';
import type { UtcDay } from '../../src/lib/dates.js';
import type { SourceFile } from '../../src/lib/ports.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { rawDaySize, scannedToRaw } from '../../src/lib/report/raw-day.js';
import { renderHtml } from '../../src/lib/render/render-html.js';
import { renderJson } from '../../src/lib/render/render-json.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { richReport } from '../support/report-fixture.js';

const day = (d: string) => d as UtcDay;
const file = (path: string, sizeBytes: number): SourceFile => ({ path, sizeBytes, version: '"etag"' });

describe("a report's bytes scanned beside its raw day's compressed size", () => {
  it("when every window day was listed, the raw size is the sum of their files' sizes; a day not listed gives no figure", () => {
    // Prepare
    const listed = new Map([
      [day('2026-11-20'), [file('s3://logs/a.log.gz', 1_000), file('s3://logs/b.log.gz', 2_500)]],
      [day('2026-11-21'), [file('s3://logs/c.log.gz', 7)]],
    ]);

    // Act
    const one = rawDaySize([day('2026-11-20')], listed);
    const two = rawDaySize([day('2026-11-20'), day('2026-11-21')], listed);
    const missing = rawDaySize([day('2026-11-19')], listed);

    // Assess
    expect(one).toEqual({ days: ['2026-11-20'], files: 2, bytes: 3_500 });
    expect(two).toEqual({ days: ['2026-11-20', '2026-11-21'], files: 3, bytes: 3_507 });
    expect(missing).toBeUndefined();
  });

  it('when the report scanned 1.3 times the raw day, the ratio is 1.3; with no raw size or an empty day there is none', () => {
    expect(scannedToRaw({ bytesScanned: 1_300, rawDay: { days: ['2026-11-20'], files: 2, bytes: 1_000 } })).toBe(1.3);
    expect(scannedToRaw({ bytesScanned: 1_304, rawDay: { days: ['2026-11-20'], files: 2, bytes: 1_000 } })).toBe(1.3);
    expect(scannedToRaw({ bytesScanned: 1_300 })).toBeUndefined();
    expect(scannedToRaw({ bytesScanned: 1_300, rawDay: { days: ['2026-11-20'], files: 0, bytes: 0 } })).toBeUndefined();
  });

  it('when a report has its raw day, the text, JSON and HTML show it beside the bytes scanned, and the JSON reads back the same', () => {
    // Prepare
    const report = richReport({ bytesScanned: 2_600_000_000, rawDay: { days: ['2026-11-20'], files: 288, bytes: 2_000_000_000 } });

    // Act
    const text = renderText(report);
    const json = renderJson(report);
    const html = renderHtml(report);

    // Assess
    expect(text).toMatch(/Total scanned [^\n]*; raw logs of 2026-11-20 [^\n]* compressed \(288 files\): scanned 1\.30x that\n/);
    expect(JSON.parse(json).rawDay).toEqual({ days: ['2026-11-20'], files: 288, bytes: 2_000_000_000 });
    expect(parseReport(json).rawDay).toEqual(report.rawDay);
    expect(html).toContain('<small data-raw-ratio="1.30">1.30x the raw logs</small>');
    expect(html).toMatch(/<tr class="raw-day"><th>Raw logs of 2026-11-20 \(288 files, compressed\)<\/th>.*scanned 1\.30x that<\/th><\/tr>/);
  });

  it('when a report has no raw day, nothing about it is shown', () => {
    const report = richReport();
    expect(renderText(report)).not.toContain('raw logs of');
    expect(JSON.parse(renderJson(report)).rawDay).toBeUndefined();
    expect(renderHtml(report)).not.toContain('data-raw-ratio');
  });
});
