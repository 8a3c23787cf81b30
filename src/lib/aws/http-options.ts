/**
 * How long one HTTP request to an AWS API may take. Without these the SDK waits forever on a
 * connection that was accepted and never answered: on Lambda the function then ends as "Task
 * timed out", after the started Athena query has been left running.
 */

/** Connecting (TCP and TLS) to a regional endpoint takes well under a second; three is a stall. */
export const AWS_CONNECTION_TIMEOUT_MS = 3_000;
/**
 * Athena, Glue, SNS and SSM answer these calls in well under a second; ten seconds without the
 * whole answer is a stalled request. The SDK then retries it (standard retry mode, 3 attempts).
 */
export const AWS_REQUEST_TIMEOUT_MS = 10_000;

export interface AwsHttpTimeouts {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export const DEFAULT_AWS_HTTP_TIMEOUTS: AwsHttpTimeouts = Object.freeze({ connectionTimeoutMs: AWS_CONNECTION_TIMEOUT_MS, requestTimeoutMs: AWS_REQUEST_TIMEOUT_MS });

/**
 * The `requestHandler` options of every SDK client. `throwOnRequestTimeout` is needed: without it
 * the Node handler only logs a warning when `requestTimeout` passes and keeps waiting.
 */
export function requestHandlerOptions(timeouts: AwsHttpTimeouts = DEFAULT_AWS_HTTP_TIMEOUTS) {
  return { connectionTimeout: timeouts.connectionTimeoutMs, requestTimeout: timeouts.requestTimeoutMs, throwOnRequestTimeout: true } as const;
}
