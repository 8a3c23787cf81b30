import 'aws-sdk-client-mock-vitest/extend';
import { DescribeNetworkInterfacesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { describerFor } from '../../src/lib/ec2/ec2-client.js';
import { Ec2InterfaceDirectory } from '../../src/lib/ec2/ec2-interface-directory.js';
import { LambdaInterfaceDirectory } from '../../src/lib/lambda/lambda-interface-directory.js';
import { placeInterfaces } from '../../src/lib/use-cases/place-interfaces.js';
import { richReport } from '../support/report-fixture.js';

const ec2 = mockClient(EC2Client);
const lambda = mockClient(LambdaClient);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `eni-${String(i).padStart(17, '0')}`);
const eni = (id: string, ip: string) => ({ NetworkInterfaceId: id, PrivateIpAddress: ip, Groups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: 'web' }], SubnetId: 'subnet-0a', VpcId: 'vpc-0a', Attachment: { InstanceId: 'i-0abc' }, TagSet: [{ Key: 'Name', Value: 'web-1' }] });

describe('EC2 interface directory (DescribeNetworkInterfaces)', () => {
  beforeEach(() => ec2.reset());

  it('when 200 interface ids are asked, one call carries all 200 in one filter (EC2: at most 200 filter values per call)', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    await new Ec2InterfaceDirectory(describerFor(new EC2Client({}))).describe({ interfaceIds: ids(200), privateAddresses: [] });
    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 1);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]!.args[0].input.Filters).toEqual([{ Name: 'network-interface-id', Values: ids(200) }]);
  });

  it('when 201 ids and 3 addresses (IPv4 and IPv6) are asked, each call holds one filter of at most 200 values, 1,000 results a page', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    await new Ec2InterfaceDirectory(describerFor(new EC2Client({}))).describe({ interfaceIds: ids(201), privateAddresses: ['10.0.0.5', '10.0.0.6', 'fd00::5'] });
    const inputs = ec2.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.Filters!.map((f) => [f.Name, f.Values!.length]))).toEqual([[['network-interface-id', 200]], [['network-interface-id', 1]], [['addresses.private-ip-address', 2]], [['ipv6-addresses.ipv6-address', 1]]]);
    expect(inputs.every((i) => i.MaxResults === 1000 && i.NetworkInterfaceIds === undefined)).toBe(true);
  });

  it('when EC2 answers in pages, every page is read and the interfaces of all of them come back', async () => {
    ec2.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [eni('eni-0000000000000000a', '10.0.0.1')], NextToken: 'page-2' })
      .resolvesOnce({ NetworkInterfaces: [eni('eni-0000000000000000b', '10.0.0.2')], NextToken: 'page-3' })
      .resolvesOnce({ NetworkInterfaces: [eni('eni-0000000000000000c', '10.0.0.3')] });
    const found = await new Ec2InterfaceDirectory(describerFor(new EC2Client({}))).describe({ interfaceIds: [], privateAddresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    expect(found.map((f) => f.interfaceId)).toEqual(['eni-0000000000000000a', 'eni-0000000000000000b', 'eni-0000000000000000c']);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2', 'page-3']);
  });

  it('when the role may not describe interfaces, the report keeps the bare ids and says why in a warning, and does not fail', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).rejects(new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: {}, message: 'You are not authorized to perform this operation.' }));
    const report = richReport();
    const placed = await placeInterfaces(report, new Ec2InterfaceDirectory(describerFor(new EC2Client({ maxAttempts: 1 }))));
    expect(placed.findings).toEqual(report.findings);
    expect(placed.digests).toEqual(report.digests);
    expect(placed.interfaces).toMatchObject({ source: 'EC2 DescribeNetworkInterfaces', found: 0 });
    expect(placed.interfaces?.error).toMatch(/not authorized/);
    expect(placed.warnings.at(-1)).toMatch(/^where the interfaces live is not shown: EC2 DescribeNetworkInterfaces failed \(.*not authorized.*\); findings name interfaces by id only$/);
  });

  it('when EC2 does not answer by the deadline, the call is given up then and the report keeps the ids with a warning', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(() => new Promise(() => undefined));
    const placed = await placeInterfaces(richReport(), new Ec2InterfaceDirectory(describerFor(new EC2Client({}))), { deadlineMs: Date.now() + 50 });
    expect(placed.interfaces?.error).toMatch(/EC2 DescribeNetworkInterfaces got no answer within \d+ ms/);
    expect(placed.warnings.some((w) => w.startsWith('where the interfaces live is not shown'))).toBe(true);
  });
});

describe('interfaces function, asked by the report (Lambda Invoke)', () => {
  beforeEach(() => lambda.reset());

  it('when the function answers, the report function reads its interfaces and asks once, synchronously, with the names', async () => {
    const answer = { interfaces: [{ interfaceId: 'eni-0a1b2c3d4e5f60718', privateAddresses: ['10.0.0.9'], instanceId: 'i-0abc', name: 'web-1', securityGroups: [{ id: 'sg-1', name: 'web' }], subnetId: 'subnet-1', vpcId: 'vpc-1' }] };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) as never });
    const found = await new LambdaInterfaceDirectory(new LambdaClient({}), 'flowlog-pilot-ci-interfaces').describe({ interfaceIds: ['eni-0a1b2c3d4e5f60718'], privateAddresses: ['10.0.0.9'] });
    expect(found).toEqual(answer.interfaces);
    expect(lambda).toHaveReceivedCommandOnce(InvokeCommand);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect([input.FunctionName, input.InvocationType]).toEqual(['flowlog-pilot-ci-interfaces', 'RequestResponse']);
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({ interfaceIds: ['eni-0a1b2c3d4e5f60718'], privateAddresses: ['10.0.0.9'] });
  });

  it('when the function fails (EC2 access denied there), the report keeps the ids and its warning carries the function\'s error', async () => {
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
