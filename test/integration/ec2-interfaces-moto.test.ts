/**
 * Where interfaces live, from EC2 DescribeNetworkInterfaces with the real SDK client (built with
 * the per-request timeouts of every other client) against moto_server on 127.0.0.1: a VPC, a
 * subnet, a security group, an instance with a Name tag and a standalone interface (as a NAT
 * gateway's) are created there, then asked for by interface id and by private address, through
 * the interfaces function's handler as the report function invokes it. Faults and paging are in
 * test/unit/interface-directories.test.ts.
 */
import { CreateNetworkInterfaceCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateTagsCommand, CreateVpcCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createInterfacesHandler } from '../../src/handlers/interfaces.js';
import { requestHandlerOptions } from '../../src/lib/aws/http-options.js';
import { describerFor } from '../../src/lib/ec2/ec2-client.js';
import { Ec2InterfaceDirectory } from '../../src/lib/ec2/ec2-interface-directory.js';
import { placeText } from '../../src/lib/report/interfaces.js';
import { useMotoServer } from '../support/moto-server.js';

const context = { getRemainingTimeInMillis: () => 30_000, functionName: 'flowlog-pilot-ci-interfaces', awsRequestId: 'req-1' } as unknown as Context;

describe('EC2 interface directory against moto_server', () => {
  const { need } = useMotoServer();

  it('when the report asks for an instance\'s interface by id and a NAT gateway\'s by address, the interfaces function answers instance, Name tag, security group, subnet, VPC, and the description where there is no instance', async (ctx) => {
    // Prepare: a VPC as a user has it.
    const server = need(ctx);
    const ec2 = new EC2Client({ ...server.clientConfig, requestHandler: requestHandlerOptions() });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }))).Subnet!.SubnetId!;
    const groupId = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web-servers', Description: 'web' }))).GroupId!;
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [groupId], PrivateIpAddress: '10.20.1.10' }));
    const instanceId = run.Instances![0]!.InstanceId!;
    const instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
    const webEni = instance.NetworkInterfaces![0]!.NetworkInterfaceId!;
    await ec2.send(new CreateTagsCommand({ Resources: [webEni], Tags: [{ Key: 'Name', Value: 'web-1' }] }));
    const nat = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: '10.20.1.50', Description: 'Interface for NAT Gateway nat-0a1b2c3d4e5f60718' }))).NetworkInterface!;
    const handler = createInterfacesHandler({ directory: new Ec2InterfaceDirectory(describerFor(ec2)) });

    // Act: the event the report function sends, with an interface deleted since and an address outside the VPC.
    const answer = await handler({ interfaceIds: [webEni, 'eni-00000000000000000'], privateAddresses: ['10.20.1.50', '192.168.100.7'] }, context);

    // Assess
    const byId = new Map(answer.interfaces.map((f) => [f.interfaceId, f]));
    expect([...byId.keys()].sort()).toEqual([webEni, nat.NetworkInterfaceId].sort());
    expect(byId.get(webEni)).toMatchObject({ instanceId, name: 'web-1', securityGroups: [{ id: groupId, name: 'web-servers' }], subnetId, vpcId });
    expect(byId.get(webEni)!.privateAddresses).toContain('10.20.1.10');
    expect(byId.get(nat.NetworkInterfaceId!)).toMatchObject({ description: 'Interface for NAT Gateway nat-0a1b2c3d4e5f60718', subnetId, vpcId });
    expect(byId.get(nat.NetworkInterfaceId!)!.instanceId).toBeUndefined();
    expect(placeText(byId.get(webEni)!)).toBe(`${instanceId} web-1, ${groupId} web-servers, ${subnetId}, ${vpcId}`);
    expect(placeText(byId.get(nat.NetworkInterfaceId!)!)).toContain('Interface for NAT Gateway nat-0a1b2c3d4e5f60718');
  }, 120_000);

  it('when the event names something that is not an interface id, the function refuses it naming the field, before any EC2 call', async () => {
    // Prepare: a directory that fails the test if called.
    const handler = createInterfacesHandler({ directory: { source: 'test', describe: () => Promise.reject(new Error('EC2 must not be called')) } });

    // Act / Assess
    await expect(handler({ interfaceIds: ['i-0abc'], privateAddresses: [] }, context)).rejects.toThrow(/interfaceIds\[0\]: must be an interface id/);
    await expect(handler({ interfaceIds: [], privateAddresses: ['8.8.8.8'] }, context)).rejects.toThrow(/privateAddresses\[0\]: must be a private/);
  });
});
