import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/lib/render/render-json.js';
import { renderSlackBlocks } from '../../src/lib/render/render-slack.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { finding, richReport } from '../support/report-fixture.js';

// 2026-11-24T01:30:00Z is 10:30 in Tokyo.
const START = Date.parse('2026-11-24T01:30:00Z') / 1000;
const report = (timezone: string) =>
  richReport({
    window: { date: '2026-11-24', start: '2026-11-23T15:00:00.000Z', end: '2026-11-24T15:00:00.000Z', timezone, partitions: ['2026/11/23', '2026/11/24'] },
    findings: [
      finding({ rule: 'admin-port-brute-force', rows: [{ sourceaddress: '203.0.113.200', rejected: 180, first_start: START, last_end: START + 600 }], count: 1, rowsLeftOut: 0 }),
    ],
    digests: [],
  });

describe('times in the report', () => {
  it('when the report is for Tokyo, text and Slack show when it happened as Tokyo wall-clock times', () => {
    const text = renderText(report('Asia/Tokyo'));
    expect(text).toContain('2026-11-24 10:30:00');
    expect(text).toContain('2026-11-24 10:40:00');
    expect(JSON.stringify(renderSlackBlocks(report('Asia/Tokyo')))).toContain('2026-11-24 10:30:00');
  });

  it('when the report is for UTC, the same instant reads 01:30', () => {
    expect(renderText(report('UTC'))).toContain('2026-11-24 01:30:00');
  });

  it('when the report is JSON, times stay epoch seconds for machines', () => {
    expect(renderJson(report('Asia/Tokyo'))).toContain(`"first_start": ${START}`);
  });
});
