/**
 * Where each interface lives: which interface ids and private addresses a report's findings and
 * digests name, what EC2 says about them, and how a place reads in a report. Pure: the lookup
 * itself is an InterfaceDirectory (EC2 on AWS, a saved file locally).
 */
import { ConfigError, ValidationError } from '../errors.js';
import type { InterfaceLookup, InterfaceQuery, Row } from '../ports.js';
import { cidrContains, parseCidr } from './cidr.js';
import type { Digest, Finding, InterfaceFacts, InterfacePlace, Report, Series, SuppressedMatch } from './model.js';

/** Result columns that hold an interface id (the saved queries' names). */
export const INTERFACE_COLUMNS: readonly string[] = ['interfaceid'];
/** Result columns that hold an address; only private ones are looked up. */
export const ADDRESS_COLUMNS: readonly string[] = ['sourceaddress', 'destinationaddress'];

const ENI = /^eni-[0-9a-f]{8,17}$/;
const INSTANCE = /^i-[0-9a-f]{8,17}$/;

/**
 * The ranges an interface's private address can be in: RFC 1918, the shared range 100.64.0.0/10
 * that VPCs may use, and IPv6 unique local addresses. (An interface's IPv6 global addresses are
 * not private; flow logs name them like public ones.)
 */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map((c) => parseCidr(c));

export function isPrivateAddress(value: string): boolean {
  return PRIVATE_RANGES.some((range) => cidrContains(range, value));
}

/** The interface ids and private addresses in some rows, each once, sorted. */
export function namesInRows(rows: readonly Row[]): InterfaceQuery {
  const ids = new Set<string>();
  const addresses = new Set<string>();
  for (const row of rows) {
    for (const column of INTERFACE_COLUMNS) {
      const value = row[column];
      if (typeof value === 'string' && ENI.test(value)) ids.add(value);
    }
    for (const column of ADDRESS_COLUMNS) {
      const value = row[column];
      if (typeof value === 'string' && isPrivateAddress(value)) addresses.add(value);
    }
  }
  return { interfaceIds: [...ids].sort(), privateAddresses: [...addresses].sort() };
}

/**
 * Every interface id and private address the report shows: in its findings and digests, the rows
 * suppressions silenced (listed apart, and a reader asks which machine those were too) and the
 * chart series (the host-egress chart's private hosts).
 */
export function interfaceQuery(report: Report): InterfaceQuery {
  return namesInRows([...report.findings, ...report.digests, ...(report.suppressed ?? []), ...(report.series ?? [])].flatMap((item) => item.rows));
}

export function queryIsEmpty(query: InterfaceQuery): boolean {
  return query.interfaceIds.length === 0 && query.privateAddresses.length === 0;
}

/**
 * The report with each finding, digest, suppressed match and chart series carrying the places of the
 * names its rows show, a summary of the lookup (names asked, found, not found), and the lookup's
 * warnings (a part of it that failed). Rows stay as the engine returned them.
 */
