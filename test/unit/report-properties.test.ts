import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeSlack } from '../../src/lib/render/render-slack.js';
import { buildSnsMessage } from '../../src/lib/render/sns-message.js';
import { cleanSubject } from '../../src/lib/render/subject.js';
import { finding, richReport, scanRows } from '../support/report-fixture.js';

describe('properties of the cleaning functions', () => {
  it('when any string becomes a subject, it is one line under 100 characters without control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (value) => {
        const subject = cleanSubject(value);
        expect(subject.length).toBeLessThan(100);
        expect(subject).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
        expect(subject).toBe(subject.trim());
        expect(subject).not.toMatch(/\s{2}/u);
      }),
    );
  });

  it('when any string is escaped for Slack, no angle bracket survives and every ampersand starts an entity', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        const escaped = escapeSlack(value);
        expect(escaped).not.toMatch(/[<>]/);
        expect(escaped.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }),
    );
  });
});

describe('SNS size with multi-byte text', () => {
  it('when rows hold Japanese text (3 bytes a character), the limit is kept in bytes, not characters', () => {
    const rows = scanRows(4_000).map((row, i) => ({ ...row, note: `東京リージョンの拒否された通信 ${i} ${'拒否'.repeat(20)}` }));
    const report = richReport({ findings: [finding({ rows, count: rows.length })] });

    const sns = buildSnsMessage(report);

    expect(sns.truncated).toBe(true);
    expect(Buffer.byteLength(sns.Message, 'utf8') + Buffer.byteLength(sns.Subject, 'utf8')).toBeLessThanOrEqual(262_144);
    expect(Buffer.byteLength(sns.Message, 'utf8')).toBeGreaterThan(sns.Message.length);
  });
});
