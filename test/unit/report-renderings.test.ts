import { describe, expect, it } from 'vitest';
import { renderChatNotification } from '../../src/lib/render/render-chat.js';
import { renderJson } from '../../src/lib/render/render-json.js';
import {
  SLACK_BLOCKS_MAX_CHARS,
  SLACK_HEADER_MAX_CHARS,
  SLACK_MAX_BLOCKS,
  SLACK_SECTION_MAX_CHARS,
  renderSlackBlocks,
  type SlackBlock,
} from '../../src/lib/render/render-slack.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { cleanSubject, renderSubject } from '../../src/lib/render/subject.js';
import type { Report } from '../../src/lib/report/model.js';
import { finding, hostileReport, hugeReport, richReport, scanRows } from '../support/report-fixture.js';

const texts = (blocks: readonly SlackBlock[]): string[] =>
  blocks.flatMap((b) => (b.type === 'section' || b.type === 'header' ? [b.text.text] : b.type === 'context' ? b.elements.map((e) => e.text) : []));

describe('subject', () => {
  it('when a report has findings, it names the day, the findings, the high ones and the rejects', () => {
    const report = richReport({ queries: [] });

    const subject = renderSubject(report);

    expect(subject).toBe('flowlog-pilot 2026-11-25: 3 findings (2 high), 18,233 rejected');
  });

  it('when a query failed, it says so in the subject', () => {
    expect(renderSubject(richReport())).toBe('flowlog-pilot 2026-11-25: 3 findings (2 high), 18,233 rejected, 1 query failed');
  });

  it('when nothing was found, it says no findings', () => {
    expect(renderSubject(richReport({ findings: [], queries: [] }))).toBe('flowlog-pilot 2026-11-25: no findings, 18,233 rejected');
  });

  it('when a subject has line breaks, control characters and runs of spaces, it cleans them to one line', () => {
    const cleaned = cleanSubject(`  a\r\nb\tc\u0000d\u001b[31m   e\u2028f\u202Eg  `);

    expect(cleaned).toBe('a b c d [31m e f g');
    expect(cleaned).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('when a subject is 100 characters or longer, it cuts it to 99 ending with an ellipsis', () => {
    const long = `flowlog-pilot ${'x'.repeat(200)}`;

    const cleaned = cleanSubject(long);

    expect(cleaned.length).toBe(99);
    expect(cleaned.endsWith('...')).toBe(true);
    expect(cleanSubject('y'.repeat(99))).toBe('y'.repeat(99));
    expect(cleanSubject('y'.repeat(100)).length).toBe(99);
  });

  it('when a long subject has characters outside the BMP, it never splits one and stays under 100 UTF-16 units', () => {
    const cleaned = cleanSubject('🔥'.repeat(80));

    expect(cleaned.length).toBeLessThanOrEqual(99);
    expect(cleaned).toMatch(/^(🔥)+\.\.\.$/u);
  });
});

describe('text rendering', () => {
  it('when a report has findings, it lists every finding high first with its rule, technique, count and results location', () => {
    const report = richReport();

    const text = renderText(report);

    for (const f of report.findings) {
      expect(text).toContain(f.title);
      expect(text).toContain(`rule ${f.rule}`);
      expect(text).toContain(`${f.resultsLocation}`);
    }
    expect(text).toContain('ATT&CK T1046');
    expect(text.indexOf('[HIGH] Port scan')).toBeLessThan(text.indexOf('[MEDIUM] SSH/RDP'));
    expect(text.indexOf('[HIGH] Brute force')).toBeLessThan(text.indexOf('[MEDIUM] SSH/RDP'));
    expect(text).toContain('240 matches');
  });

  it('when a finding has more rows than shown, it shows the cap and counts the rest including those the engine left out', () => {
    const report = richReport({ findings: [finding({ rows: scanRows(25), rowsLeftOut: 100 })] });

    const text = renderText(report, { maxRows: 10 });

    expect(text).toContain('+115 more');
    expect(text).toContain('10.0.0.10 ');
    expect(text).not.toContain('10.0.0.11 ');
  });

  it('when a report is rendered, it shows headline, totals, digests, per-query cost and the failed query with its error', () => {
    const text = renderText(richReport());

    expect(text).toContain('flowlog-pilot daily report for 2026-11-25 (Asia/Tokyo)');
    expect(text).toContain('2026-11-24T15:00:00.000Z to 2026-11-25T15:00:00.000Z');
    expect(text).toContain('Rejected 18,233');
    expect(text).toContain('Bytes    919.8 GiB');
    expect(text).toContain('Top rejected ports');
    expect(text).toContain('Rejected by interface');
    expect(text).toContain('Total scanned 1.4 GiB, cost $0.0067');
    expect(text).toContain('egress-spike: HIVE_BAD_DATA: Error parsing field value');
    expect(text).toContain('ATTENTION: 1 query failed');
    expect(text).toContain('broken.log.gz');
    expect(text).toContain('Athena console');
  });

  it('when values carry terminal escapes and line breaks, it prints them as visible characters on one line', () => {
    const text = renderText(hostileReport());

    // eslint-disable-next-line no-control-regex -- the test asserts no control character survives
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/u);
    expect(text).not.toContain('\nSubject: injected');
  });
});

describe('JSON rendering', () => {
  it('when the same report is built with keys in another order, it gives the same bytes', () => {
    const report = richReport();
    const reordered = Object.fromEntries(Object.entries(report).reverse()) as unknown as Report;

    expect(renderJson(reordered)).toBe(renderJson(report));
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(renderJson(report).startsWith('{\n  "tool": "flowlog-pilot",\n  "engine": "athena"')).toBe(true);
  });
});

describe('Slack rendering', () => {
  it('when a report is usual, it shows every finding and digest within the limits, with a fallback text', () => {
    const report = richReport();

    const message = renderSlackBlocks(report);

    const all = texts(message.blocks).join('\n');
    for (const f of report.findings) expect(all).toContain(f.title);
    for (const d of report.digests) expect(all).toContain(d.title);
    expect(all).not.toMatch(/more findings? not shown/);
    expect(message.text).toBe(renderSubject(report));
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'flowlog-pilot 2026-11-25 (Asia/Tokyo)', emoji: false } });
    expect(all).toContain('+236 more');
  });

  it('when a report is huge, it stays within 50 blocks, section and header lengths and the total budget, and says how many are left out', () => {
    const report = hugeReport(2_000, 60);

    const message = renderSlackBlocks(report);

    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(SLACK_BLOCKS_MAX_CHARS);
    for (const block of message.blocks) {
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_SECTION_MAX_CHARS);
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_HEADER_MAX_CHARS);
    }
    const all = texts(message.blocks).join('\n');
    const notice = /\+(\d+) more findings?(?:, (\d+) more digests?)? not shown/.exec(all);
    expect(notice).not.toBeNull();
    const shownFindings = message.blocks.filter((b) => b.type === 'section' && /^\*:[a-z_]+: (HIGH|MEDIUM|LOW)\*/.test(b.text.text)).length;
    expect(shownFindings + Number(notice?.[1])).toBe(60);
    expect(all).toContain('+3,995 more');
  });

  it('when values from the logs try to mention, link or break out of code, they are escaped and text is verbatim', () => {
    const message = renderSlackBlocks(hostileReport());

    const all = texts(message.blocks).join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<!here>');
    expect(all).not.toContain('<@U012AB3CD>');
    expect(all).not.toContain('<https://evil.example');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('a&amp;b &amp;amp; c');
    for (const text of all.split('```').filter((_, i) => i % 2 === 1)) expect(text).not.toContain('`');
    for (const block of message.blocks) if (block.type === 'section') expect(block.text.verbatim).toBe(true);
  });
});

