/**
 * Where interfaces live, from EC2 DescribeNetworkInterfaces and DescribeInstances over the small
 * Query API caller (SigV4, XML), against moto_server on 127.0.0.1: in the stack's own account
 * with the function's credentials, and in a second account and region through a role assumed
 * with STS AssumeRole (moto serves each account's EC2 to that account's credentials). A VPC, a
 * subnet, a security group, an instance with a Name tag (its interface has none) and a standalone
 * interface (as a NAT gateway's) are created there with the SDK, then asked for by interface id
 * and by private address, through the interfaces function's handler as the report function
 * invokes it. Faults and paging are in test/unit/interface-directories.test.ts and
 * test/integration/query-api-faults.test.ts.
 */
import {
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createInterfacesHandler } from '../../src/handlers/interfaces.js';
import { requestHandlerOptions } from '../../src/lib/aws/http-options.js';
import { QueryApi, type AwsCredentials } from '../../src/lib/aws/query-api.js';
import { loadInterfacesConfig } from '../../src/lib/interfaces-config.js';
import { placeText } from '../../src/lib/report/interfaces.js';
import { assumeRole, STS_API_VERSION } from '../../src/lib/sts/sts-assume-role.js';
import { directoryFor, ec2InterfaceDirectory } from '../../src/lib/wiring/aws-interfaces.js';
import { useMotoServer, type MotoServer } from '../support/moto-server.js';

// The handler module builds its own handler at import, as a cold start does, from the environment: Lambda always sets AWS_REGION.
vi.hoisted(() => {
  process.env.AWS_REGION ??= 'ap-northeast-1';
});

const context = { getRemainingTimeInMillis: () => 30_000, functionName: 'flowlog-pilot-ci-interfaces', awsRequestId: 'req-1' } as unknown as Context;
/** moto's account for credentials it did not issue. */
const OWN_ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '444455556666';
const ROLE = 'flowlog-pilot-interfaces';
const fixed = (c: AwsCredentials) => async () => c;