export function placeReport(report: Report, facts: readonly InterfaceFacts[], source: string, warnings: readonly string[] = []): Report {
  const byId = new Map<string, InterfaceFacts>();
  // A private address can be in use in two accounts' VPCs at once: each is a place of its own.
  const byAddress = new Map<string, InterfaceFacts[]>();
  for (const f of facts) {
    byId.set(f.interfaceId, f);
    for (const address of f.privateAddresses) byAddress.set(address, [...(byAddress.get(address) ?? []).filter((o) => o.interfaceId !== f.interfaceId), f]);
  }
  const placesOf = (rows: readonly Row[]): InterfacePlace[] => {
    const names = namesInRows(rows);
    return [
      ...names.interfaceIds.flatMap((id) => (byId.has(id) ? [{ key: id, ...(byId.get(id) as InterfaceFacts) }] : [])),
      ...names.privateAddresses.flatMap((address) => (byAddress.get(address) ?? []).map((f) => ({ key: address, ...f }))),
    ];
  };
  const withPlaces = <T extends Finding | Digest | SuppressedMatch | Series>(item: T): T => {
    const places = placesOf(item.rows);
    return places.length === 0 ? item : { ...item, places };
  };
  const query = interfaceQuery(report);
  const notFound = [...query.interfaceIds.filter((id) => !byId.has(id)), ...query.privateAddresses.filter((a) => !byAddress.has(a))];
  const asked = query.interfaceIds.length + query.privateAddresses.length;
  return {
    ...report,
    findings: report.findings.map(withPlaces),
    digests: report.digests.map(withPlaces),
    ...(report.suppressed === undefined ? {} : { suppressed: report.suppressed.map(withPlaces) }),
    ...(report.series === undefined ? {} : { series: report.series.map(withPlaces) }),
    interfaces: { source, asked, found: asked - notFound.length, notFound },
    warnings: [...report.warnings, ...warnings],
  };
}

/** The report when the lookup failed: every name stays a bare id, and a warning says why. */
export function unplacedReport(report: Report, source: string, error: string): Report {
  const query = interfaceQuery(report);
  const asked = query.interfaceIds.length + query.privateAddresses.length;
  return {
    ...report,
    interfaces: { source, asked, found: 0, notFound: [], error },
    warnings: [...report.warnings, `where the interfaces live is not shown: ${source} failed (${error}); findings name interfaces by id only`],
  };
}

/** The places among `places` whose names some of `rows` still show (after rows were cut to fit a message). */
export function placesShownBy(places: readonly InterfacePlace[] | undefined, rows: readonly Row[]): InterfacePlace[] | undefined {
  if (places === undefined) return undefined;
  const names = namesInRows(rows);
  const shown = new Set([...names.interfaceIds, ...names.privateAddresses]);
  const kept = places.filter((p) => shown.has(p.key));
  return kept.length === 0 ? undefined : kept;
}

/**
 * Where an interface lives, in one line: `i-0abc web-1, sg-1 web, subnet-..., vpc-...`; an
 * interface without an instance says what it is instead (`nat_gateway: Interface for NAT Gateway nat-...`).
 */
export function placeText(place: InterfaceFacts): string {
  const owner =
    place.instanceId !== undefined
      ? [place.instanceId, place.name].filter((p) => p !== undefined && p !== '').join(' ')
      : [place.name, ownerText(place)].filter((p) => p !== undefined && p !== '').join(' ');
  const groups = place.securityGroups.map((g) => (g.name === '' ? g.id : `${g.id} ${g.name}`));
  return [owner, ...groups, place.subnetId, place.vpcId].filter((p): p is string => p !== undefined && p !== '').join(', ');
}

function ownerText(place: InterfaceFacts): string {
  const kind = place.interfaceType !== undefined && place.interfaceType !== 'interface' ? place.interfaceType : undefined;
  const made = place.description !== undefined && place.description !== '' ? place.description : place.requesterId !== undefined ? `requested by ${place.requesterId}` : undefined;
  return [kind, made].filter((p) => p !== undefined).join(': ');
}

/** `eni-0a1b... (i-0abc web-1, sg-1 web, subnet-..., vpc-...)`; an address also names its interface. */
export function placeLine(place: InterfacePlace): string {
  const subject = place.key === place.interfaceId ? place.key : `${place.key} on ${place.interfaceId}`;
  return `${subject} (${placeText(place)})`;
}

/**
 * Where an interface lives in a few words, for a chart label or a chat line: its Name tag and
 * instance id (`web-1 i-0abc...`); an interface without an instance its Name or what it is
 * (`nat_gateway`), else its id. The full place (placeText) goes in the tooltip or the table.
 */
