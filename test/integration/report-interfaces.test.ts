/**
 * Where each interface lives, end to end on the local engine: DuckDB runs the saved queries on
 * real gzip flow-log files, then `report --interfaces FILE` (a file as `aws ec2
 * describe-network-interfaces --output json` prints it) places the interfaces and private
 * addresses its findings and digests name; without the file the report is as before.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/lib/report/model.js';
import { bufferedIo } from '../support/cli-io.js';
import { flow, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

const DAY = '2026-11-20';
const START = Date.parse(`${DAY}T03:00:00Z`) / 1000;
const WEB_ENI = 'eni-0a1b2c3d4e5f60718';
const DB_ENI = 'eni-0b2c3d4e5f6071829';
const DESCRIBED = {
  NetworkInterfaces: [
    {
      NetworkInterfaceId: WEB_ENI,
      PrivateIpAddress: '10.0.1.10',
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.1.10' }],
      Attachment: { InstanceId: 'i-0abc1234567890def' },
      Groups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: 'web-servers' }],
      SubnetId: 'subnet-0123456789abcdef0',
      VpcId: 'vpc-0123456789abcdef0',
      TagSet: [{ Key: 'Name', Value: 'web-1' }],
      InterfaceType: 'interface',
    },
    {
      NetworkInterfaceId: DB_ENI,
      PrivateIpAddress: '10.0.2.20',
      Attachment: { InstanceId: 'i-0def1234567890abc' },
      Groups: [{ GroupId: 'sg-0fedcba9876543210', GroupName: 'db' }],
      SubnetId: 'subnet-0fedcba9876543210',
      VpcId: 'vpc-0123456789abcdef0',
      TagSet: [{ Key: 'Name', Value: 'db-1' }],
    },
  ],
};

describe('report --interfaces on DuckDB with real flow-log files', () => {
  let dirs: TempDirs;

  beforeEach(async () => {
    dirs = await tempDirs();
    // SSH from the internet accepted by web-1 (admin-port-exposure), and rejects on db-1's interface.
    await writeFlowLogFile({
      dataDir: dirs.dataDir,
      day: DAY,
      records: [
        flow({ 'interface-id': WEB_ENI, srcaddr: '203.0.113.9', dstaddr: '10.0.1.10', srcport: 50123, dstport: 22, start: START, end: START + 60 }),
        ...Array.from({ length: 5 }, (_, i) =>
          flow({ 'interface-id': DB_ENI, srcaddr: '198.51.100.7', dstaddr: '10.0.2.20', dstport: 5432 + i, action: 'REJECT', start: START + 600 * i, end: START + 600 * i + 60 }),
        ),
      ],
    });
    await writeFile(join(dirs.root, 'interfaces.json'), JSON.stringify(DESCRIBED));
  });
  afterEach(async () => {
    await dirs.remove();
  });

  const run = async (extra: readonly string[], format: 'json' | 'text' = 'json') => {
    const io = bufferedIo(dirs.root);
    const code = await main(['report', '--data', 'data', '--state', 'state', '--date', DAY, '--quiet', '--format', format, ...extra], io);
    return { code, io };
  };

  it("when the file is given, the finding shows web-1's instance, Name tag, security group, subnet and VPC, and the digest db-1's", async () => {
    const { code, io } = await run(['--interfaces', 'interfaces.json']);

    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout()) as Report;
    const exposure = report.findings.find((f) => f.rule === 'admin-port-exposure');
    expect(exposure?.places?.map((p) => [p.key, p.instanceId, p.name])).toEqual([
      [WEB_ENI, 'i-0abc1234567890def', 'web-1'],
      ['10.0.1.10', 'i-0abc1234567890def', 'web-1'],
    ]);
    expect(exposure?.places?.[0]).toMatchObject({
      securityGroups: [{ id: 'sg-0123456789abcdef0', name: 'web-servers' }],
      subnetId: 'subnet-0123456789abcdef0',
      vpcId: 'vpc-0123456789abcdef0',
    });
    const byInterface = report.digests.find((d) => d.rule === 'rejected-by-interface');
    expect(byInterface?.places?.map((p) => p.key)).toEqual([DB_ENI]);
    expect(report.interfaces).toMatchObject({ source: 'file interfaces.json', notFound: [] });
    expect(report.interfaces!.found).toBe(report.interfaces!.asked);
  }, 120_000);

  it('when the file is given and the text is printed, the rows are followed by where each interface lives', async () => {
    const { code, io } = await run(['--interfaces', 'interfaces.json'], 'text');

    expect(code).toBe(0);
    expect(io.stdout()).toContain(`  Where:\n    ${WEB_ENI} (i-0abc1234567890def web-1, sg-0123456789abcdef0 web-servers, subnet-0123456789abcdef0, vpc-0123456789abcdef0)`);
    expect(io.stdout()).toContain(`    ${DB_ENI} (i-0def1234567890abc db-1, sg-0fedcba9876543210 db, subnet-0fedcba9876543210, vpc-0123456789abcdef0)`);
  }, 120_000);

  it("when a describe-instances file is given too, each interface is named by its instance's Name tag, and the lookup names both files", async () => {
    await writeFile(
      join(dirs.root, 'instances.json'),
      JSON.stringify({ Reservations: [{ Instances: [{ InstanceId: 'i-0abc1234567890def', Tags: [{ Key: 'Name', Value: 'web-prod-tokyo-1' }] }] }] }),
    );

    const { code, io } = await run(['--interfaces', 'interfaces.json', '--interfaces', 'instances.json'], 'text');

    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    expect(io.stdout()).toContain(`    ${WEB_ENI} (i-0abc1234567890def web-prod-tokyo-1, sg-0123456789abcdef0 web-servers,`);
    // db-1's instance is not in the instances file: its interface keeps its own Name tag.
    expect(io.stdout()).toContain(`    ${DB_ENI} (i-0def1234567890abc db-1,`);
    expect(io.stdout()).toContain('placed from file interfaces.json and file instances.json');
  }, 120_000);

  it('when a bad instances file is given, the command stops before any query, naming the entry', async () => {
    await writeFile(join(dirs.root, 'instances.json'), JSON.stringify({ Reservations: [{ Instances: [{ InstanceId: 42 }] }] }));

    const { code, io } = await run(['--interfaces', 'interfaces.json', '--interfaces', 'instances.json']);

    expect(code).not.toBe(0);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toContain('Reservations[0].Instances[0]: InstanceId must be an instance id such as i-0abc1234567890def, got 42');
  }, 120_000);

  it('when no file is given, the same report names interfaces by id only and says nothing of a lookup', async () => {
    const { code, io } = await run([]);

    expect(code).toBe(0);
    const report = JSON.parse(io.stdout()) as Report;
    expect(report.findings.find((f) => f.rule === 'admin-port-exposure')?.rows[0]).toMatchObject({ interfaceid: WEB_ENI, destinationaddress: '10.0.1.10' });
    expect(report.findings.some((f) => f.places !== undefined) || report.digests.some((d) => d.places !== undefined)).toBe(false);
    expect(report.interfaces).toBeUndefined();
  }, 120_000);

  it('when the file has a bad entry, the command stops before any query, naming the entry', async () => {
    await writeFile(join(dirs.root, 'bad.json'), JSON.stringify({ NetworkInterfaces: [DESCRIBED.NetworkInterfaces[0], { NetworkInterfaceId: 'eni-0c', Groups: 'sg-1' }] }));

    const { code, io } = await run(['--interfaces', 'bad.json']);

    expect(code).not.toBe(0);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toContain('NetworkInterfaces[1] (eni-0c): NetworkInterfaceId must be an interface id');
    expect(io.stderr()).toContain('NetworkInterfaces[1] (eni-0c): Groups must be a list');
  });

  it('when the file does not exist, the command stops naming it', async () => {
    const { code, io } = await run(['--interfaces', 'missing.json']);

    expect(code).not.toBe(0);
    expect(io.stderr()).toMatch(/--interfaces .*missing\.json: no such file/);
  });
});
