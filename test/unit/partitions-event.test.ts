import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/lib/errors.js';
import { parsePartitionsEvent } from '../../src/lib/partitions/event.js';

const settings = { lookBackDays: 3, maxRangeDays: 31 };

const scheduledEvent = (time: unknown) => ({
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'ap-northeast-1',
  resources: ['arn:aws:events:ap-northeast-1:123456789012:rule/flowlog-partitions'],
  detail: {},
});

function refusal(event: unknown): ValidationError {
  try {
    parsePartitionsEvent(event, settings);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the event was accepted');
}

describe('partitions event', () => {
  it('when a scheduled event fires, it asks for the look-back days, today and tomorrow in UTC', () => {
    expect(parsePartitionsEvent(scheduledEvent('2026-11-05T00:10:00Z'), settings)).toEqual({
      trigger: 'schedule',
      range: { from: '2026-11-02', to: '2026-11-06' },
      dryRun: false,
      rollup: false,
      rebuild: false,
    });
  });

  it('when the schedule fires just before midnight UTC (morning in Tokyo), today is still the UTC day', () => {
    expect(parsePartitionsEvent(scheduledEvent('2026-12-31T23:59:30Z'), settings).range).toEqual({ from: '2026-12-28', to: '2027-01-01' });
  });

  it('when a scheduled event has no usable time, it names the time field', () => {
    expect(refusal(scheduledEvent('yesterday')).field).toBe('time');
    expect(refusal(scheduledEvent(undefined)).field).toBe('time');
  });

  it('when an event from another source arrives, it names the source field', () => {
    expect(refusal({ ...scheduledEvent('2026-11-05T00:10:00Z'), source: 'aws.s3' }).field).toBe('source');
    expect(refusal({ ...scheduledEvent('2026-11-05T00:10:00Z'), 'detail-type': 'Object Created' }).field).toBe('detail-type');
  });

  it('when a manual range is given, it asks for exactly that range', () => {
    expect(parsePartitionsEvent({ from: '2026-11-01', to: '2026-11-03' }, settings)).toEqual({
      trigger: 'manual',
      range: { from: '2026-11-01', to: '2026-11-03' },
      dryRun: false,
      rollup: false,
      rebuild: false,
    });
  });

  it('when one date and dryRun are given, it asks for that day as a dry run', () => {
    expect(parsePartitionsEvent({ date: '2026-02-28', dryRun: true }, settings)).toEqual({
      trigger: 'manual',
      range: { from: '2026-02-28', to: '2026-02-28' },
      dryRun: true,
      rollup: false,
      rebuild: false,
    });
  });

  it('when a key is unknown, it is refused naming that key', () => {
    const error = refusal({ from: '2026-11-01', to: '2026-11-03', rollups: true });
    expect(error.field).toBe('rollups');
    expect(error.message).toContain('unknown key "rollups"');
  });

  it('when rollup and rebuild are asked for a range, the request carries both; rebuild alone is refused', () => {
    expect(parsePartitionsEvent({ from: '2026-11-01', to: '2026-11-03', rollup: true, rebuild: true }, settings)).toEqual({
      trigger: 'manual',
      range: { from: '2026-11-01', to: '2026-11-03' },
      dryRun: false,
      rollup: true,
      rebuild: true,
    });
    expect(refusal({ date: '2026-11-01', rebuild: true }).field).toBe('rebuild');
    expect(refusal({ date: '2026-11-01', rollup: 'yes' }).field).toBe('rollup');
  });

  it('when dryRun is not a boolean, it names dryRun', () => {
    expect(refusal({ date: '2026-11-01', dryRun: 'yes' }).field).toBe('dryRun');
  });

  it('when a date is not a real day or has the wrong type, it names that field', () => {
    expect(refusal({ date: '2026-02-30' }).message).toBe('date: 2026-02-30 is not a real calendar day');
    expect(refusal({ from: 20261101, to: '2026-11-03' }).field).toBe('from');
    expect(refusal({ from: '2026/11/01', to: '2026-11-03' }).field).toBe('from');
  });

  it('when the range is reversed or longer than the maximum, it names "to"', () => {
    expect(refusal({ from: '2026-11-03', to: '2026-11-01' }).message).toContain('range is reversed');
    expect(refusal({ from: '2026-01-01', to: '2026-02-01' }).message).toContain('32 days, more than the maximum of 31');
  });

  it('when half a range, both shapes or nothing is given, it says what is missing', () => {
    expect(refusal({ from: '2026-11-01' }).field).toBe('to');
    expect(refusal({ to: '2026-11-01' }).field).toBe('from');
    expect(refusal({ date: '2026-11-01', from: '2026-11-01', to: '2026-11-02' }).field).toBe('date');
    expect(refusal({}).field).toBe('event');
  });

  it('when several fields are bad at once, one refusal names each of them with its reason', () => {
    const error = refusal({ date: '2026-02-30', dryRun: 'yes', rollup: 3 });

    expect(error.field).toBe('date');
    expect(error.message).toBe('date: 2026-02-30 is not a real calendar day; dryRun: expected true or false, got "yes"; rollup: expected true or false, got 3');
    expect(refusal({ source: 'aws.s3', 'detail-type': 'Object Created' }).message).toBe(
      'source: expected "aws.events" (an EventBridge scheduled event), got "aws.s3"; detail-type: expected "Scheduled Event", got "Object Created"; time: missing',
    );
  });

  it('when the event is not an object, it names the event', () => {
    for (const event of [null, 'from=2026-11-01', ['2026-11-01'], 42]) expect(refusal(event).field).toBe('event');
  });
});
