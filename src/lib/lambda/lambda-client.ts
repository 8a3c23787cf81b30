import { LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from '../aws/http-options.js';
import { once } from '../aws/once.js';

/**
 * The report function's client for invoking the interfaces function. The invoked function
 * answers within its own 30-second timeout, so a request may take that long.
 */
export function createLambdaClient(timeouts: AwsHttpTimeouts = { ...DEFAULT_AWS_HTTP_TIMEOUTS, requestTimeoutMs: INVOKE_REQUEST_TIMEOUT_MS }): LambdaClient {
  return new LambdaClient({ requestHandler: requestHandlerOptions(timeouts) });
}

/** The interfaces function's timeout (serverless.yml) plus a margin for the invoke itself. */
export const INVOKE_REQUEST_TIMEOUT_MS = 35_000;

export const lambdaClient = once(() => createLambdaClient());
