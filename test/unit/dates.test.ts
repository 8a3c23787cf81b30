import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysOf, dtOf, parseDay, parseRange, type UtcDay } from '../../src/lib/dates.js';
import { ValidationError } from '../../src/lib/errors.js';

describe('parseDay', () => {
  it.each([
    ['2026-02-30', 'not a real calendar day'],
    ['2025-02-29', 'not a real calendar day'],
    ['2026-13-01', 'not a real calendar day'],
    ['2026-1-01', 'expected a date as YYYY-MM-DD'],
    ['20261101', 'expected a date as YYYY-MM-DD'],
    ['2026/11/01', 'expected a date as YYYY-MM-DD'],
    [' 2026-11-01', 'expected a date as YYYY-MM-DD'],
    ["2026-01-01'; DROP TABLE x; --", 'expected a date as YYYY-MM-DD'],
    ['1969-12-31', 'not a real calendar day'],
  ])('when given %j, it refuses it saying %s', (input, message) => {
    expect(() => parseDay(input, 'from')).toThrow(ValidationError);
    expect(() => parseDay(input, 'from')).toThrow(new RegExp(`^from: .*${message}`));
  });

  it.each([[undefined], [null], [20261101], [{}]])('when given a non-string %j, it names the field and the type', (input) => {
    expect(() => parseDay(input, 'date')).toThrow(/^date: expected a date as YYYY-MM-DD, got /);
  });

  it('when given a leap day, it accepts it', () => {
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
  });

  it('when given any real day, it accepts exactly the ISO day that Date prints', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const day = date.toISOString().slice(0, 10);
        expect(parseDay(day)).toBe(day);
      }),
    );
  });

  it('when given any string that is not a YYYY-MM-DD day, it throws a ValidationError and nothing else', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        fc.pre(!/^\d{4}-\d{2}-\d{2}$/.test(input));
        expect(() => parseDay(input)).toThrow(ValidationError);
      }),
    );
  });
});

describe('parseRange', () => {
  it('when the range is reversed, it says so naming both ends', () => {
    expect(() => parseRange('2026-11-03', '2026-11-01')).toThrow('to: range is reversed: to 2026-11-01 is before from 2026-11-03');
  });

  it('when the range is longer than the maximum, it refuses it with the length and the maximum', () => {
    expect(() => parseRange('2026-01-01', '2026-01-11', 10)).toThrow('to: range 2026-01-01..2026-01-11 is 11 days, more than the maximum of 10');
    expect(parseRange('2026-01-01', '2026-01-10', 10)).toEqual({ from: '2026-01-01', to: '2026-01-10' });
  });

  it('when the default maximum applies, it allows ten years and refuses more', () => {
    expect(() => parseRange('2016-01-01', '2026-01-20')).toThrow(/more than the maximum of 3660/);
    expect(daysOf(parseRange('2016-01-01', '2025-12-31'))).toHaveLength(3653);
  });

  it('when any valid range is expanded, it yields consecutive days from start to end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 400 }), (offset, length) => {
        const from = addDays('1990-01-01' as UtcDay, offset);
        const to = addDays(from, length);
        const days = daysOf(parseRange(from, to));
        expect(days).toHaveLength(length + 1);
        expect(days[0]).toBe(from);
        expect(days.at(-1)).toBe(to);
        days.slice(1).forEach((day, i) => expect(addDays(days[i] as UtcDay, 1)).toBe(day));
      }),
    );
  });
});

describe('dtOf', () => {
  it('when given a day, it spells the partition value as the log folders do', () => {
    expect(dtOf('2026-11-05' as UtcDay)).toBe('2026/11/05');
  });
});
