/**
 * The interfaces function's settings, read once at cold start: which accounts and regions to ask
 * (the flow logs' sources), the stack's own account (asked with the function's own role), and the
 * role to assume in every other source account. A bad value fails at start naming every bad key.
 */
import { ConfigError } from './errors.js';
import { validateAccount, validateRegion } from './partitions/layout.js';
import type { Settings } from './config.js';

export interface InterfacesSource {
  readonly account: string;
  readonly region: string;
}

export interface InterfacesConfig {
  /** The function's own region (AWS_REGION). */
  readonly region: string;
  /** The stack's account (FLOWLOG_ACCOUNT); undefined: every source is asked with the function's own role. */
  readonly account?: string;
  /** FLOWLOG_SOURCES, or the function's own account and region when empty. */
  readonly sources: readonly InterfacesSource[];
  /** FLOWLOG_INTERFACES_ROLE: the role's name in each other source account; undefined: those are not asked. */
  readonly roleName?: string;
  /** AWS_ENDPOINT_URL_EC2 (else AWS_ENDPOINT_URL): every region's EC2 is asked there instead (tests). */
  readonly ec2Endpoint?: string;
  /** AWS_ENDPOINT_URL_STS (else AWS_ENDPOINT_URL). */
  readonly stsEndpoint?: string;
}

/** IAM role names: 1 to 64 of letters, digits and `+=,.@_-` (IAM API reference, CreateRole RoleName). */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function loadInterfacesConfig(settings: Settings): InterfacesConfig {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = settings[key]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const check = <T>(key: string, parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      problems.push(error instanceof Error ? error.message : `${key}: ${String(error)}`);
      return undefined;
    }
  };
  const region = text('AWS_REGION');
  if (region === undefined) problems.push('AWS_REGION: must be set (Lambda sets it)');
  else check('AWS_REGION', () => validateRegion(region, 'AWS_REGION'));
  const accountText = text('FLOWLOG_ACCOUNT');
  const account = accountText === undefined ? undefined : check('FLOWLOG_ACCOUNT', () => validateAccount(accountText, 'FLOWLOG_ACCOUNT'));
  const sources = check('FLOWLOG_SOURCES', () => parseSourceList(text('FLOWLOG_SOURCES') ?? '')) ?? [];
  const roleName = text('FLOWLOG_INTERFACES_ROLE');
  if (roleName !== undefined && !ROLE_NAME.test(roleName))
    problems.push(`FLOWLOG_INTERFACES_ROLE: ${JSON.stringify(roleName)} is not an IAM role name (1 to 64 of letters, digits and +=,.@_-)`);
  const ec2Endpoint = text('AWS_ENDPOINT_URL_EC2') ?? text('AWS_ENDPOINT_URL');
  const stsEndpoint = text('AWS_ENDPOINT_URL_STS') ?? text('AWS_ENDPOINT_URL');
  if (problems.length > 0) throw new ConfigError(problems);
  const own = region as string;
  return Object.freeze({
    region: own,
    ...(account === undefined ? {} : { account }),
    sources: Object.freeze(sources.length > 0 ? sources : account === undefined ? [] : [{ account, region: own }]),
    ...(roleName === undefined ? {} : { roleName }),
    ...(ec2Endpoint === undefined ? {} : { ec2Endpoint }),
    ...(stsEndpoint === undefined ? {} : { stsEndpoint }),
  });
}

function parseSourceList(value: string): InterfacesSource[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((item) => {
      const [account, region, extra] = item.split(':');
      if (extra !== undefined || account === undefined || region === undefined) throw new Error(`FLOWLOG_SOURCES: expected ACCOUNT:REGION, got ${JSON.stringify(item)}`);
      return { account: validateAccount(account, 'FLOWLOG_SOURCES'), region: validateRegion(region, 'FLOWLOG_SOURCES') };
    });
}

/** How one source is asked: with the function's own role, by assuming a role, or not at all (why). */
export type SourcePlan =
  | { readonly kind: 'direct'; readonly source: InterfacesSource }
  | { readonly kind: 'assume'; readonly source: InterfacesSource; readonly roleArn: string }
  | { readonly kind: 'unreachable'; readonly source: InterfacesSource; readonly reason: string };

/**
 * Decides, per source, how EC2 there is asked: the stack's own account directly (also when the
 * account is not known: no other account can then be told apart), another account through the
 * configured role, or not at all when no role is configured.
 */
export function planSources(config: InterfacesConfig): SourcePlan[] {
  const sources = config.sources.length > 0 ? config.sources : [{ account: '', region: config.region }];
  return sources.map((source) => {
    if (config.account === undefined || source.account === config.account || source.account === '') return { kind: 'direct', source };
    if (config.roleName === undefined)
      return {
        kind: 'unreachable',
        source,
        reason: `interfaces in ${source.account} ${source.region} not looked up: no role to assume in that account (stack param interfacesRoleName, README "Where each interface lives")`,
      };
    return { kind: 'assume', source, roleArn: `arn:${partitionOf(config.region)}:iam::${source.account}:role/${config.roleName}` };
  });
}

/** The ARN partition of a region: aws, aws-cn (cn-*), aws-us-gov (us-gov-*). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