describe('chat rendering', () => {
  it('when a report is rendered, it has the Amazon Q Developer custom notification shape', () => {
    const chat = renderChatNotification(richReport());

    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' }, metadata: { eventType: 'FlowlogReportIncomplete' } });
    expect(Object.keys(chat).sort()).toEqual(['content', 'metadata', 'source', 'version']);
    expect(chat.content.title).toContain('3 findings (2 high)');
    expect(chat.content.description).toContain('Port scan from the internet');
    expect(chat.content.nextSteps.length).toBeGreaterThan(0);
    expect(chat.content.nextSteps[0]).toContain('s3://flowlog-results-123456789012/reports/2026-11-25/port-scan.csv');
  });

  it('when a report is huge or hostile, it stays within the caps and escapes mentions', () => {
    const huge = renderChatNotification(hugeReport(10, 500));
    const hostile = renderChatNotification(hostileReport());

    expect(huge.content.description.length).toBeLessThanOrEqual(3_000);
    expect(huge.content.description).toMatch(/\+\d+ more not shown/);
    expect(huge.content.nextSteps.length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(hostile)).not.toContain('<!channel>');
  });
});

describe('baseline maturity in every rendering', () => {
  it('when spike rules wait for their baseline, text, Slack and chat say "baseline building: 2 of 3 days" and name the rules', () => {
    const report = richReport();

    const text = renderText(report);
    const slack = texts(renderSlackBlocks(report).blocks).join('\n');
    const chat = renderChatNotification(report).content.description;

    expect(text).toContain('[BUILDING] Rejected records far above the usual level\n  rule reject-spike; baseline building: 2 of 3 days, not compared yet');
    expect(text).toContain(
      'Baseline: 2 of 7 earlier days complete (spike rules need 3; a day counts with records in 20+ hours from its first 30 minutes); not counted: 2026-11-18 no records',
    );
    expect(text).toContain('2026-11-22 15 h, first record 9:00 after midnight');
    expect(slack).toContain('`egress-spike`, `reject-spike`: baseline building: 2 of 3 days');
    expect(chat).toContain('`egress-spike`, `reject-spike`: baseline building: 2 of 3 days');
  });

  it('when the baseline is mature, nothing says building', () => {
    const report = richReport({ building: undefined });

    expect(renderText(report)).not.toContain('building');
    expect(texts(renderSlackBlocks(report).blocks).join('\n')).not.toContain('building');
  });
});
