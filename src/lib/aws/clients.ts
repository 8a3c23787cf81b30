import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from './http-options.js';
import { once } from './once.js';

/*
 * The SDK clients, each built on first use and then kept for the life of the Lambda instance,
 * with the SDK's default configuration so that AWS_REGION, the credential chain and
 * AWS_ENDPOINT_URL_<SERVICE> all apply, plus a connection and request timeout on each request.
 * Handlers pass them into adapters; adapters never make their own. SNS and SSM have modules of
 * their own, so each bundle carries only the clients its function uses.
 */

/** The clients the query jobs use: Athena for statements, Glue for what partitions exist, S3 to remove orphaned rollup builds. */
export interface AwsClients {
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
  /** Absent where a caller passes only the query clients (then no build folder is deleted). */
  readonly s3?: S3Client;
}

export function createAwsClients(timeouts: AwsHttpTimeouts = DEFAULT_AWS_HTTP_TIMEOUTS): AwsClients {
  const athena = once(() => new AthenaClient({ requestHandler: requestHandlerOptions(timeouts) }));
  const glue = once(() => new GlueClient({ requestHandler: requestHandlerOptions(timeouts) }));
  const s3 = once(() => new S3Client({ requestHandler: requestHandlerOptions(timeouts) }));
  return {
    get athena() {
      return athena();
    },
    get glue() {
      return glue();
    },
    get s3() {
      return s3();
    },
  };
}
