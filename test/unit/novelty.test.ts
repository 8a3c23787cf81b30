import { describe, expect, it } from 'vitest';
import { buildReport, noveltyOf } from '../../src/lib/report/build-report.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { renderJson } from '../../src/lib/render/render-json.js';
import { renderChatNotification } from '../../src/lib/render/render-chat.js';
import { renderSlackBlocks } from '../../src/lib/render/render-slack.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { renderSubject } from '../../src/lib/render/subject.js';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import type { QueryResult, Row } from '../../src/lib/ports.js';
import { reportWindow } from '../../src/lib/report/window.js';
import { finding, richReport } from '../support/report-fixture.js';

const result = (rows: Row[]): QueryResult => ({ queryId: 'q', columns: [], rows, rowsLeftOut: 0, bytesScanned: 0, durationMs: 1, warnings: [] });

describe('new or ongoing findings', () => {
  it('when every kept row has seen_days 0, the finding is new today; when all are seen, it is ongoing with the fewest days', () => {
    expect(noveltyOf([{ seen_days: 0 }], 7)).toEqual({ newToday: true, newRows: 1, seenOfDays: 7 });
    expect(noveltyOf([{ seen_days: 5 }, { seen_days: '2' }], 7)).toEqual({ newToday: false, newRows: 0, seenDays: 2, seenOfDays: 7 });
    expect(noveltyOf([{ seen_days: 0 }, { seen_days: 3 }], 6)).toEqual({ newToday: true, newRows: 1, seenOfDays: 6 });
  });

  it('when a rule has no seen_days column, nothing is claimed either way', () => {
    expect(noveltyOf([{ sourceaddress: '203.0.113.5' }], 7)).toEqual({});
  });

  it('when two high findings match, the new one comes before the ongoing one and the subject counts 1 new high', () => {
    const saved = loadSavedQueries();
    const report = buildReport({
      engine: 'local',
      database: 'flowlogs',
      table: 'vpc_flow_logs',
      generatedAt: new Date('2026-11-21T00:00:00Z'),
      window: reportWindow('2026-11-20', 'UTC'),
      pricePerTbUsd: 5,
      outcomes: [
        { query: saved.get('admin-port-exposure'), status: 'succeeded', result: result([{ sourceaddress: '198.51.100.7', seen_days: 7 }]) },
        { query: saved.get('port-scan'), status: 'succeeded', result: result([{ sourceaddress: '203.0.113.5', seen_days: 0 }]) },
        { query: saved.get('admin-port-brute-force'), status: 'succeeded', result: result([{ sourceaddress: '198.51.100.9', seen_days: 0 }]) },
      ],
    });

    expect(report.findings.map((f) => [f.rule, f.newToday])).toEqual([
      ['port-scan', true],
      ['admin-port-exposure', false],
      ['admin-port-brute-force', true],
    ]);
    expect(renderSubject(report)).toBe('flowlog-pilot 2026-11-20: 3 findings (2 high, 1 new high), 0 rejected');
  });

  it('when rendered, text, Slack and chat say "new today" and "seen on 5 of the last 7 days"', () => {
    const report = richReport({
      findings: [
        finding({ newToday: true, newRows: 12, seenOfDays: 7 }),
        finding({ rule: 'admin-port-exposure', title: 'Admin ports reached from the internet', newToday: false, newRows: 0, seenDays: 5, seenOfDays: 7 }),
      ],
    });

    const text = renderText(report);
    const slack = JSON.stringify(renderSlackBlocks(report).blocks);
    const chat = renderChatNotification(report).content.description;

    expect(text).toContain('rule port-scan, ATT&CK T1046; 12 matches; new today');
    expect(text).toContain('rule admin-port-exposure, ATT&CK T1046; 12 matches; seen on 5 of the last 7 days');
    expect(slack).toContain('*new today*');
    expect(slack).toContain('*seen on 5 of the last 7 days*');
    expect(chat).toContain('12 matches, new today');
    expect(chat).toContain('12 matches, seen on 5 of the last 7 days');
    expect(renderSubject(report)).toContain('(2 high, 1 new high)');
  });

  it('when the JSON is read back (the Slack forwarder), new and ongoing survive', () => {
    const report = richReport({
      findings: [finding({ newToday: true, newRows: 12, seenOfDays: 7 }), finding({ rule: 'x', newToday: false, newRows: 0, seenDays: 5, seenOfDays: 7 })],
    });

    expect(parseReport(renderJson(report)).findings.map((f) => [f.newToday, f.newRows, f.seenDays, f.seenOfDays])).toEqual([
      [true, 12, undefined, 7],
      [false, 0, 5, 7],
    ]);
  });
});
