import { describe, expect, it } from 'vitest';
import { ConsoleNotifier } from '../../src/lib/adapters/console-notifier.js';
import { richReport } from '../support/report-fixture.js';

describe('console notifier', () => {
  it('when a report is notified, it writes the text report once to the given writer', async () => {
    const written: string[] = [];
    const notifier = new ConsoleNotifier((text) => written.push(text), { maxRows: 2 });

    const result = await notifier.notify(richReport());

    expect(result).toEqual({ channel: 'console', truncated: false });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^flowlog-pilot daily report for 2026-11-25 \(Asia\/Tokyo\)\n/);
    expect(written[0]).toContain('+10 more');
  });
});
