import { describe, expect, it } from 'vitest';
import { renderChatNotification } from '../../src/lib/render/render-chat.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { buildSnsMessage, SNS_MAX_PUBLISH_BYTES } from '../../src/lib/render/sns-message.js';
import { renderSubject } from '../../src/lib/render/subject.js';
import type { Report } from '../../src/lib/report/model.js';
import { hugeReport, richReport } from '../support/report-fixture.js';

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
