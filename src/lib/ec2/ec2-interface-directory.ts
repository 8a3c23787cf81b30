/**
 * Where interfaces live, from EC2 DescribeNetworkInterfaces (read-only). Names are asked in
 * batches through filters (an interface id that no longer exists is then simply not in the
 * answer, where NetworkInterfaceIds would fail the whole call with
 * InvalidNetworkInterfaceID.NotFound), every page is read, and each call ends by the deadline.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { callWithin } from '../aws/call-timeout.js';
import type { DescribeNetworkInterfaces } from './ec2-client.js';
import { DeadlineError } from '../errors.js';
import type { InterfaceDirectory, InterfaceQuery } from '../ports.js';
import { parseAddress } from '../report/cidr.js';
import { interfaceFacts } from '../report/interfaces.js';
import type { InterfaceFacts } from '../report/model.js';

/**
 * Filter values in one EC2 call, all filters together: EC2 refuses more with InvalidParameterValue
 * "The maximum number of filter values specified on a single call is 200". One filter per call.
 */
export const EC2_MAX_FILTER_VALUES = 200;
/** DescribeNetworkInterfaces MaxResults: 5 to 1,000 (EC2 API reference); the largest page means the fewest calls. */
export const EC2_MAX_RESULTS = 1_000;
/** Pages of one batch before the answer is taken as endless (200 names cannot fill more). */
const MAX_PAGES_PER_BATCH = 50;

export class Ec2InterfaceDirectory implements InterfaceDirectory {
  readonly source = 'EC2 DescribeNetworkInterfaces';

  constructor(private readonly send: DescribeNetworkInterfaces) {}

  async describe(query: InterfaceQuery, options: { readonly deadlineMs?: number } = {}): Promise<readonly InterfaceFacts[]> {
    const filters = interfaceFilters(query);
    if (filters.length === 0) return [];
    const send = this.send;
    const found = new Map<string, InterfaceFacts>();
    for (const filter of filters) {
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const remainingMs = options.deadlineMs === undefined ? undefined : options.deadlineMs - Date.now();
        if (remainingMs !== undefined && remainingMs <= 0) throw new DeadlineError('no time left to describe the network interfaces');
        const answer = await callWithin('EC2 DescribeNetworkInterfaces', remainingMs, (signal) =>
          send({ Filters: [filter], MaxResults: EC2_MAX_RESULTS, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }, signal),
        );
        for (const ni of answer.NetworkInterfaces ?? []) {
          const facts = interfaceFacts(ni);
          if (facts !== undefined) found.set(facts.interfaceId, facts);
        }
        nextToken = answer.NextToken === '' ? undefined : answer.NextToken;
        pages += 1;
      } while (nextToken !== undefined && pages < MAX_PAGES_PER_BATCH);
    }
    return [...found.values()];
  }
}

/**
 * The filters that ask for these names, at most EC2_MAX_FILTER_VALUES values each: interface
 * ids, private IPv4 addresses, and IPv6 addresses (their own filter in EC2).
 */
export function interfaceFilters(query: InterfaceQuery): Filter[] {
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