export function placeLabel(place: InterfaceFacts): string {
  const kind = place.interfaceType !== undefined && place.interfaceType !== 'interface' ? place.interfaceType : undefined;
  const owner = [place.name, place.instanceId ?? kind].filter((p): p is string => p !== undefined && p !== '');
  return owner.length === 0 ? place.interfaceId : owner.join(' ');
}

/** The place of one value a row shows (an interface id or a private address), when it is among `places`. */
export function placeOf(places: readonly InterfacePlace[] | undefined, key: string): InterfacePlace | undefined {
  return places?.find((p) => p.key === key);
}

/** "3 of 4 interfaces and addresses placed from EC2 ...; not found: 10.0.9.9": empty when nothing was asked. */
export function lookupText(report: Report): string {
  const summary = report.interfaces;
  if (summary === undefined || summary.asked === 0) return '';
  if (summary.error !== undefined) return `Interfaces: not placed (${summary.source} failed; see Warnings)`;
  const missing =
    summary.notFound.length === 0
      ? ''
      : `; not found (deleted since, or in another account or region): ${summary.notFound.slice(0, 10).join(', ')}${summary.notFound.length > 10 ? `, +${summary.notFound.length - 10} more` : ''}`;
  return `Interfaces: ${summary.found} of ${summary.asked} interfaces and private addresses placed from ${summary.source}${missing}`;
}

/**
 * One network interface as EC2 describes it (DescribeNetworkInterfaces, and the JSON the AWS CLI
 * prints for it: the same PascalCase keys). Only the fields this tool reads.
 */
export interface Ec2NetworkInterface {
  readonly NetworkInterfaceId?: string;
  readonly PrivateIpAddress?: string;
  readonly PrivateIpAddresses?: readonly { readonly PrivateIpAddress?: string }[];
  readonly Ipv6Addresses?: readonly { readonly Ipv6Address?: string }[];
  readonly Attachment?: { readonly InstanceId?: string };
  readonly Groups?: readonly { readonly GroupId?: string; readonly GroupName?: string }[];
  readonly SubnetId?: string;
  readonly VpcId?: string;
  readonly InterfaceType?: string;
  readonly Description?: string;
  readonly RequesterId?: string;
  /** The account that owns the interface. */
  readonly OwnerId?: string;
  readonly TagSet?: readonly { readonly Key?: string; readonly Value?: string }[];
}

/**
 * One instance as EC2 DescribeInstances describes it (and `aws ec2 describe-instances --output
 * json` prints it, under `Reservations[].Instances[]`). Only what this tool reads: its Name tag.
 */
export interface Ec2Instance {
  readonly InstanceId?: string;
  readonly Tags?: readonly { readonly Key?: string; readonly Value?: string }[];
}

/** Each instance's Name tag, by instance id (instances without one are left out). */
export function instanceNames(instances: readonly Ec2Instance[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const instance of instances) {
    const name = instance.Tags?.find((t) => t.Key === 'Name')?.Value;
    if (instance.InstanceId !== undefined && name !== undefined && name !== '') names.set(instance.InstanceId, name);
  }
  return names;
}

/**
 * The facts with each instance's Name tag as their name: what people call the machine. An
 * interface whose instance has no Name tag (or that has no instance) keeps its own Name tag.
 */
export function withInstanceNames(facts: readonly InterfaceFacts[], names: ReadonlyMap<string, string>): InterfaceFacts[] {
  return facts.map((f) => {
    const name = f.instanceId === undefined ? undefined : names.get(f.instanceId);
    return name === undefined ? f : { ...f, name };
  });
}

/** The instance ids of some interfaces, each once, sorted. */
export function instanceIdsOf(facts: readonly InterfaceFacts[]): string[] {
  return [...new Set(facts.flatMap((f) => (f.instanceId === undefined ? [] : [f.instanceId])))].sort();
}

