import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from '../aws/http-options.js';
import { once } from '../aws/once.js';

/** An S3 client with the per-request timeouts (in a module of its own: only the bundles that use S3 carry it). */
export function createS3Client(timeouts: AwsHttpTimeouts = DEFAULT_AWS_HTTP_TIMEOUTS): S3Client {
  return new S3Client({ requestHandler: requestHandlerOptions(timeouts) });
}

export const s3Client = /* @__PURE__ */ once(() => createS3Client());
