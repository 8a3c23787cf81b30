/**
 * Where interfaces live, from EC2 (read-only) in each account and region the flow logs come from:
 * DescribeNetworkInterfaces for the names asked, then DescribeInstances for the Name tags of the
 * instances found. Names are asked in batches through filters (an id that no longer exists is
 * then simply not in the answer, where NetworkInterfaceIds or InstanceIds would fail the whole
 * call with InvalidNetworkInterfaceID.NotFound), every page is read, and each call ends by the
 * deadline. One account or region that cannot be asked (its role not assumable, access denied,
 * a timeout) is a warning naming it; the others are still placed.
 */
import { callWithin } from '../aws/call-timeout.js';
import type { Ec2Api, Ec2Filter } from './ec2-api.js';
import { describeError } from '../answers.js';
import { DeadlineError, FlowlogError } from '../errors.js';
import type { InterfaceDirectory, InterfaceLookup, InterfaceQuery } from '../ports.js';
import { parseAddress } from '../report/cidr.js';
import { instanceIdsOf, instanceNames, interfaceFacts, withInstanceNames, type Ec2Instance } from '../report/interfaces.js';
import type { InterfaceFacts } from '../report/model.js';

/**
 * Filter values in one EC2 call, all filters together: EC2 refuses more with InvalidParameterValue
 * "The maximum number of filter values specified on a single call is 200". One filter per call.
 */
export const EC2_MAX_FILTER_VALUES = 200;
/** DescribeNetworkInterfaces and DescribeInstances MaxResults: 5 to 1,000 (EC2 API reference); the largest page means the fewest calls. */
export const EC2_MAX_RESULTS = 1_000;
/** Pages of one batch before the answer is taken as endless (200 names cannot fill more). */
const MAX_PAGES_PER_BATCH = 50;

/** One account and region to ask, and how to reach EC2 there (with an assumed role's credentials for another account). */
export interface Ec2Target {
  readonly account: string;
  readonly region: string;
  /** EC2 there; for another account this assumes the role first (bounded by the signal). */
  connect(abortSignal?: AbortSignal): Promise<Ec2Api>;
}

export class Ec2InterfaceDirectory implements InterfaceDirectory {
  readonly source = 'EC2 DescribeNetworkInterfaces';

  /**
   * @param targets the sources' accounts and regions that can be asked
   * @param unreachable warnings for sources that cannot be asked at all (no role configured for their account)
   */
  constructor(
    private readonly targets: readonly Ec2Target[],
    private readonly unreachable: readonly string[] = [],
  ) {}

  async describe(query: InterfaceQuery, options: { readonly deadlineMs?: number } = {}): Promise<InterfaceLookup> {
    const filters = interfaceFilters(query);
    if (filters.length === 0) return { interfaces: [], warnings: [] };
    const outcomes = await Promise.allSettled(this.targets.map((target) => describeIn(target, filters, options.deadlineMs)));
    const interfaces: InterfaceFacts[] = [];
    const warnings: string[] = [...this.unreachable];
    const failures: string[] = [];
    outcomes.forEach((outcome, i) => {
      const target = this.targets[i] as Ec2Target;
      const where = `${target.account} ${target.region}`;
      if (outcome.status === 'rejected') {
        const why = describeError(outcome.reason);
        failures.push(`${where}: ${why}`);
        warnings.push(`interfaces in ${where} not placed: ${why}`);
        return;
      }
      interfaces.push(...outcome.value.interfaces);
      if (outcome.value.namesError !== undefined)
        warnings.push(`instance Name tags in ${where} not shown (interfaces show their own): EC2 DescribeInstances failed (${outcome.value.namesError})`);
    });
    // Nothing could be asked anywhere: the lookup failed as a whole (the report then says so once).
    if (this.targets.length > 0 && failures.length === this.targets.length)
      throw new FlowlogError(failures.length === 1 ? (failures[0] as string) : `every account and region failed: ${failures.join('; ')}`);
    if (this.targets.length === 0) throw new FlowlogError(this.unreachable.join('; ') || 'no account and region to look interfaces up in');
    return { interfaces, warnings };
  }
}

