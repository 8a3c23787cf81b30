import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';

/** The SDK clients of one Lambda instance. */
export interface AwsClients {
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
}

/**
 * Builds each client on first use, once per cold start, with the SDK's default configuration so
 * that AWS_REGION, the credential chain and AWS_ENDPOINT_URL_<SERVICE> all apply; handlers pass
 * the clients into adapters instead of adapters making their own.
 */
export function createAwsClients(): AwsClients {
  let athena: AthenaClient | undefined;
  let glue: GlueClient | undefined;
  return {
    get athena() {
      athena ??= new AthenaClient({});
      return athena;
    },
    get glue() {
      glue ??= new GlueClient({});
      return glue;
    },
  };
}
