import { SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from '../aws/http-options.js';
import { once } from '../aws/once.js';

/** The report topic's client. The SNS notifier retries with its own jittered policy, so the client makes one attempt per call. */
export function createSnsClient(timeouts: AwsHttpTimeouts = DEFAULT_AWS_HTTP_TIMEOUTS): SNSClient {
  return new SNSClient({ maxAttempts: 1, requestHandler: requestHandlerOptions(timeouts) });
}

export const snsClient = /* @__PURE__ */ once(() => createSnsClient());
