/**
 * The two read-only EC2 calls the interfaces function makes, DescribeNetworkInterfaces and
 * DescribeInstances, over the small Query API caller (src/lib/aws/query-api.ts) instead of
 * @aws-sdk/client-ec2. Answers are given in the AWS CLI's JSON shape (PascalCase keys), the same
 * shape the local files have, so one function reads both.
 */
import { child, itemsOf, textOf, type QueryApi, type XmlValue } from '../aws/query-api.js';
import type { Ec2Instance, Ec2NetworkInterface } from '../report/interfaces.js';

/** The EC2 API version the Query calls name (the current one; DescribeNetworkInterfaces and DescribeInstances answer in it). */
export const EC2_API_VERSION = '2016-11-15';

export interface Ec2Filter {
  readonly Name: string;
  readonly Values: readonly string[];
}

export interface Ec2PageRequest {
  readonly filters: readonly Ec2Filter[];
  readonly maxResults: number;
  readonly nextToken?: string;
}

/** What the interface directory needs of EC2 in one account and region. */
export interface Ec2Api {
  describeNetworkInterfaces(
    request: Ec2PageRequest,
    abortSignal?: AbortSignal,
  ): Promise<{ readonly networkInterfaces: readonly Ec2NetworkInterface[]; readonly nextToken?: string }>;
  describeInstances(request: Ec2PageRequest, abortSignal?: AbortSignal): Promise<{ readonly instances: readonly Ec2Instance[]; readonly nextToken?: string }>;
}

/** EC2 through a Query API caller for one account and region. */
export function ec2Api(api: QueryApi): Ec2Api {
  return {
    async describeNetworkInterfaces(request, abortSignal) {
      const answer = await api.call('DescribeNetworkInterfaces', pageParams(request), abortSignal);
      return { networkInterfaces: itemsOf(child(answer, 'networkInterfaceSet')).map(networkInterface), ...nextToken(answer) };
    },
    async describeInstances(request, abortSignal) {
      const answer = await api.call('DescribeInstances', pageParams(request), abortSignal);
      const instances = itemsOf(child(answer, 'reservationSet')).flatMap((reservation) => itemsOf(child(reservation, 'instancesSet')).map(instance));
      return { instances, ...nextToken(answer) };
    },
  };
}

/** `Filter.1.Name`, `Filter.1.Value.1`, ..., `MaxResults`, `NextToken`: the Query form of the request. */
export function pageParams(request: Ec2PageRequest): Record<string, string> {
  const params: Record<string, string> = { MaxResults: String(request.maxResults) };
  request.filters.forEach((filter, i) => {
    params[`Filter.${i + 1}.Name`] = filter.Name;
    filter.Values.forEach((value, j) => {
      params[`Filter.${i + 1}.Value.${j + 1}`] = value;
    });
  });
  if (request.nextToken !== undefined) params.NextToken = request.nextToken;
  return params;
}

function nextToken(answer: XmlValue): { nextToken?: string } {
  const token = textOf(child(answer, 'nextToken'));
  return token === undefined || token === '' ? {} : { nextToken: token };
}

const text = (value: XmlValue, name: string): string | undefined => textOf(child(value, name));

function tags(value: XmlValue): { Key: string; Value: string }[] {
  return itemsOf(child(value, 'tagSet')).flatMap((t) => {
    const key = text(t, 'key');
    return key === undefined ? [] : [{ Key: key, Value: text(t, 'value') ?? '' }];
  });
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function networkInterface(item: XmlValue): Ec2NetworkInterface {
  const attachment = child(item, 'attachment') as XmlValue | undefined;
  const instanceId = attachment === undefined ? undefined : text(attachment, 'instanceId');
  return defined({
    NetworkInterfaceId: text(item, 'networkInterfaceId'),
    PrivateIpAddress: text(item, 'privateIpAddress'),
    PrivateIpAddresses: itemsOf(child(item, 'privateIpAddressesSet')).flatMap((a) => {
      const address = text(a, 'privateIpAddress');
      return address === undefined ? [] : [{ PrivateIpAddress: address }];
    }),
    Ipv6Addresses: itemsOf(child(item, 'ipv6AddressesSet')).flatMap((a) => {
      const address = text(a, 'ipv6Address');
      return address === undefined ? [] : [{ Ipv6Address: address }];
    }),
    Attachment: instanceId === undefined ? undefined : { InstanceId: instanceId },
    Groups: itemsOf(child(item, 'groupSet')).flatMap((g) => {
      const id = text(g, 'groupId');
      return id === undefined ? [] : [{ GroupId: id, GroupName: text(g, 'groupName') ?? '' }];
    }),
    SubnetId: text(item, 'subnetId'),
    VpcId: text(item, 'vpcId'),
    InterfaceType: text(item, 'interfaceType'),
    Description: text(item, 'description'),
    RequesterId: text(item, 'requesterId'),
    OwnerId: text(item, 'ownerId'),
    TagSet: tags(item),
  });
}

function instance(item: XmlValue): Ec2Instance {
  return defined({ InstanceId: text(item, 'instanceId'), Tags: tags(item) });
}
