/**
 * The sample's interfaces as `aws ec2 describe-network-interfaces --output json` would print them
 * for its world: each host's interface with its instance, security group, subnet and VPC, and one
 * NAT gateway interface per VPC (no instance); and its instances as `aws ec2 describe-instances
 * --output json` would, each with its Name tag (the interfaces carry none, as when a launch
 * template tags only the instance). `report --interfaces FILE --interfaces FILE` reads both.
 */
import type { ResolvedSampleOptions } from './options.js';
import { rngFor } from './prng.js';
import { buildWorld, type HostRole, type SourceWorld } from './world.js';

/** Written next to `AWSLogs/` and the manifest. */
export const INTERFACES_FILE = 'interfaces.json';
/** The instances' answer, beside it. */
export const INSTANCES_FILE = 'instances.json';

const ROLES: readonly HostRole[] = ['web', 'app', 'db'];

/** The document for every source of the sample (the worlds are rebuilt from the seed, as the files were). */
export function sampleInterfaces(options: Pick<ResolvedSampleOptions, 'seed' | 'sources' | 'recordsPerDay'>): { NetworkInterfaces: object[] } {
  return { NetworkInterfaces: options.sources.flatMap((source, i) => worldInterfaces(options.seed, buildWorld(options.seed, source, i, options.recordsPerDay))) };
}

/** The instances' document: one reservation per source, each host's instance with its Name tag (`web-1`, `db-2`, ...). */
export function sampleInstances(options: Pick<ResolvedSampleOptions, 'seed' | 'sources' | 'recordsPerDay'>): { Reservations: object[] } {
  return {
    Reservations: options.sources.map((source, i) => {
      const world = buildWorld(options.seed, source, i, options.recordsPerDay);
      return {
        OwnerId: world.account,
        ReservationId: `r-${rngFor(options.seed, 'reservations', world.account, world.region).hex(17)}`,
        Instances: hostNames(world).map(({ host, name }) => ({
          InstanceId: host.instanceId,
          PrivateIpAddress: host.ip,
          SubnetId: host.subnetId,
          VpcId: world.vpcId,
          State: { Code: 16, Name: 'running' },
          Tags: [{ Key: 'Name', Value: name }],
        })),
      };
    }),
  };
}

function hostNames(world: SourceWorld): { host: SourceWorld['hosts'][number]; name: string }[] {
  const numbers = new Map<HostRole, number>();
  return world.hosts.map((host) => {
    const n = (numbers.get(host.role) ?? 0) + 1;
    numbers.set(host.role, n);
    return { host, name: `${host.role}-${n}` };
  });
}

function worldInterfaces(seed: string, world: SourceWorld): object[] {
  const rng = rngFor(seed, 'interfaces', world.account, world.region);
  const groups = new Map(ROLES.map((role) => [role, { GroupId: `sg-${rng.hex(17)}`, GroupName: `${role}-servers` }]));
  const hosts = hostNames(world).map(({ host }) => {
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
      TagSet: [],
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
