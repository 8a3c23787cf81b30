/**
 * The sample's interfaces.json and instances.json: what `aws ec2 describe-network-interfaces
 * --output json` and `aws ec2 describe-instances --output json` would print for its world, so
 * `report --interfaces interfaces.json --interfaces instances.json` can place every interface its
 * flow logs name, each host by its instance's Name tag.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readInterfacesFiles } from '../../src/lib/local/interfaces-file.js';
import { parseEc2Document } from '../../src/lib/report/interfaces.js';
import { INSTANCES_FILE, INTERFACES_FILE } from '../../src/sample/interfaces.js';
import { writeSample } from '../../src/sample/write-sample.js';

describe('sample interfaces file', () => {
  const out = mkdtempSync(join(tmpdir(), 'flowlog-sample-interfaces-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("when a sample of two sources is written, its two files pass the file check and know every interface and host address its logs name, with instance, the instance's Name tag, security group, subnet and VPC", async () => {
    const manifest = await writeSample(
      {
        out,
        endDate: '2026-11-20',
        days: 1,
        recordsPerDay: 2_000,
        sources: [
          { account: '111122223333', region: 'ap-northeast-1' },
          { account: '444455556666', region: 'us-east-1' },
        ],
      },
      new Date('2026-11-21T06:00:00Z'),
    );

    // The interfaces carry no Name tag of their own (as when only the instance is tagged): the names come from instances.json.
    expect(parseEc2Document(readFileSync(join(out, INTERFACES_FILE), 'utf8'), INTERFACES_FILE).interfaces.filter((f) => f.name !== undefined)).toEqual([]);
    const instances = parseEc2Document(readFileSync(join(out, INSTANCES_FILE), 'utf8'), INSTANCES_FILE).instances;
    const directory = await readInterfacesFiles([join(out, INTERFACES_FILE), join(out, INSTANCES_FILE)]);
    const all = await directory.describe({ interfaceIds: [], privateAddresses: [] });
    expect(all.interfaces).toEqual([]);
    const facts = (
      await directory.describe({
        interfaceIds: parseEc2Document(readFileSync(join(out, INTERFACES_FILE), 'utf8'), INTERFACES_FILE).interfaces.map((f) => f.interfaceId),
        privateAddresses: [],
      })
    ).interfaces;
    expect(instances.length).toBe(manifest.sources.reduce((sum, s) => sum + s.interfaces, 0));
    const logged = new Set<string>();
    for (const file of readdirSync(out, { recursive: true }) as string[]) {
      if (!file.endsWith('.log.gz')) continue;
      for (const line of gunzipSync(readFileSync(join(out, file)))
        .toString('utf8')
        .split('\n')
        .slice(1)) {
        const eni = line.split(' ')[2];
        if (eni !== undefined && eni.startsWith('eni-')) logged.add(eni);
      }
    }
    const byId = new Map(facts.map((f) => [f.interfaceId, f]));
    expect(logged.size).toBeGreaterThan(0);
    expect([...logged].filter((id) => !byId.has(id))).toEqual([]);
    const hosts = facts.filter((f) => f.instanceId !== undefined);
    expect(hosts.length).toBe(manifest.sources.reduce((sum, s) => sum + s.interfaces, 0));
    expect(hosts.every((h) => /^(web|app|db)-\d+$/.test(h.name ?? '') && h.securityGroups.length === 1 && h.subnetId !== undefined && h.vpcId !== undefined)).toBe(true);
    // One NAT gateway per VPC, an interface without an instance that says what it is.
    expect(facts.filter((f) => f.interfaceType === 'nat_gateway').map((f) => f.description?.startsWith('Interface for NAT Gateway nat-'))).toEqual([true, true]);
  }, 120_000);
});
