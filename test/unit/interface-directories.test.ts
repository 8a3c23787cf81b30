import 'aws-sdk-client-mock-vitest/extend';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsQueryError } from '../../src/lib/aws/query-api.js';
import type { Ec2Api, Ec2PageRequest } from '../../src/lib/ec2/ec2-api.js';
import { Ec2InterfaceDirectory, type Ec2Target } from '../../src/lib/ec2/ec2-interface-directory.js';
import { LambdaInterfaceDirectory } from '../../src/lib/lambda/lambda-interface-directory.js';
import type { Ec2Instance, Ec2NetworkInterface } from '../../src/lib/report/interfaces.js';
import { placeInterfaces } from '../../src/lib/use-cases/place-interfaces.js';
import { richReport } from '../support/report-fixture.js';

const lambda = mockClient(LambdaClient);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `eni-${String(i).padStart(17, '0')}`);
const eni = (id: string, ip: string, instanceId = 'i-0abc'): Ec2NetworkInterface => ({
  NetworkInterfaceId: id,
  PrivateIpAddress: ip,
  Groups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: 'web' }],
  SubnetId: 'subnet-0a',
  VpcId: 'vpc-0a',
  Attachment: { InstanceId: instanceId },
  TagSet: [{ Key: 'Name', Value: 'eni-own-name' }],
});

type Page<T> = { items: readonly T[]; nextToken?: string };

/**
 * EC2 of one account and region as the directory sees it (the Ec2Api port): answers pages in turn
 * and records each request; the Query form on the wire is tested against moto_server and a loopback server.
 */