/** What the report keeps of an EC2 network interface; undefined without an interface id. */
export function interfaceFacts(ni: Ec2NetworkInterface): InterfaceFacts | undefined {
  if (ni.NetworkInterfaceId === undefined) return undefined;
  const addresses = new Set<string>();
  if (ni.PrivateIpAddress !== undefined) addresses.add(ni.PrivateIpAddress);
  for (const a of ni.PrivateIpAddresses ?? []) if (a.PrivateIpAddress !== undefined) addresses.add(a.PrivateIpAddress);
  for (const a of ni.Ipv6Addresses ?? []) if (a.Ipv6Address !== undefined) addresses.add(a.Ipv6Address);
  const name = ni.TagSet?.find((t) => t.Key === 'Name')?.Value;
  const text = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
  return {
    interfaceId: ni.NetworkInterfaceId,
    privateAddresses: [...addresses],
    ...(text(ni.Attachment?.InstanceId) === undefined ? {} : { instanceId: ni.Attachment?.InstanceId as string }),
    ...(text(name) === undefined ? {} : { name: name as string }),
    securityGroups: (ni.Groups ?? []).filter((g) => g.GroupId !== undefined).map((g) => ({ id: g.GroupId as string, name: g.GroupName ?? '' })),
    ...(text(ni.SubnetId) === undefined ? {} : { subnetId: ni.SubnetId as string }),
    ...(text(ni.VpcId) === undefined ? {} : { vpcId: ni.VpcId as string }),
    ...(text(ni.InterfaceType) === undefined ? {} : { interfaceType: ni.InterfaceType as string }),
    ...(text(ni.Description) === undefined ? {} : { description: ni.Description as string }),
    ...(text(ni.RequesterId) === undefined ? {} : { requesterId: ni.RequesterId as string }),
    ...(text(ni.OwnerId) === undefined ? {} : { account: ni.OwnerId as string }),
  };
}

const STRING_FIELDS = ['NetworkInterfaceId', 'PrivateIpAddress', 'SubnetId', 'VpcId', 'InterfaceType', 'Description', 'RequesterId', 'OwnerId'] as const;

/** The interfaces of a saved EC2 file (parseEc2Document), without instance names applied. */
export function parseInterfacesDocument(text: string, source: string): readonly InterfaceFacts[] {
  return parseEc2Document(text, source).interfaces;
}

/** What one saved EC2 file holds: interfaces, instances, or both (two answers merged into one object). */
export interface Ec2Document {
  readonly interfaces: readonly InterfaceFacts[];
  readonly instances: readonly Ec2Instance[];
}

const SAVE_HINT =
  'expected {"NetworkInterfaces": [...]} as aws ec2 describe-network-interfaces --output json prints it, or {"Reservations": [...]} as aws ec2 describe-instances --output json prints it';

/**
 * Reads what `aws ec2 describe-network-interfaces --output json` or `aws ec2 describe-instances
 * --output json` printed (`{"NetworkInterfaces": [...]}`, the list alone, `{"Reservations":
 * [...]}`, or one object with both keys). Every bad entry is named in one ConfigError (its index
 * and id), so a file is fixed in one pass and none of it is used half-way.
 */
