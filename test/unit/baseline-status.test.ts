import { describe, expect, it } from 'vitest';
import { baselineStatus, buildingText } from '../../src/lib/report/baseline.js';

const DATES = ['2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19'];

describe('baseline status from the baseline-days rows', () => {
  it('when blocks 0 and 86400 are complete and 518400 is partial, it maps them to the last two days and the oldest one', () => {
    // Prepare
    const rows = [
      { day_block: 0, hours: 24, first_offset_seconds: 0, complete: 1 },
      { day_block: 86400, hours: 23, first_offset_seconds: 600, complete: 1 },
      { day_block: 518400, hours: 9, first_offset_seconds: 54_000, complete: 0 },
    ];
    // Act
    const status = baselineStatus(rows, DATES, 3, 20);
    // Assess
    expect(status.completeDays).toBe(2);
    expect(status.days[0]).toEqual({ date: '2026-11-13', hours: 9, firstRecordAfterSeconds: 54_000, complete: false });
    expect(status.days.slice(5)).toEqual([
      { date: '2026-11-18', hours: 23, firstRecordAfterSeconds: 600, complete: true },
      { date: '2026-11-19', hours: 24, firstRecordAfterSeconds: 0, complete: true },
    ]);
    expect(status.days[3]).toEqual({ date: '2026-11-16', hours: 0, complete: false });
  });

  it('when Athena returns the numbers as text, it reads them the same', () => {
    const status = baselineStatus([{ day_block: '172800', hours: '20', first_offset_seconds: '1800', complete: '1' }], DATES, 3, 20);

    expect(status.days[4]).toEqual({ date: '2026-11-17', hours: 20, firstRecordAfterSeconds: 1800, complete: true });
  });

  it('when a row has a day_block that is not a whole day, it refuses it naming the query', () => {
    expect(() => baselineStatus([{ day_block: 3600, hours: 1, first_offset_seconds: 0, complete: 0 }], DATES, 3, 20)).toThrow(/baseline-days: unexpected day_block 3600/);
  });

  it('when 2 of 3 days are complete it says "baseline building: 2 of 3 days"; more complete days than needed still read N of N', () => {
    expect(buildingText({ completeDays: 2, requiredDays: 3 })).toBe('baseline building: 2 of 3 days');
    expect(buildingText({ completeDays: 5, requiredDays: 3 })).toBe('baseline building: 3 of 3 days');
  });
});
