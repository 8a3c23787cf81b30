/**
 * The interfaces function's composition root: EC2 in each source's account and region over the
 * small Query API caller (no @aws-sdk/client-ec2), with the function's own credentials for its own
 * account and a role assumed through STS for each other one. Built once per cold start.
 */
import { AwsQueryError, QueryApi, type AwsCredentials, type CredentialSource } from '../aws/query-api.js';
import { ec2Api, EC2_API_VERSION, type Ec2Api } from '../ec2/ec2-api.js';
import { Ec2InterfaceDirectory, type Ec2Target } from '../ec2/ec2-interface-directory.js';
import type { Settings } from '../config.js';
import { FlowlogError } from '../errors.js';
import { loadInterfacesConfig, planSources, type InterfacesConfig } from '../interfaces-config.js';
import type { InterfaceDirectory } from '../ports.js';
import { assumeRole, STS_API_VERSION } from '../sts/sts-assume-role.js';

/** Assumed credentials are taken afresh this long before they expire. */
const CREDENTIALS_MARGIN_MS = 60_000;

/** The interfaces function's one adapter; a bad setting fails here, at cold start, naming every bad key. */
export function ec2InterfaceDirectory(settings: Settings = process.env, credentials: CredentialSource = functionCredentials(settings)): InterfaceDirectory {
  return directoryFor(loadInterfacesConfig(settings), credentials);
}

/** The directory for a checked configuration: one target per source that can be asked. */
export function directoryFor(config: InterfacesConfig, credentials: CredentialSource): Ec2InterfaceDirectory {
  const ec2In = (region: string, source: CredentialSource): Ec2Api =>
    ec2Api(new QueryApi({ service: 'ec2', region, version: EC2_API_VERSION, credentials: source, ...(config.ec2Endpoint === undefined ? {} : { endpoint: config.ec2Endpoint }) }));
  let sts: QueryApi | undefined;
  const stsApi = () =>
    (sts ??= new QueryApi({
      service: 'sts',
      region: config.region,
      version: STS_API_VERSION,
      credentials,
      ...(config.stsEndpoint === undefined ? {} : { endpoint: config.stsEndpoint }),
    }));
  const targets: Ec2Target[] = [];
  const unreachable: string[] = [];
  for (const plan of planSources(config)) {
    const { account, region } = plan.source;
    if (plan.kind === 'unreachable') {
      unreachable.push(plan.reason);
    } else if (plan.kind === 'direct') {
      let api: Ec2Api | undefined;
      targets.push({ account, region, connect: async () => (api ??= ec2In(region, credentials)) });
    } else {
      // One assumed session per account, kept until shortly before it expires.
      let held: AwsCredentials | undefined;
      const api = ec2In(region, async () => held as AwsCredentials);
      targets.push({
        account,
        region,
        connect: async (abortSignal) => {
          if (held === undefined || (held.expiration !== undefined && held.expiration.getTime() - CREDENTIALS_MARGIN_MS <= Date.now())) {
            held = await assumeRole(stsApi(), plan.roleArn, abortSignal).catch((error: unknown) => {
              const why = error instanceof AwsQueryError ? `${error.code}: ${error.detail}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
              throw new FlowlogError(`STS AssumeRole ${plan.roleArn} failed: ${why}`, { roleArn: plan.roleArn }, { cause: error });
            });
          }
          return api;
        },
      });
    }
  }
  return new Ec2InterfaceDirectory(targets, unreachable);
}

/**
 * The function's own credentials: Lambda puts its role's in the environment. Without them
 * (`serverless invoke local`), the SDK's default chain is loaded on first use (profiles, SSO).
 */
export function functionCredentials(settings: Settings): CredentialSource {
  const accessKeyId = settings.AWS_ACCESS_KEY_ID;
  const secretAccessKey = settings.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId !== undefined && accessKeyId !== '' && secretAccessKey !== undefined && secretAccessKey !== '') {
    const fixed: AwsCredentials = {
      accessKeyId,
      secretAccessKey,
      ...(settings.AWS_SESSION_TOKEN === undefined || settings.AWS_SESSION_TOKEN === '' ? {} : { sessionToken: settings.AWS_SESSION_TOKEN }),
    };
    return async () => fixed;
  }
  let chain: CredentialSource | undefined;
  return async () => {
    chain ??= (await import('@aws-sdk/credential-provider-node')).defaultProvider() as CredentialSource;
    return chain();
  };
}