export function parseEc2Document(text: string, source: string): Ec2Document {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([
      `${source}: not valid JSON (save it with aws ec2 describe-network-interfaces --output json or aws ec2 describe-instances --output json): ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  const list = Array.isArray(document) ? document : isObject(document) && 'NetworkInterfaces' in document ? document.NetworkInterfaces : undefined;
  const reservations = isObject(document) && 'Reservations' in document ? document.Reservations : undefined;
  if (list === undefined && reservations === undefined) throw new ConfigError([`${source}: ${SAVE_HINT}`]);
  const problems: string[] = [];
  if (list !== undefined && !Array.isArray(list)) problems.push(`${source}: NetworkInterfaces must be a list`);
  if (reservations !== undefined && !Array.isArray(reservations)) problems.push(`${source}: Reservations must be a list`);
  const facts: InterfaceFacts[] = [];
  const seen = new Map<string, number>();
  (Array.isArray(list) ? list : []).forEach((raw: unknown, i) => {
    const id = isObject(raw) && typeof raw.NetworkInterfaceId === 'string' ? ` (${raw.NetworkInterfaceId})` : '';
    const where = `${source}: NetworkInterfaces[${i}]${id}`;
    const before = problems.length;
    const bad = (message: string) => problems.push(`${where}: ${message}`);
    if (!isObject(raw)) return void bad('must be an object as EC2 describes a network interface');
    for (const field of STRING_FIELDS) if (raw[field] !== undefined && typeof raw[field] !== 'string') bad(`${field} must be a string, got ${JSON.stringify(raw[field])}`);
    if (typeof raw.NetworkInterfaceId !== 'string' || !ENI.test(raw.NetworkInterfaceId))
      bad(`NetworkInterfaceId must be an interface id such as eni-0a1b2c3d4e5f60718, got ${JSON.stringify(raw.NetworkInterfaceId ?? null)}`);
    listOf(raw, 'PrivateIpAddresses', 'PrivateIpAddress', bad);
    listOf(raw, 'Ipv6Addresses', 'Ipv6Address', bad);
    listOf(raw, 'Groups', 'GroupId', bad, ['GroupName']);
    listOf(raw, 'TagSet', 'Key', bad, ['Value']);
    if (raw.Attachment !== undefined && (!isObject(raw.Attachment) || (raw.Attachment.InstanceId !== undefined && typeof raw.Attachment.InstanceId !== 'string')))
      bad('Attachment.InstanceId must be a string');
    if (problems.length > before) return;
    const fact = interfaceFacts(raw as Ec2NetworkInterface) as InterfaceFacts;
    if (seen.has(fact.interfaceId)) return void bad(`the same interface as NetworkInterfaces[${seen.get(fact.interfaceId)}]`);
    seen.set(fact.interfaceId, i);
    facts.push(fact);
  });
  const instances: Ec2Instance[] = [];
  (Array.isArray(reservations) ? reservations : []).forEach((reservation: unknown, i) => {
    if (!isObject(reservation) || !Array.isArray(reservation.Instances)) return void problems.push(`${source}: Reservations[${i}]: must be an object with an Instances list`);
    reservation.Instances.forEach((raw: unknown, j) => {
      const id = isObject(raw) && typeof raw.InstanceId === 'string' ? ` (${raw.InstanceId})` : '';
      const where = `${source}: Reservations[${i}].Instances[${j}]${id}`;
      const before = problems.length;
      const bad = (message: string) => problems.push(`${where}: ${message}`);
      if (!isObject(raw)) return void bad('must be an object as EC2 describes an instance');
      if (typeof raw.InstanceId !== 'string' || !INSTANCE.test(raw.InstanceId))
        bad(`InstanceId must be an instance id such as i-0abc1234567890def, got ${JSON.stringify(raw.InstanceId ?? null)}`);
      listOf(raw, 'Tags', 'Key', bad, ['Value']);
      if (problems.length === before) instances.push(raw as Ec2Instance);
    });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ interfaces: Object.freeze(facts), instances: Object.freeze(instances) });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a list of objects whose `key` (and `optional` keys) are strings; names the first bad item. */
function listOf(raw: Record<string, unknown>, field: string, key: string, bad: (message: string) => void, optional: readonly string[] = []): void {
  const value = raw[field];
  if (value === undefined) return;
  if (!Array.isArray(value)) return void bad(`${field} must be a list`);
  value.forEach((item: unknown, j) => {
    if (!isObject(item) || typeof item[key] !== 'string') return void bad(`${field}[${j}].${key} must be a string`);
    for (const o of optional) if (item[o] !== undefined && typeof item[o] !== 'string') bad(`${field}[${j}].${o} must be a string`);
  });
}

/** Names one interfaces request may carry (the report asks for at most a few hundred). */
export const MAX_QUERY_NAMES = 5_000;

/**
 * The interfaces function's event: `{"interfaceIds": [...], "privateAddresses": [...]}`; throws
 * ValidationError naming the first bad field.
 */
export function parseInterfaceQuery(event: unknown): InterfaceQuery {
  if (!isObject(event)) throw new ValidationError('event', 'must be {"interfaceIds": [...], "privateAddresses": [...]}');
  const names = (key: 'interfaceIds' | 'privateAddresses', valid: (v: string) => boolean, what: string): string[] => {
    const value = event[key] ?? [];
    if (!Array.isArray(value)) throw new ValidationError(key, 'must be a list');
    value.forEach((v: unknown, i) => {
      if (typeof v !== 'string' || !valid(v)) throw new ValidationError(`${key}[${i}]`, `must be ${what}, got ${JSON.stringify(v)}`);
    });
    return value as string[];
  };
  const query = {
    interfaceIds: names('interfaceIds', (v) => ENI.test(v), 'an interface id such as eni-0a1b2c3d4e5f60718'),
    privateAddresses: names('privateAddresses', isPrivateAddress, 'a private IPv4 or IPv6 address'),
  };
  const count = query.interfaceIds.length + query.privateAddresses.length;
  if (count > MAX_QUERY_NAMES) throw new ValidationError('event', `asks for ${count} names; at most ${MAX_QUERY_NAMES} at a time`);
  return query;
}

/**
 * The interfaces function's answer read back by the report: `{"interfaces": [InterfaceFacts...],
 * "warnings": [...]}` (the warnings name the accounts and regions that could not be asked).
 */
export function parseInterfaceAnswer(value: unknown): InterfaceLookup {
  if (!isObject(value) || !Array.isArray(value.interfaces)) throw new ValidationError('answer', 'must be {"interfaces": [...]}');
  const warnings = value.warnings ?? [];
  if (!Array.isArray(warnings) || warnings.some((w) => typeof w !== 'string')) throw new ValidationError('answer.warnings', 'must be a list of strings');
  return { interfaces: parseAnswerFacts(value.interfaces), warnings: warnings as string[] };
}

function parseAnswerFacts(list: readonly unknown[]): InterfaceFacts[] {
  return list.map((raw: unknown, i) => {
    const path = `answer.interfaces[${i}]`;
    if (!isObject(raw)) throw new ValidationError(path, 'must be an object');
    const text = (key: string, required = false): string | undefined => {
      const v = raw[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string') throw new ValidationError(`${path}.${key}`, 'must be a string');
      return v;
    };
    const list = (key: string): unknown[] => {
      if (!Array.isArray(raw[key])) throw new ValidationError(`${path}.${key}`, 'must be a list');
      return raw[key] as unknown[];
    };
    const interfaceId = text('interfaceId', true) as string;
    if (!ENI.test(interfaceId)) throw new ValidationError(`${path}.interfaceId`, 'must be an interface id');
    const optional = (['instanceId', 'name', 'subnetId', 'vpcId', 'interfaceType', 'description', 'requesterId', 'account', 'region'] as const).flatMap((key) => {
      const v = text(key);
      return v === undefined ? [] : [[key, v] as const];
    });
    return {
      interfaceId,
      privateAddresses: list('privateAddresses').map((a, j) => {
        if (typeof a !== 'string') throw new ValidationError(`${path}.privateAddresses[${j}]`, 'must be a string');
        return a;
      }),
      securityGroups: list('securityGroups').map((g, j) => {
        if (!isObject(g) || typeof g.id !== 'string' || typeof g.name !== 'string') throw new ValidationError(`${path}.securityGroups[${j}]`, 'must be {"id", "name"}');
        return { id: g.id, name: g.name };
      }),
      ...Object.fromEntries(optional),
    };
  });
}
