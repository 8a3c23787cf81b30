import { SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from '../aws/http-options.js';
import { once } from '../aws/once.js';

/** Parameter Store, for the Slack webhook URL (a SecureString). */
export function createSsmClient(timeouts: AwsHttpTimeouts = DEFAULT_AWS_HTTP_TIMEOUTS): SSMClient {
  return new SSMClient({ requestHandler: requestHandlerOptions(timeouts) });
}

export const ssmClient = /* @__PURE__ */ once(() => createSsmClient());