/** The interfaces of one account and region, named by their instance's Name tag where DescribeInstances answers. */
async function describeIn(target: Ec2Target, filters: readonly Ec2Filter[], deadlineMs: number | undefined): Promise<{ interfaces: InterfaceFacts[]; namesError?: string }> {
  const remaining = (what: string): number | undefined => {
    const ms = deadlineMs === undefined ? undefined : deadlineMs - Date.now();
    if (ms !== undefined && ms <= 0) throw new DeadlineError(`no time left for ${what}`);
    return ms;
  };
  const ec2 = await callWithin(`reaching EC2 in ${target.account} ${target.region}`, remaining('reaching EC2'), (signal) => target.connect(signal));
  const found = new Map<string, InterfaceFacts>();
  for (const filter of filters) {
    await eachPage('EC2 DescribeNetworkInterfaces', remaining, filter, async (request, signal) => {
      const answer = await ec2.describeNetworkInterfaces(request, signal);
      for (const ni of answer.networkInterfaces) {
        const facts = interfaceFacts(ni);
        if (facts !== undefined) found.set(facts.interfaceId, { ...facts, account: facts.account ?? target.account, region: target.region });
      }
      return answer.nextToken;
    });
  }
  const interfaces = [...found.values()];
  const instanceIds = instanceIdsOf(interfaces);
  if (instanceIds.length === 0) return { interfaces };
  try {
    const instances: Ec2Instance[] = [];
    for (const Values of batches(instanceIds)) {
      await eachPage('EC2 DescribeInstances', remaining, { Name: 'instance-id', Values }, async (request, signal) => {
        const answer = await ec2.describeInstances(request, signal);
        instances.push(...answer.instances);
        return answer.nextToken;
      });
    }
    return { interfaces: withInstanceNames(interfaces, instanceNames(instances)) };
  } catch (error) {
    // The names are the lesser part: the interfaces stay placed, with their own Name tags.
    return { interfaces, namesError: describeError(error) };
  }
}

/** Reads every page of one filter's answer, each call bounded by the time left. */
async function eachPage(
  operation: string,
  remaining: (what: string) => number | undefined,
  filter: Ec2Filter,
  page: (request: { filters: Ec2Filter[]; maxResults: number; nextToken?: string }, signal?: AbortSignal) => Promise<string | undefined>,
): Promise<void> {
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const token = nextToken;
    nextToken = await callWithin(operation, remaining(operation), (signal) =>
      page({ filters: [filter], maxResults: EC2_MAX_RESULTS, ...(token === undefined ? {} : { nextToken: token }) }, signal),
    );
    pages += 1;
  } while (nextToken !== undefined && pages < MAX_PAGES_PER_BATCH);
}

/**
 * The filters that ask for these names, at most EC2_MAX_FILTER_VALUES values each: interface
 * ids, private IPv4 addresses, and IPv6 addresses (their own filter in EC2).
 */
export function interfaceFilters(query: InterfaceQuery): Ec2Filter[] {
  const v6 = query.privateAddresses.filter((a) => parseAddress(a)?.version === 6);
  const v4 = query.privateAddresses.filter((a) => parseAddress(a)?.version === 4);
  return [
    ...batches(query.interfaceIds).map((Values) => ({ Name: 'network-interface-id', Values })),
    ...batches(v4).map((Values) => ({ Name: 'addresses.private-ip-address', Values })),
    ...batches(v6).map((Values) => ({ Name: 'ipv6-addresses.ipv6-address', Values })),
  ];
}

function batches(values: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < values.length; i += EC2_MAX_FILTER_VALUES) out.push(values.slice(i, i + EC2_MAX_FILTER_VALUES));
  return out;
}