/** A VPC as a user has it: an instance named by its Name tag (not its interface's), and a NAT gateway's interface. */
async function userVpc(server: MotoServer, region: string, cidr: string, name: string, credentials: AwsCredentials) {
  const ec2 = new EC2Client({ endpoint: server.endpoint, region, credentials, requestHandler: requestHandlerOptions() });
  const prefix = cidr.replace(/\.0\.0\/16$/, '');
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${prefix}.1.0/24` }))).Subnet!.SubnetId!;
  const groupId = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web-servers', Description: 'web' }))).GroupId!;
  const run = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [groupId], PrivateIpAddress: `${prefix}.1.10` }),
  );
  const instanceId = run.Instances![0]!.InstanceId!;
  await ec2.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'Name', Value: name }] }));
  const instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  const eni = instance.NetworkInterfaces![0]!.NetworkInterfaceId!;
  const nat = (
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: `${prefix}.1.50`, Description: 'Interface for NAT Gateway nat-0a1b2c3d4e5f60718' }))
  ).NetworkInterface!;
  ec2.destroy();
  return { vpcId, subnetId, groupId, instanceId, eni, natEni: nat.NetworkInterfaceId!, natAddress: `${prefix}.1.50` };
}

describe('EC2 interface directory against moto_server', () => {
  const { need } = useMotoServer();

  it("when the report asks for an instance's interface by id and a NAT gateway's by address, the interfaces function answers instance, the instance's Name tag, security group, subnet, VPC, and the description where there is no instance", async (ctx) => {
    // Prepare
    const server = need(ctx);
    const own = await userVpc(server, 'ap-northeast-1', '10.20.0.0/16', 'web-1', server.clientConfig.credentials);
    const settings = {
      AWS_REGION: 'ap-northeast-1',
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      FLOWLOG_ACCOUNT: OWN_ACCOUNT,
      FLOWLOG_SOURCES: '',
    };
    const handler = createInterfacesHandler({ directory: ec2InterfaceDirectory(settings) });

    // Act: the event the report function sends, with an interface deleted since and an address outside the VPC.
    const answer = await handler({ interfaceIds: [own.eni, 'eni-00000000000000000'], privateAddresses: [own.natAddress, '192.168.100.7'] }, context);

    // Assess
    const byId = new Map(answer.interfaces.map((f) => [f.interfaceId, f]));
    expect([...byId.keys()].sort()).toEqual([own.eni, own.natEni].sort());
    expect(byId.get(own.eni)).toMatchObject({
      instanceId: own.instanceId,
      name: 'web-1',
      securityGroups: [{ id: own.groupId, name: 'web-servers' }],
      subnetId: own.subnetId,
      vpcId: own.vpcId,
      account: OWN_ACCOUNT,
      region: 'ap-northeast-1',
    });
    expect(byId.get(own.eni)!.privateAddresses).toContain('10.20.1.10');
    expect(byId.get(own.natEni)).toMatchObject({ description: 'Interface for NAT Gateway nat-0a1b2c3d4e5f60718', subnetId: own.subnetId, vpcId: own.vpcId });
    expect(byId.get(own.natEni)!.instanceId).toBeUndefined();
    expect(placeText(byId.get(own.eni)!)).toBe(`${own.instanceId} web-1, ${own.groupId} web-servers, ${own.subnetId}, ${own.vpcId}`);
    expect(placeText(byId.get(own.natEni)!)).toContain('Interface for NAT Gateway nat-0a1b2c3d4e5f60718');
    expect(answer.warnings).toEqual([]);
  }, 120_000);

  it("when the flow logs come from two accounts and regions, the other account is asked through the role assumed there, and both accounts' interfaces are placed with their instances' names", async (ctx) => {
    // Prepare: the other account's VPC, made with that account's credentials (moto issues them through AssumeRole).
    const server = need(ctx);
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/${ROLE}`;
    const sts = new QueryApi({
      service: 'sts',
      region: 'ap-northeast-1',
      version: STS_API_VERSION,
      credentials: fixed(server.clientConfig.credentials),
      endpoint: server.endpoint,
    });
    const otherCredentials = await assumeRole(sts, roleArn);
    expect(otherCredentials.sessionToken).toBeTruthy();
    const other = await userVpc(server, 'us-east-1', '10.40.0.0/16', 'billing-1', otherCredentials);
    const own = await userVpc(server, 'ap-northeast-1', '10.30.0.0/16', 'api-1', server.clientConfig.credentials);
    const config = loadInterfacesConfig({
      AWS_REGION: 'ap-northeast-1',
      AWS_ENDPOINT_URL: server.endpoint,
      FLOWLOG_ACCOUNT: OWN_ACCOUNT,
      FLOWLOG_SOURCES: `${OWN_ACCOUNT}:ap-northeast-1,${OTHER_ACCOUNT}:us-east-1`,
      FLOWLOG_INTERFACES_ROLE: ROLE,
    });
    const handler = createInterfacesHandler({ directory: directoryFor(config, fixed(server.clientConfig.credentials)) });

    // Act
    const answer = await handler({ interfaceIds: [own.eni, other.eni], privateAddresses: [] }, context);

    // Assess: the other account's interface is found only there (its own credentials see only its VPC).
    const byId = new Map(answer.interfaces.map((f) => [f.interfaceId, f]));
    expect(byId.get(own.eni)).toMatchObject({ instanceId: own.instanceId, name: 'api-1', vpcId: own.vpcId, account: OWN_ACCOUNT, region: 'ap-northeast-1' });
    expect(byId.get(other.eni)).toMatchObject({ instanceId: other.instanceId, name: 'billing-1', vpcId: other.vpcId, account: OTHER_ACCOUNT, region: 'us-east-1' });
    expect(answer.warnings).toEqual([]);
  }, 180_000);

  it("when another source account is listed but no role is configured, its interfaces are not looked up and the answer's warning names it; the own account is still placed", async (ctx) => {
    // Prepare
    const server = need(ctx);
    const own = await userVpc(server, 'ap-northeast-1', '10.50.0.0/16', 'mail-1', server.clientConfig.credentials);
    const config = loadInterfacesConfig({
      AWS_REGION: 'ap-northeast-1',
      AWS_ENDPOINT_URL: server.endpoint,
      FLOWLOG_ACCOUNT: OWN_ACCOUNT,
      FLOWLOG_SOURCES: `${OWN_ACCOUNT}:ap-northeast-1,${OTHER_ACCOUNT}:us-east-1`,
    });
    const handler = createInterfacesHandler({ directory: directoryFor(config, fixed(server.clientConfig.credentials)) });

    // Act
    const answer = await handler({ interfaceIds: [own.eni], privateAddresses: [] }, context);

    // Assess
    expect(answer.interfaces.map((f) => [f.interfaceId, f.name])).toEqual([[own.eni, 'mail-1']]);
    expect(answer.warnings).toEqual([
      `interfaces in ${OTHER_ACCOUNT} us-east-1 not looked up: no role to assume in that account (stack param interfacesRoleName, README "Where each interface lives")`,
    ]);
  }, 120_000);

  it('when the event names something that is not an interface id, the function refuses it naming the field, before any EC2 call', async () => {
    // Prepare: a directory that fails the test if called.
    const handler = createInterfacesHandler({ directory: { source: 'test', describe: () => Promise.reject(new Error('EC2 must not be called')) } });

    // Act / Assess
    await expect(handler({ interfaceIds: ['i-0abc'], privateAddresses: [] }, context)).rejects.toThrow(/interfaceIds\[0\]: must be an interface id/);
    await expect(handler({ interfaceIds: [], privateAddresses: ['8.8.8.8'] }, context)).rejects.toThrow(/privateAddresses\[0\]: must be a private/);
  });
});
