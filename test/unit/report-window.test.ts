import { describe, expect, it } from 'vitest';
import { previousLocalDay, reportWindow } from '../../src/lib/report/window.js';
import { ValidationError } from '../../src/lib/errors.js';

describe('report window', () => {
  it('when the zone is UTC, it covers one UTC day and reads its one dt partition', () => {
    const window = reportWindow('2026-11-20', 'UTC');

    expect(window).toMatchObject({ start: '2026-11-20T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z', partitions: ['2026/11/20'] });
    expect(window.endEpoch - window.startEpoch).toBe(86400);
    expect(window.startEpoch).toBe(Date.parse('2026-11-20T00:00:00Z') / 1000);
  });

  it('when the zone is Asia/Tokyo, the day runs 15:00 UTC to 15:00 UTC and reads the two UTC days it spans', () => {
    const window = reportWindow('2026-11-20', 'Asia/Tokyo');

    expect(window).toMatchObject({ start: '2026-11-19T15:00:00.000Z', end: '2026-11-20T15:00:00.000Z', partitions: ['2026/11/19', '2026/11/20'] });
  });

  it('when New York springs forward, the day is 23 hours and its edges follow the offsets', () => {
    const window = reportWindow('2026-03-08', 'America/New_York');

    expect(window.start).toBe('2026-03-08T05:00:00.000Z');
    expect(window.end).toBe('2026-03-09T04:00:00.000Z');
    expect(window.endEpoch - window.startEpoch).toBe(23 * 3600);
    expect(window.partitions).toEqual(['2026/03/08', '2026/03/09']);
  });

  it('when New York falls back, the day is 25 hours', () => {
    const window = reportWindow('2026-11-01', 'America/New_York');

    expect(window.endEpoch - window.startEpoch).toBe(25 * 3600);
    expect(window.start).toBe('2026-11-01T04:00:00.000Z');
  });

  it('when a zone skips its midnight (Santiago in September), the day starts at the first local instant of that date', () => {
    const window = reportWindow('2026-09-06', 'America/Santiago');

    expect(window.start).toBe('2026-09-06T04:00:00.000Z');
    expect(window.endEpoch - window.startEpoch).toBe(23 * 3600);
  });

  it('when the zone is far east of UTC (+13, +14), the day starts at its local midnight the UTC day before', () => {
    expect(reportWindow('2026-11-20', 'Pacific/Auckland').start).toBe('2026-11-19T11:00:00.000Z');
    expect(reportWindow('2026-11-20', 'Pacific/Tongatapu').start).toBe('2026-11-19T11:00:00.000Z');
    expect(reportWindow('2026-11-20', 'Pacific/Kiritimati').start).toBe('2026-11-19T10:00:00.000Z');
    expect(reportWindow('2026-11-20', 'Pacific/Kiritimati').partitions).toEqual(['2026/11/19', '2026/11/20']);
  });

  it('when the zone is far west of UTC (-11, -12), the day starts at its local midnight the same UTC day', () => {
    expect(reportWindow('2026-11-20', 'Pacific/Pago_Pago').start).toBe('2026-11-20T11:00:00.000Z');
    expect(reportWindow('2026-11-20', 'Etc/GMT+12').start).toBe('2026-11-20T12:00:00.000Z');
    expect(reportWindow('2026-11-20', 'Etc/GMT+12').end).toBe('2026-11-21T12:00:00.000Z');
  });

  it('when a baseline is needed, it is the 7 local days before, ending where the window starts', () => {
    const window = reportWindow('2026-11-20', 'Asia/Tokyo');

    expect(window.baseline.days).toEqual(['2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']);
    expect(window.baseline.end).toBe(window.start);
    expect(window.baseline.start).toBe('2026-11-12T15:00:00.000Z');
    expect(window.baseline.partitions).toHaveLength(8);
  });

  it('when the zone is empty or not a string, it is refused naming the field', () => {
    for (const zone of ['', undefined, 9, null]) expect(() => reportWindow('2026-11-20', zone)).toThrow(/^timezone: expected an IANA time zone such as UTC or Asia\/Tokyo$/);
  });

  it('when the date or zone is malformed, it names the field', () => {
    expect(() => reportWindow('2026-02-30', 'UTC')).toThrow(/date: 2026-02-30 is not a real calendar day/);
    expect(() => reportWindow('2026-11-20', 'Mars/Olympus')).toThrow(ValidationError);
    expect(() => reportWindow('2026-11-20', 'Mars/Olympus')).toThrow(/timezone: "Mars\/Olympus" is not a known time zone/);
  });

  it('when the schedule fires at 09:30 in Tokyo, the report covers the day before in Tokyo', () => {
    expect(previousLocalDay(new Date('2026-11-21T00:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-20');
    expect(previousLocalDay(new Date('2026-11-21T00:30:00Z'), 'America/New_York')).toBe('2026-11-19');
  });
});
