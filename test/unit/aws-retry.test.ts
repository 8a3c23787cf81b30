import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isThrottling, pollDelayMs } from '../../src/lib/aws/retry.js';

describe('backoff', () => {
  const policy = { initialDelayMs: 1_000, maxDelayMs: 20_000 };

  it('when retries go on, the jitter cap doubles up to the maximum and the wait stays within it', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((retry) => backoffDelayMs(retry, policy, 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
    expect(backoffDelayMs(3, policy, 0)).toBe(0);
    expect(backoffDelayMs(3, policy, 0.5)).toBe(4_000);
  });

  it('when polling, the wait grows from the initial to the maximum and never drops below half of it', () => {
    expect([0, 1, 2, 3, 4, 8].map((poll) => pollDelayMs(poll, 500, 5_000, 0))).toEqual([250, 500, 1_000, 2_000, 2_500, 2_500]);
    expect(pollDelayMs(8, 500, 5_000, 0.999_999)).toBe(5_000);
  });

  it('when AWS answers with a throttling error or HTTP 429, it is throttling; other errors are not', () => {
    const named = (name: string, status?: number) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status } });
    expect(isThrottling(named('ThrottlingException'))).toBe(true);
    expect(isThrottling(named('TooManyRequestsException'))).toBe(true);
    expect(isThrottling(named('SomethingElse', 429))).toBe(true);
    expect(isThrottling(named('InvalidRequestException', 400))).toBe(false);
    expect(isThrottling('ThrottlingException')).toBe(false);
  });
});