class FakeEc2 implements Ec2Api {
  readonly interfaceRequests: Ec2PageRequest[] = [];
  readonly instanceRequests: Ec2PageRequest[] = [];
  constructor(
    private readonly interfacePages: Page<Ec2NetworkInterface>[] | (() => Promise<never>),
    private readonly instancePages: Page<Ec2Instance>[] | (() => Promise<never>) = [],
  ) {}
  async describeNetworkInterfaces(request: Ec2PageRequest) {
    this.interfaceRequests.push(request);
    if (typeof this.interfacePages === 'function') return this.interfacePages();
    const page = this.interfacePages.shift() ?? { items: [] };
    return { networkInterfaces: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }
  async describeInstances(request: Ec2PageRequest) {
    this.instanceRequests.push(request);
    if (typeof this.instancePages === 'function') return this.instancePages();
    const page = this.instancePages.shift() ?? { items: [] };
    return { instances: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }
}

const target = (ec2: Ec2Api, account = '111122223333', region = 'ap-northeast-1'): Ec2Target => ({ account, region, connect: async () => ec2 });
const denied = (operation: string) => new AwsQueryError(operation, 'AccessDenied', 403, 'User is not authorized to perform this operation');

describe('EC2 interface directory (DescribeNetworkInterfaces, DescribeInstances)', () => {
  it('when 200 interface ids are asked, one call carries all 200 in one filter (EC2: at most 200 filter values per call)', async () => {
    const ec2 = new FakeEc2([]);
    await new Ec2InterfaceDirectory([target(ec2)]).describe({ interfaceIds: ids(200), privateAddresses: [] });
    expect(ec2.interfaceRequests).toHaveLength(1);
    expect(ec2.interfaceRequests[0]!.filters).toEqual([{ Name: 'network-interface-id', Values: ids(200) }]);
  });

  it('when 201 ids and 3 addresses (IPv4 and IPv6) are asked, each call holds one filter of at most 200 values, 1,000 results a page', async () => {
    const ec2 = new FakeEc2([]);
    await new Ec2InterfaceDirectory([target(ec2)]).describe({ interfaceIds: ids(201), privateAddresses: ['10.0.0.5', '10.0.0.6', 'fd00::5'] });
    expect(ec2.interfaceRequests.map((r) => r.filters.map((f) => [f.Name, f.Values.length]))).toEqual([
      [['network-interface-id', 200]],
      [['network-interface-id', 1]],
      [['addresses.private-ip-address', 2]],
      [['ipv6-addresses.ipv6-address', 1]],
    ]);
    expect(ec2.interfaceRequests.every((r) => r.maxResults === 1000)).toBe(true);
  });

  it('when EC2 answers in pages, every page is read and the interfaces of all of them come back', async () => {
    const ec2 = new FakeEc2([
      { items: [eni('eni-0000000000000000a', '10.0.0.1')], nextToken: 'page-2' },
      { items: [eni('eni-0000000000000000b', '10.0.0.2')], nextToken: 'page-3' },
      { items: [eni('eni-0000000000000000c', '10.0.0.3')] },
    ]);
    const found = await new Ec2InterfaceDirectory([target(ec2)]).describe({ interfaceIds: [], privateAddresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    expect(found.interfaces.map((f) => f.interfaceId)).toEqual(['eni-0000000000000000a', 'eni-0000000000000000b', 'eni-0000000000000000c']);
    expect(ec2.interfaceRequests.map((r) => r.nextToken)).toEqual([undefined, 'page-2', 'page-3']);
  });

  it("when interfaces of instances are found, their instances are asked once by instance-id filter and each interface is named by its instance's Name tag", async () => {
    const ec2 = new FakeEc2(
      [
        {
          items: [
            eni('eni-0000000000000000a', '10.0.0.1', 'i-0000000000000000a'),
            eni('eni-0000000000000000b', '10.0.0.2', 'i-0000000000000000a'),
            eni('eni-0000000000000000c', '10.0.0.3', 'i-0000000000000000c'),
          ],
        },
      ],
      [
        {
          items: [
            { InstanceId: 'i-0000000000000000a', Tags: [{ Key: 'Name', Value: 'web-1' }] },
            { InstanceId: 'i-0000000000000000c', Tags: [{ Key: 'team', Value: 'db' }] },
          ],
        },
      ],
    );
    const found = await new Ec2InterfaceDirectory([target(ec2)]).describe({ interfaceIds: [], privateAddresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    expect(ec2.instanceRequests).toEqual([{ filters: [{ Name: 'instance-id', Values: ['i-0000000000000000a', 'i-0000000000000000c'] }], maxResults: 1000 }]);
    // The instance without a Name tag leaves its interface's own.
    expect(found.interfaces.map((f) => [f.interfaceId, f.name, f.account, f.region])).toEqual([
      ['eni-0000000000000000a', 'web-1', '111122223333', 'ap-northeast-1'],
      ['eni-0000000000000000b', 'web-1', '111122223333', 'ap-northeast-1'],
      ['eni-0000000000000000c', 'eni-own-name', '111122223333', 'ap-northeast-1'],
    ]);
    expect(found.warnings).toEqual([]);
  });

  it('when 201 instances are found, DescribeInstances is asked in two calls of 200 and 1 instance ids', async () => {
    const many = Array.from({ length: 201 }, (_, i) =>
      eni(`eni-${String(i).padStart(17, '0')}`, `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, `i-${String(i).padStart(17, '0')}`),
    );
    const ec2 = new FakeEc2([{ items: many }]);
    await new Ec2InterfaceDirectory([target(ec2)]).describe({ interfaceIds: many.map((m) => m.NetworkInterfaceId!), privateAddresses: [] });
    expect(ec2.instanceRequests.map((r) => r.filters[0]!.Values.length)).toEqual([200, 1]);
  });

  it('when DescribeInstances is refused, the interfaces are still placed with their own Name tags and a warning names the account, region and call', async () => {
    const ec2 = new FakeEc2([{ items: [eni('eni-0000000000000000a', '10.0.0.1')] }], () => Promise.reject(denied('EC2 DescribeInstances')));
    const found = await new Ec2InterfaceDirectory([target(ec2)]).describe({ interfaceIds: ['eni-0000000000000000a'], privateAddresses: [] });
    expect(found.interfaces.map((f) => f.name)).toEqual(['eni-own-name']);
    expect(found.warnings).toEqual([
      'instance Name tags in 111122223333 ap-northeast-1 not shown (interfaces show their own): EC2 DescribeInstances failed (EC2 DescribeInstances failed: AccessDenied: User is not authorized to perform this operation)',
    ]);
  });

  it("when two accounts are asked and the role in one cannot be assumed, the other's interfaces are placed and a warning names the account and region that failed", async () => {
    const own = new FakeEc2([{ items: [eni('eni-0a1b2c3d4e5f60718', '10.0.250.250')] }]);
    const other: Ec2Target = { account: '444455556666', region: 'us-east-1', connect: () => Promise.reject(denied('STS AssumeRole')) };
    const placed = await placeInterfaces(richReport(), new Ec2InterfaceDirectory([target(own), other]));
    expect(placed.interfaces?.error).toBeUndefined();
    expect(placed.digests.find((d) => d.rule === 'rejected-by-interface')?.places?.map((p) => [p.key, p.account])).toEqual([['eni-0a1b2c3d4e5f60718', '111122223333']]);
    expect(placed.warnings).toContain('interfaces in 444455556666 us-east-1 not placed: STS AssumeRole failed: AccessDenied: User is not authorized to perform this operation');
  });

  it('when every account and region fails, the lookup fails as a whole and the report keeps the bare ids with one warning naming each', async () => {
    const one: Ec2Target = { account: '111122223333', region: 'ap-northeast-1', connect: async () => new FakeEc2(() => Promise.reject(denied('EC2 DescribeNetworkInterfaces'))) };
    const two: Ec2Target = { account: '444455556666', region: 'us-east-1', connect: () => Promise.reject(denied('STS AssumeRole')) };
    const report = richReport();
    const placed = await placeInterfaces(report, new Ec2InterfaceDirectory([one, two]));
    expect(placed.findings).toEqual(report.findings);
    expect(placed.interfaces?.error).toBe(
      'every account and region failed: 111122223333 ap-northeast-1: EC2 DescribeNetworkInterfaces failed: AccessDenied: User is not authorized to perform this operation; 444455556666 us-east-1: STS AssumeRole failed: AccessDenied: User is not authorized to perform this operation',
    );
    expect(placed.warnings.at(-1)).toMatch(
      /^where the interfaces live is not shown: EC2 DescribeNetworkInterfaces failed \(every account and region failed: .*\); findings name interfaces by id only$/,
    );
  });

  it("when a source's account has no role to assume, its warning comes with the others' interfaces", async () => {
    const own = new FakeEc2([{ items: [eni('eni-0000000000000000a', '10.0.0.1')] }]);
    const found = await new Ec2InterfaceDirectory([target(own)], ['interfaces in 444455556666 us-east-1 not looked up: no role to assume in that account']).describe({
      interfaceIds: ['eni-0000000000000000a'],
      privateAddresses: [],
    });
    expect(found.interfaces).toHaveLength(1);
    expect(found.warnings).toEqual(['interfaces in 444455556666 us-east-1 not looked up: no role to assume in that account']);
  });

  it('when EC2 does not answer by the deadline, the call is given up then and the report keeps the ids with a warning', async () => {
    const stalled = new FakeEc2(() => new Promise<never>(() => undefined));
    const placed = await placeInterfaces(richReport(), new Ec2InterfaceDirectory([target(stalled)]), { deadlineMs: Date.now() + 50 });
    expect(placed.interfaces?.error).toMatch(/EC2 DescribeNetworkInterfaces got no answer within \d+ ms/);
    expect(placed.warnings.some((w) => w.startsWith('where the interfaces live is not shown'))).toBe(true);
  });
});

describe('interfaces function, asked by the report (Lambda Invoke)', () => {
  beforeEach(() => lambda.reset());

  it('when the function answers, the report function reads its interfaces and asks once, synchronously, with the names', async () => {
    const answer = {
      interfaces: [
        {
          interfaceId: 'eni-0a1b2c3d4e5f60718',
          privateAddresses: ['10.0.0.9'],
          instanceId: 'i-0abc',
          name: 'web-1',
          securityGroups: [{ id: 'sg-1', name: 'web' }],
          subnetId: 'subnet-1',
          vpcId: 'vpc-1',
        },
      ],
    };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) as never });
    const found = await new LambdaInterfaceDirectory(new LambdaClient({}), 'flowlog-pilot-ci-interfaces').describe({
      interfaceIds: ['eni-0a1b2c3d4e5f60718'],
      privateAddresses: ['10.0.0.9'],
    });
    expect(found).toEqual({ interfaces: answer.interfaces, warnings: [] });
    expect(lambda).toHaveReceivedCommandOnce(InvokeCommand);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect([input.FunctionName, input.InvocationType]).toEqual(['flowlog-pilot-ci-interfaces', 'RequestResponse']);
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({ interfaceIds: ['eni-0a1b2c3d4e5f60718'], privateAddresses: ['10.0.0.9'] });
  });

  it("when the function fails (EC2 access denied there), the report keeps the ids and its warning carries the function's error", async () => {
    const error = { errorType: 'UnexpectedError', errorMessage: 'unexpected error: You are not authorized to perform this operation.' };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode(JSON.stringify(error)) as never });
    const placed = await placeInterfaces(richReport(), new LambdaInterfaceDirectory(new LambdaClient({}), 'flowlog-pilot-ci-interfaces'));
    expect(placed.interfaces?.error).toBe('the interfaces function failed: UnexpectedError: unexpected error: You are not authorized to perform this operation.');
    expect(placed.findings).toEqual(richReport().findings);
  });

  it('when the function answers something else, the lookup fails naming the bad field, and the report still goes', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify({ interfaces: [{ interfaceId: 'i-0abc' }] })) as never });
    const placed = await placeInterfaces(richReport(), new LambdaInterfaceDirectory(new LambdaClient({}), 'fn'));
    expect(placed.interfaces?.error).toMatch(/answer\.interfaces\[0\]\.interfaceId/);
  });

  it('when the report names no interface and no private address, nothing is invoked', async () => {
    const report = richReport({ findings: [], digests: [] });
    const placed = await placeInterfaces(report, new LambdaInterfaceDirectory(new LambdaClient({}), 'fn'));
    expect(placed).toBe(report);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });
});
