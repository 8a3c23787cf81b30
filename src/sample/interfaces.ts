/**
 * The sample's interfaces as `aws ec2 describe-network-interfaces --output json` would print them
 * for its world: each host's interface with its instance, Name tag, security group, subnet and
 * VPC, and one NAT gateway interface per VPC (no instance). `report --interfaces` reads it.
 */
import type { ResolvedSampleOptions } from './options.js';
import { rngFor } from './prng.js';
import { buildWorld, type HostRole, type SourceWorld } from './world.js';

/** Written next to `AWSLogs/` and the manifest. */
export const INTERFACES_FILE = 'interfaces.json';

const ROLES: readonly HostRole[] = ['web', 'app', 'db'];

/** The document for every source of the sample (the worlds are rebuilt from the seed, as the files were). */
export function sampleInterfaces(options: Pick<ResolvedSampleOptions, 'seed' | 'sources' | 'recordsPerDay'>): { NetworkInterfaces: object[] } {
  return { NetworkInterfaces: options.sources.flatMap((source, i) => worldInterfaces(options.seed, buildWorld(options.seed, source, i, options.recordsPerDay))) };
}

function worldInterfaces(seed: string, world: SourceWorld): object[] {
  const rng = rngFor(seed, 'interfaces', world.account, world.region);
  const groups = new Map(ROLES.map((role) => [role, { GroupId: `sg-${rng.hex(17)}`, GroupName: `${role}-servers` }]));
  const numbers = new Map<HostRole, number>();
  const hosts = world.hosts.map((host) => {
    const n = (numbers.get(host.role) ?? 0) + 1;
    numbers.set(host.role, n);
    return {
      Attachment: { AttachmentId: `eni-attach-${rng.hex(17)}`, DeviceIndex: 0, InstanceId: host.instanceId, InstanceOwnerId: world.account, Status: 'attached' },
      AvailabilityZoneId: host.azId,
      Description: '',
      Groups: [groups.get(host.role)],
      InterfaceType: 'interface',
      NetworkInterfaceId: host.eni,
      OwnerId: world.account,
      PrivateIpAddress: host.ip,
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: host.ip }],
      RequesterManaged: false,
      Status: 'in-use',
      SubnetId: host.subnetId,
      TagSet: [{ Key: 'Name', Value: `${host.role}-${n}` }],
      VpcId: world.vpcId,
    };
  });
  const natAddress = world.resolverIp.replace(/\.2$/, '.5');
  const natId = `nat-${rng.hex(17)}`;
  const nat = {
    Description: `Interface for NAT Gateway ${natId}`,
    Groups: [],
    InterfaceType: 'nat_gateway',
    NetworkInterfaceId: `eni-${rng.hex(17)}`,
    OwnerId: world.account,
    PrivateIpAddress: natAddress,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: natAddress }],
    RequesterId: 'AROAEXAMPLENATGATEWAY:nat-gateway',
    RequesterManaged: true,
    Status: 'in-use',
    SubnetId: world.hosts[0]?.subnetId,
    TagSet: [],
    VpcId: world.vpcId,
  };
  return [...hosts, nat];
}
