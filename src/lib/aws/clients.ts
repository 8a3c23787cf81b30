import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';

/** The SDK clients of one Lambda instance. */
export interface AwsClients {
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
  readonly sns: SNSClient;
  readonly ssm: SSMClient;
}

/**
 * Builds each client on first use, once per cold start, with the SDK's default configuration so
 * that AWS_REGION, the credential chain and AWS_ENDPOINT_URL_<SERVICE> all apply; handlers pass
 * the clients into adapters instead of adapters making their own. The SNS notifier retries with
 * its own jittered policy, so its client makes one attempt per call instead of stacking retries.
 */
export function createAwsClients(): AwsClients {
  let athena: AthenaClient | undefined;
  let glue: GlueClient | undefined;
  let sns: SNSClient | undefined;
  let ssm: SSMClient | undefined;
  return {
    get athena() {
      athena ??= new AthenaClient({});
      return athena;
    },
    get glue() {
      glue ??= new GlueClient({});
      return glue;
    },
    get sns() {
      sns ??= new SNSClient({ maxAttempts: 1 });
      return sns;
    },
    get ssm() {
      ssm ??= new SSMClient({});
      return ssm;
    },
  };
}
