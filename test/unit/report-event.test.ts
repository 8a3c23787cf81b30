import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/lib/errors.js';
import { parseReportEvent, reportDateFor } from '../../src/lib/report/report-event.js';

describe('report event', () => {
  it("when EventBridge Scheduler passes its planned time, it reports the day before that time in the report's zone", () => {
    const trigger = parseReportEvent({ mode: 'scheduled', time: '2026-11-26T00:30:00Z' });
    const lateRetry = new Date('2026-11-27T03:00:00Z');
    expect(reportDateFor(trigger, lateRetry, 'Asia/Tokyo')).toEqual({ date: '2026-11-25', timezone: 'Asia/Tokyo' });
  });

  it('when the schedule gives no time, it uses the clock', () => {
    expect(reportDateFor(parseReportEvent({ mode: 'scheduled' }), new Date('2026-11-26T00:30:00Z'), 'UTC')).toEqual({ date: '2026-11-25', timezone: 'UTC' });
  });

  it('when the scheduled time is not an ISO time or extra keys come along, it refuses naming them', () => {
    expect(() => parseReportEvent({ mode: 'scheduled', time: 'yesterday' })).toThrow('time: expected an ISO 8601 time, got "yesterday"');
    expect(() => parseReportEvent({ mode: 'scheduled', dryRun: true })).toThrow(ValidationError);
    expect(() => parseReportEvent({ mode: 'scheduled', dryRun: true })).toThrow(/unknown key "dryRun"/);
  });

  it('when a manual date is given, it reports that day', () => {
    expect(reportDateFor(parseReportEvent({ date: '2026-11-20', timezone: 'Asia/Tokyo' }), new Date(), 'UTC')).toEqual({ date: '2026-11-20', timezone: 'Asia/Tokyo' });
  });

  it('when the manual date and time zone are both bad, one refusal names both with their reasons', () => {
    expect(() => parseReportEvent({ date: '2026-11-31', timezone: 'Asia/Tokio' })).toThrow(
      'date: 2026-11-31 is not a real calendar day; timezone: "Asia/Tokio" is not a known time zone (IANA names such as UTC, Asia/Tokyo, America/New_York)',
    );
    expect(() => parseReportEvent({ timezone: 'UTC' })).toThrow('date: missing');
    expect(() => parseReportEvent({ date: '2026-11-20', dryRun: true, force: 1 })).toThrow('event: unknown keys "dryRun", "force" (known: date, timezone)');
  });
});
