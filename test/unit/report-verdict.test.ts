import { describe, expect, it } from 'vitest';
import { DeliveryError, QueryError } from '../../src/lib/errors.js';
import type { ReportSummary } from '../../src/lib/report/report-event.js';
import { isPreparationRun, judgeReport } from '../../src/lib/report/report-verdict.js';
import { queryRun, richReport } from '../support/report-fixture.js';

type Notifications = ReportSummary['notifications'];
const ok = queryRun({ name: 'totals', status: 'succeeded' });
const bad = (name: string) => queryRun({ name, status: 'failed', error: `${name} was cancelled` });
const sent: Notifications = [{ channel: 'sns', status: 'sent', messageId: 'm-1' }];

describe('report verdict', () => {
  it('when every query succeeded and SNS sent it, nothing failed and both counts are 0', () => {
    expect(judgeReport(richReport({ queries: [ok] }), sent)).toEqual({ queriesFailed: 0, notificationsFailed: 0 });
  });

  it('when 1 of 2 saved queries failed (just below all), it is a partial failure: counted, not a failed run', () => {
    const verdict = judgeReport(richReport({ queries: [ok, bad('port-scan')] }), sent);
    expect(verdict).toEqual({ queriesFailed: 1, notificationsFailed: 0 });
  });

  it('when 2 of 2 saved queries failed (exactly all), the run fails with a QueryError naming the first', () => {
    const verdict = judgeReport(richReport({ queries: [bad('port-scan'), bad('totals')] }), sent);
    expect(verdict.failure).toBeInstanceOf(QueryError);
    expect(verdict.failure?.message).toBe('no report query succeeded (2 of 2 failed; first: port-scan: port-scan was cancelled); the report listing the failures was sent (sns)');
    expect(verdict.queriesFailed).toBe(2);
  });

  it('when only the rollup build succeeded, it does not count as a report query that succeeded', () => {
    const verdict = judgeReport(richReport({ queries: [queryRun({ name: 'rollup-build 2026-11-24', status: 'succeeded' }), bad('totals')] }), sent);
    expect(verdict.failure).toBeInstanceOf(QueryError);
    expect(isPreparationRun('rollup-build 2026-11-24')).toBe(true);
    expect(isPreparationRun('rollup-relocate 2026-11-24')).toBe(true);
    expect(isPreparationRun('early-rows 2026-11-25')).toBe(true);
    expect(isPreparationRun('early-drop 2026-11-25')).toBe(true);
    expect(isPreparationRun('top-rejected-ports')).toBe(false);
  });

  it('when a failed rollup build is the only failure, it is counted but the run succeeds', () => {
    expect(judgeReport(richReport({ queries: [bad('rollup-build 2026-11-24'), ok] }), sent)).toEqual({ queriesFailed: 1, notificationsFailed: 0 });
  });

  it('when 1 of 2 channels failed (just below all), it is a partial failure', () => {
    const verdict = judgeReport(richReport({ queries: [ok] }), [...sent, { channel: 'slack', status: 'failed', error: 'refused with 404' }]);
    expect(verdict).toEqual({ queriesFailed: 0, notificationsFailed: 1 });
  });

  it('when 2 of 2 channels failed (exactly all), the run fails with a DeliveryError naming each', () => {
    const verdict = judgeReport(richReport({ queries: [ok] }), [
      { channel: 'sns', status: 'failed', error: 'AuthorizationErrorException' },
      { channel: 'slack', status: 'failed', error: 'refused with 404' },
    ]);
    expect(verdict.failure).toBeInstanceOf(DeliveryError);
    expect(verdict.failure?.message).toBe('the report of 2026-11-25 was built but no notification could be sent (sns: AuthorizationErrorException; slack: refused with 404)');
    expect(verdict.notificationsFailed).toBe(2);
  });

  it('when sending was skipped (a quiet day with notify=findings) or no channel is configured, nothing failed', () => {
    expect(judgeReport(richReport({ queries: [ok] }), [{ channel: 'sns', status: 'skipped' }])).toEqual({ queriesFailed: 0, notificationsFailed: 0 });
    expect(judgeReport(richReport({ queries: [ok] }), [])).toEqual({ queriesFailed: 0, notificationsFailed: 0 });
  });
});
