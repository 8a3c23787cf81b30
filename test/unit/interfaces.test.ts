/**
 * Where each interface lives, as pure decisions: which names a report asks about, how a saved
 * describe-network-interfaces file is checked, and how every rendering shows the places.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/lib/errors.js';
import {
  instanceNames,
  interfaceQuery,
  parseEc2Document,
  parseInterfacesDocument,
  placeLabel,
  placeLine,
  placeReport,
  placeText,
  withInstanceNames,
} from '../../src/lib/report/interfaces.js';
import type { InterfaceFacts } from '../../src/lib/report/model.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { renderChatNotification } from '../../src/lib/render/render-chat.js';
import { renderHtml } from '../../src/lib/render/render-html.js';
import { renderJson } from '../../src/lib/render/render-json.js';
import { renderSlackBlocks } from '../../src/lib/render/render-slack.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { buildSnsMessage, shrinkReport } from '../../src/lib/render/sns-message.js';
import { reportArtifacts, reportFileJson } from '../../src/lib/render/artifacts.js';
import { digest, finding, richReport } from '../support/report-fixture.js';

const WEB: InterfaceFacts = {
  interfaceId: 'eni-0a1b2c3d4e5f60718',
  privateAddresses: ['10.0.0.1'],
  instanceId: 'i-0abc1234567890def',
  name: 'web-1',
  securityGroups: [{ id: 'sg-0123456789abcdef0', name: 'web' }],
  subnetId: 'subnet-0aa',
  vpcId: 'vpc-0bb',
};
const NAT: InterfaceFacts = {
  interfaceId: 'eni-0ffffffffffffffff',
  privateAddresses: ['10.1.0.3'],
  securityGroups: [],
  subnetId: 'subnet-0aa',
  vpcId: 'vpc-0bb',
  interfaceType: 'nat_gateway',
  description: 'Interface for NAT Gateway nat-0123',
};

/** A report naming WEB's interface (a digest), WEB's address (a finding's destination) and NAT's address (a top talker). */
function placedReport() {
  const report = richReport({
    findings: [
      finding({
        rule: 'admin-port-exposure',
        rows: [{ sourceaddress: '203.0.113.9', destinationaddress: '10.0.0.1', destinationport: 22, interfaceid: 'eni-0a1b2c3d4e5f60718' }],
        count: 1,
      }),
    ],
    digests: [
      digest({
        rule: 'top-talkers',
        rows: [
          { sourceaddress: '10.1.0.3', destinationaddress: '8.8.8.8', bytes: 5 },
          { sourceaddress: '10.9.9.9', destinationaddress: '1.1.1.1', bytes: 4 },
        ],
      }),
    ],
  });
  return placeReport(report, [WEB, NAT], 'file interfaces.json');
}

/** A report whose one finding names 10.0.0.1 as its destination. */
function richReportWith10001() {
  return richReport({
    findings: [
      finding({
        rule: 'admin-port-exposure',
        rows: [{ sourceaddress: '203.0.113.9', destinationaddress: '10.0.0.1', destinationport: 22, interfaceid: 'eni-0dddddddddddddddd' }],
        count: 1,
      }),
    ],
    digests: [],
  });
}

describe('which names a report asks about', () => {
  it('when findings and digests name interfaces and addresses, only interface ids and private addresses are asked, each once', () => {
    const query = interfaceQuery(placedReport());
    expect(query).toEqual({ interfaceIds: ['eni-0a1b2c3d4e5f60718'], privateAddresses: ['10.0.0.1', '10.1.0.3', '10.9.9.9'] });
  });
});

describe('placing a report', () => {
  it('when the directory knows some names, each finding and digest carries the places of its rows and the rest are counted as not found', () => {
    const report = placedReport();
    expect(report.findings[0]!.places!.map((p) => p.key)).toEqual(['eni-0a1b2c3d4e5f60718', '10.0.0.1']);
    expect(report.digests[0]!.places!.map((p) => [p.key, p.interfaceId])).toEqual([['10.1.0.3', 'eni-0ffffffffffffffff']]);
    expect(report.interfaces).toEqual({ source: 'file interfaces.json', asked: 4, found: 3, notFound: ['10.9.9.9'] });
    // The rows stay as the engine returned them.
    expect(report.findings[0]!.rows).toEqual([{ sourceaddress: '203.0.113.9', destinationaddress: '10.0.0.1', destinationport: 22, interfaceid: 'eni-0a1b2c3d4e5f60718' }]);
  });

  it('when an interface has an instance, its line names the instance and Name tag; without one, what EC2 says made it', () => {
    expect(placeLine({ key: WEB.interfaceId, ...WEB })).toBe('eni-0a1b2c3d4e5f60718 (i-0abc1234567890def web-1, sg-0123456789abcdef0 web, subnet-0aa, vpc-0bb)');
    expect(placeLine({ key: '10.1.0.3', ...NAT })).toBe('10.1.0.3 on eni-0ffffffffffffffff (nat_gateway: Interface for NAT Gateway nat-0123, subnet-0aa, vpc-0bb)');
    expect(placeText({ interfaceId: 'eni-0aaaaaaaaaaaaaaaa', privateAddresses: [], securityGroups: [], interfaceType: 'lambda', requesterId: '123456789012' })).toBe(
      'lambda: requested by 123456789012',
    );
  });
});

describe('a saved describe-network-interfaces file', () => {
  const good = {
    NetworkInterfaceId: 'eni-0a1b2c3d4e5f60718',
    PrivateIpAddress: '10.0.0.1',
    PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.1' }, { PrivateIpAddress: '10.0.0.2' }],
    Attachment: { InstanceId: 'i-0abc' },
    Groups: [{ GroupId: 'sg-1', GroupName: 'web' }],
    SubnetId: 'subnet-1',
    VpcId: 'vpc-1',
    TagSet: [{ Key: 'Name', Value: 'web-1' }],
    InterfaceType: 'interface',
  };

  it('when it is what the AWS CLI prints, every interface is read with all its private addresses', () => {
    const facts = parseInterfacesDocument(JSON.stringify({ NetworkInterfaces: [good] }), 'interfaces.json');
    expect(facts).toEqual([
      {
        interfaceId: 'eni-0a1b2c3d4e5f60718',
        privateAddresses: ['10.0.0.1', '10.0.0.2'],
        instanceId: 'i-0abc',
        name: 'web-1',
        securityGroups: [{ id: 'sg-1', name: 'web' }],
        subnetId: 'subnet-1',
        vpcId: 'vpc-1',
        interfaceType: 'interface',
      },
    ]);
  });

  it('when entries are bad, one error names each of them by index and id, and nothing is used', () => {
    const text = JSON.stringify({
      NetworkInterfaces: [good, { NetworkInterfaceId: 'i-0abc' }, { ...good, NetworkInterfaceId: 'eni-0000000000000000b', Groups: [{ GroupName: 'x' }], SubnetId: 7 }, good],
    });
    let error: unknown;
    try {
      parseInterfacesDocument(text, 'interfaces.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'interfaces.json: NetworkInterfaces[1] (i-0abc): NetworkInterfaceId must be an interface id such as eni-0a1b2c3d4e5f60718, got "i-0abc"',
      'interfaces.json: NetworkInterfaces[2] (eni-0000000000000000b): SubnetId must be a string, got 7',
      'interfaces.json: NetworkInterfaces[2] (eni-0000000000000000b): Groups[0].GroupId must be a string',
      'interfaces.json: NetworkInterfaces[3] (eni-0a1b2c3d4e5f60718): the same interface as NetworkInterfaces[0]',
    ]);
  });

  it('when it is not JSON or holds neither interfaces nor instances, the error says how to save one', () => {
    expect(() => parseInterfacesDocument('NetworkInterfaces:', 'x.json')).toThrow(
      /x\.json: not valid JSON \(save it with aws ec2 describe-network-interfaces --output json or aws ec2 describe-instances --output json\)/,
    );
    expect(() => parseInterfacesDocument('{"Items": []}', 'x.json')).toThrow(
      /expected \{"NetworkInterfaces": \[\.\.\.\]\} as aws ec2 describe-network-interfaces --output json prints it, or \{"Reservations": \[\.\.\.\]\} as aws ec2 describe-instances --output json prints it/,
    );
  });
});

describe("a saved describe-instances file (the instances' Name tags)", () => {
  const reservations = {
    Reservations: [
      {
        Instances: [
          {
            InstanceId: 'i-0abc1234567890def',
            Tags: [
              { Key: 'team', Value: 'web' },
              { Key: 'Name', Value: 'web-prod-1' },
            ],
          },
          { InstanceId: 'i-0fff1234567890def' },
        ],
      },
    ],
  };

  it("when it is what the AWS CLI prints, each instance's Name tag names its interfaces; an instance without one leaves its interface's own", () => {
    const document = parseEc2Document(JSON.stringify(reservations), 'instances.json');
    expect(document.interfaces).toEqual([]);
    const names = instanceNames(document.instances);
    expect([...names]).toEqual([['i-0abc1234567890def', 'web-prod-1']]);
    const facts = [{ ...WEB, name: 'eni-tag' }, { ...WEB, interfaceId: 'eni-0bbbbbbbbbbbbbbbb', instanceId: 'i-0fff1234567890def', name: 'eni-tag-2' }, NAT];
    expect(withInstanceNames(facts, names).map((f) => f.name)).toEqual(['web-prod-1', 'eni-tag-2', NAT.name]);
  });

  it('when one file holds both answers merged, both are read', () => {
    const both = parseEc2Document(
      JSON.stringify({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60718', Attachment: { InstanceId: 'i-0abc1234567890def' } }], ...reservations }),
      'ec2.json',
    );
    expect([both.interfaces.length, both.instances.length]).toEqual([1, 2]);
  });

  it('when instances are bad, one error names each by reservation, index and id', () => {
    const text = JSON.stringify({ Reservations: [{ Instances: [{ InstanceId: 'eni-0abc' }, { InstanceId: 'i-0abc1234567890def', Tags: [{ Value: 'x' }] }] }, { Groups: [] }] });
    expect(() => parseEc2Document(text, 'instances.json')).toThrow(ConfigError);
    try {
      parseEc2Document(text, 'instances.json');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'instances.json: Reservations[0].Instances[0] (eni-0abc): InstanceId must be an instance id such as i-0abc1234567890def, got "eni-0abc"',
        'instances.json: Reservations[0].Instances[1] (i-0abc1234567890def): Tags[0].Key must be a string',
        'instances.json: Reservations[1]: must be an object with an Instances list',
      ]);
    }
  });
});

describe('the same private address in two accounts', () => {
  it("when two accounts' interfaces hold the address a row names, both are places of it, each with its account", () => {
    const report = richReportWith10001();
    const placed = placeReport(
      report,
      [
        { ...WEB, privateAddresses: ['10.0.0.1'], account: '111122223333' },
        { ...NAT, interfaceId: 'eni-0cccccccccccccccc', privateAddresses: ['10.0.0.1'], account: '444455556666' },
      ],
      'EC2 DescribeNetworkInterfaces',
      ['interfaces in 777788889999 eu-west-1 not placed: x'],
    );
    expect(placed.findings[0]!.places!.filter((p) => p.key === '10.0.0.1').map((p) => [p.interfaceId, p.account])).toEqual([
      ['eni-0a1b2c3d4e5f60718', '111122223333'],
      ['eni-0cccccccccccccccc', '444455556666'],
    ]);
    expect(placed.warnings.at(-1)).toBe('interfaces in 777788889999 eu-west-1 not placed: x');
  });
});

describe('every rendering shows where the interfaces live', () => {
  const line = 'eni-0a1b2c3d4e5f60718 (i-0abc1234567890def web-1, sg-0123456789abcdef0 web, subnet-0aa, vpc-0bb)';

  it('when the text is rendered, each finding and digest lists its places under its rows, and the headline counts them', () => {
    const text = renderText(placedReport());
    expect(text).toContain(`  Where:\n    ${line}\n    10.0.0.1 on eni-0a1b2c3d4e5f60718 (i-0abc1234567890def web-1`);
    expect(text).toContain('    10.1.0.3 on eni-0ffffffffffffffff (nat_gateway: Interface for NAT Gateway nat-0123, subnet-0aa, vpc-0bb)');
    expect(text).toContain(
      'Interfaces: 3 of 4 interfaces and private addresses placed from file interfaces.json; not found (deleted since, or in another account or region): 10.9.9.9',
    );
  });

  it('when the JSON is rendered, places and the lookup summary are added fields (schemaVersion stays 1) and read back unchanged by the Slack forwarder', () => {
    const report = placedReport();
    const json = JSON.parse(reportFileJson(report)) as { schemaVersion: number; findings: { places: unknown[] }[]; interfaces: unknown };
    expect(json.schemaVersion).toBe(1);
    expect(json.findings[0]!.places[0]).toEqual({
      key: 'eni-0a1b2c3d4e5f60718',
      interfaceId: 'eni-0a1b2c3d4e5f60718',
      privateAddresses: ['10.0.0.1'],
      instanceId: 'i-0abc1234567890def',
      name: 'web-1',
      securityGroups: [{ id: 'sg-0123456789abcdef0', name: 'web' }],
      subnetId: 'subnet-0aa',
      vpcId: 'vpc-0bb',
    });
    expect(json.interfaces).toEqual({ source: 'file interfaces.json', asked: 4, found: 3, notFound: ['10.9.9.9'] });
    expect(parseReport(renderJson(report))).toEqual(parseReport(renderJson(parseReport(renderJson(report)))));
    expect(parseReport(renderJson(report)).findings[0]!.places).toEqual(report.findings[0]!.places);
  });

  it('when places carry the account and region EC2 was asked in, the JSON keeps them and the Slack forwarder reads them back', () => {
    const report = placeReport(richReportWith10001(), [{ ...WEB, account: '444455556666', region: 'us-east-1' }], 'EC2 DescribeNetworkInterfaces');
    const json = JSON.parse(reportFileJson(report)) as { findings: { places: { account?: string; region?: string }[] }[] };
    expect(json.findings[0]!.places.map((p) => [p.account, p.region])).toEqual([['444455556666', 'us-east-1']]);
    expect(parseReport(renderJson(report)).findings[0]!.places).toEqual(report.findings[0]!.places);
  });

  it('when Slack, chat and the SNS message are rendered, each shows the places', () => {
    const report = placedReport();
    expect(JSON.stringify(renderSlackBlocks(report))).toContain('i-0abc1234567890def web-1, sg-0123456789abcdef0 web');
    expect(renderChatNotification(report).content.description).toContain('1 match; on `eni-0a1b2c3d4e5f60718 web-1 i-0abc1234567890def`, `10.0.0.1 web-1 i-0abc1234567890def`');
    expect(renderChatNotification(richReport({ findings: placedReport().findings.map(({ places: _, ...f }) => f) })).content.description).not.toContain('web-1');
    const message = JSON.parse(buildSnsMessage(report).Message) as Record<string, string>;
    expect(message.email).toContain(line);
    expect(message.sqs).toContain('"instanceId": "i-0abc1234567890def"');
    expect(message.https).toContain('web-1');
  });

  it('when the SNS message cuts rows to fit, only the places of the rows it keeps stay', () => {
    const shrunk = shrinkReport(placedReport(), { maxRows: 1, maxCellChars: 60, maxStringChars: 200, maxWarnings: 5, maxFindings: 10, maxDigests: 10, maxQueries: 10 });
    expect(shrunk.digests[0]!.places!.map((p) => p.key)).toEqual(['10.1.0.3']);
    const none = shrinkReport(placedReport(), { maxRows: 0, maxCellChars: 60, maxStringChars: 200, maxWarnings: 5, maxFindings: 10, maxDigests: 10, maxQueries: 10 });
    expect(none.findings[0]!.places).toBeUndefined();
  });

  it('when the HTML page is rendered, each finding and digest has a Where list and the lookup note sits above the findings', () => {
    const html = renderHtml(placedReport());
    expect(html).toContain(
      '<li data-place="eni-0a1b2c3d4e5f60718"><code>eni-0a1b2c3d4e5f60718</code> i-0abc1234567890def web-1, sg-0123456789abcdef0 web, subnet-0aa, vpc-0bb</li>',
    );
    expect(html).toContain('<p class="lookup" data-interfaces="placed">Interfaces: 3 of 4');
    expect(html).not.toMatch(/<span>Interfaces<\/span>/);
  });
});

/**
 * A report whose every other place names an interface or private address: the top rejected
 * sources chart (a private source), the host-egress chart (private hosts) and a suppressed match.
 */
function chartsAndSuppressed(place: boolean) {
  const report = richReport({
    findings: [],
    digests: [
      digest({
        rule: 'top-rejected-sources',
        title: 'Top rejected sources',
        rows: [
          { sourceaddress: '10.0.0.1', rejected: 40, ports: 12, destinations: 3 },
          { sourceaddress: '198.51.100.7', rejected: 9, ports: 1, destinations: 1 },
        ],
      }),
    ],
    series: [
      {
        rule: 'host-egress',
        title: 'Egress by private host',
        rowsLeftOut: 0,
        rows: [
          { sourceaddress: '10.1.0.3', bytes: 5_000_000, baseline_min_bytes: 1_000, baseline_max_bytes: 2_000, baseline_mean_bytes: 1_500 },
          { sourceaddress: '10.9.9.9', bytes: 10, baseline_min_bytes: 1, baseline_max_bytes: 20, baseline_mean_bytes: 5 },
        ],
      },
    ],
    suppressed: [
      {
        rule: 'admin-port-exposure',
        entry: 2,
        reason: 'Office reaching the bastion',
        expires: '2027-06-30',
        count: 1,
        rows: [{ sourceaddress: '203.0.113.5', destinationaddress: '10.0.0.1', destinationport: 22, interfaceid: 'eni-0a1b2c3d4e5f60718' }],
      },
    ],
  });
  return place ? placeReport(report, [WEB, NAT], 'file interfaces.json') : report;
}

describe('charts and suppressed rows show where the interfaces live', () => {
  const WEB_FULL = 'i-0abc1234567890def web-1, sg-0123456789abcdef0 web, subnet-0aa, vpc-0bb';

  it('when a report has suppressed rows and chart series, their interfaces and private addresses are asked and placed too', () => {
    const report = chartsAndSuppressed(true);
    expect(interfaceQuery(report)).toEqual({ interfaceIds: ['eni-0a1b2c3d4e5f60718'], privateAddresses: ['10.0.0.1', '10.1.0.3', '10.9.9.9'] });
    expect(report.suppressed![0]!.places!.map((p) => p.key)).toEqual(['eni-0a1b2c3d4e5f60718', '10.0.0.1']);
    expect(report.series![0]!.places!.map((p) => p.key)).toEqual(['10.1.0.3']);
    expect(report.interfaces).toEqual({ source: 'file interfaces.json', asked: 4, found: 3, notFound: ['10.9.9.9'] });
  });

  it('when a place is short, it is the Name tag and instance id; without an instance, the Name or the kind of interface; with neither, the interface id', () => {
    expect(placeLabel(WEB)).toBe('web-1 i-0abc1234567890def');
    expect(placeLabel(NAT)).toBe('nat_gateway');
    expect(placeLabel({ ...NAT, name: 'egress-nat' })).toBe('egress-nat nat_gateway');
    expect(placeLabel({ interfaceId: 'eni-0aaaaaaaaaaaaaaaa', privateAddresses: [], securityGroups: [], interfaceType: 'interface' })).toBe('eni-0aaaaaaaaaaaaaaaa');
  });

  it('when the HTML charts are drawn with places, each placed bar shows its Name and instance under the address and the whole place in its tooltip; an unplaced bar stays bare', () => {
    const html = renderHtml(chartsAndSuppressed(true));
    const sources = /<ol class="bars top-sources">(.*?)<\/ol>/s.exec(html)![1]!;
    const egress = /<ol class="bars ranges host-egress">(.*?)<\/ol>/s.exec(html)![1]!;

    expect(sources).toContain(
      `<span class="label placed" title="10.0.0.1 on eni-0a1b2c3d4e5f60718 (${WEB_FULL})">10.0.0.1<small class="place" data-place="10.0.0.1">web-1 i-0abc1234567890def</small></span>`,
    );
    expect(sources).toContain('<span class="label" title="198.51.100.7">198.51.100.7</span>');
    expect(egress).toContain(
      '<span class="label placed" title="10.1.0.3 on eni-0ffffffffffffffff (nat_gateway: Interface for NAT Gateway nat-0123, subnet-0aa, vpc-0bb)">10.1.0.3<small class="place" data-place="10.1.0.3">nat_gateway</small></span>',
    );
    expect(egress).toContain('<span class="label" title="10.9.9.9">10.9.9.9</span>');
  });

  it('when the HTML charts are drawn without places, no label carries one', () => {
    const html = renderHtml(chartsAndSuppressed(false));
    expect(html).toContain('<span class="label" title="10.0.0.1">10.0.0.1</span>');
    expect(html).toContain('<span class="label" title="10.1.0.3">10.1.0.3</span>');
    expect(html).not.toContain('class="place"');
  });

  it('when suppressed rows are placed, the HTML table has a Where column, the text lists them under the rows, Slack names the machine, and JSON keeps them', () => {
    const report = chartsAndSuppressed(true);
    const html = renderHtml(report);
    const table = /<table class="suppressed">(.*?)<\/table>/s.exec(html)![1]!;
    const text = renderText(report);
    const slack = JSON.stringify(renderSlackBlocks(report));
    const json = JSON.parse(renderJson(report)) as { suppressed: { places: { key: string }[] }[]; series: { places: { key: string }[] }[] };

    expect(table).toContain('<th>Where</th>');
    expect(table).toContain(
      `<td class="where"><ul class="places"><li data-place="eni-0a1b2c3d4e5f60718"><code>eni-0a1b2c3d4e5f60718</code> ${WEB_FULL}</li><li data-place="10.0.0.1"><code>10.0.0.1 on eni-0a1b2c3d4e5f60718</code> ${WEB_FULL}</li></ul></td>`,
    );
    expect(text).toContain(`== Suppressed ==\nadmin-port-exposure: 1 match silenced by entry 2`);
    expect(text).toMatch(new RegExp(`== Suppressed ==[^=]*  Where:\\n    eni-0a1b2c3d4e5f60718 \\(${WEB_FULL}\\)\\n    10\\.0\\.0\\.1 on eni-0a1b2c3d4e5f60718`));
    expect(slack).toContain('Office reaching the bastion on `eni-0a1b2c3d4e5f60718 web-1 i-0abc1234567890def`, `10.0.0.1 web-1 i-0abc1234567890def`');
    expect(json.suppressed[0]!.places.map((p) => p.key)).toEqual(['eni-0a1b2c3d4e5f60718', '10.0.0.1']);
    expect(json.series[0]!.places.map((p) => p.key)).toEqual(['10.1.0.3']);
    expect(parseReport(renderJson(report)).suppressed![0]!.places).toEqual(report.suppressed![0]!.places);
  });

  it('when suppressed rows are not placed, there is no Where column, no Where lines under them and nothing more in Slack', () => {
    const report = chartsAndSuppressed(false);
    expect(renderHtml(report)).not.toContain('<th>Where</th>');
    expect(renderText(report)).not.toContain('Where:');
    expect(JSON.stringify(renderSlackBlocks(report))).toContain('Office reaching the bastion"');
    expect(JSON.parse(renderJson(report)).suppressed[0].places).toBeUndefined();
  });

  it('when the report files are written, where.csv lists each placed name once with its place (a Name tag cannot start a formula); unplaced, there is no where.csv', () => {
    const files = reportArtifacts(placeReport(chartsAndSuppressed(false), [{ ...WEB, name: '=HYPERLINK("x")' }, NAT], 'file interfaces.json'));
    const where = files.find((f) => f.name === 'where.csv');

    expect(where?.contentType).toBe('text/csv; charset=utf-8');
    expect(where?.body.split('\n')).toEqual([
      '"key","interface_id","instance_id","name","security_groups","subnet_id","vpc_id","interface_type","description"',
      '"10.0.0.1","eni-0a1b2c3d4e5f60718","i-0abc1234567890def","\'=HYPERLINK(""x"")","sg-0123456789abcdef0 web","subnet-0aa","vpc-0bb","",""',
      '"10.1.0.3","eni-0ffffffffffffffff","","","","subnet-0aa","vpc-0bb","nat_gateway","Interface for NAT Gateway nat-0123"',
      '"eni-0a1b2c3d4e5f60718","eni-0a1b2c3d4e5f60718","i-0abc1234567890def","\'=HYPERLINK(""x"")","sg-0123456789abcdef0 web","subnet-0aa","vpc-0bb","",""',
      '',
    ]);
    expect(reportArtifacts(chartsAndSuppressed(false)).map((f) => f.name)).not.toContain('where.csv');
  });

  it('when a Name tag or description from the account is hostile, the chart labels, tooltips, the Where column and Slack show it as text', () => {
    const hostile = { ...WEB, name: '<img src=x onerror=alert(1)>"\'', description: '<!channel> `x`' };
    const report = placeReport(chartsAndSuppressed(false), [hostile, { ...NAT, name: '<script>alert(2)</script>' }], 'file interfaces.json');
    const html = renderHtml(report);
    const slack = JSON.stringify(renderSlackBlocks(report));

    expect(html).not.toMatch(/<img src=x|<script>alert/);
    expect(html).toContain('<small class="place" data-place="10.0.0.1">&lt;img src=x onerror=alert(1)&gt;&quot;&#39; i-0abc1234567890def</small>');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt; nat_gateway');
    expect(slack).not.toMatch(/<img src=x|<!channel>/);
    expect(slack).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('when the SNS message cuts the suppressed rows to fit, only the places of the rows kept stay, and the e-mail still shows them', () => {
    const none = shrinkReport(chartsAndSuppressed(true), { maxRows: 0, maxCellChars: 60, maxStringChars: 200, maxWarnings: 5, maxFindings: 10, maxDigests: 10, maxQueries: 10 });
    const one = shrinkReport(chartsAndSuppressed(true), { maxRows: 1, maxCellChars: 60, maxStringChars: 200, maxWarnings: 5, maxFindings: 10, maxDigests: 10, maxQueries: 10 });
    expect(none.suppressed![0]!.places).toBeUndefined();
    expect(one.suppressed![0]!.places!.map((p) => p.key)).toEqual(['eni-0a1b2c3d4e5f60718', '10.0.0.1']);
    const message = JSON.parse(buildSnsMessage(chartsAndSuppressed(true)).Message) as Record<string, string>;
    expect(message.email).toContain(`    10.0.0.1 on eni-0a1b2c3d4e5f60718 (${WEB_FULL})`);
  });
});

describe('the report setting naming the interfaces function', () => {
  it('when FLOWLOG_INTERFACES_FUNCTION is a function name it is kept; when it is not, the error names the key; unset, there is no lookup', async () => {
    const { loadReportConfig } = await import('../../src/lib/report/report-config.js');
    expect(loadReportConfig({ FLOWLOG_INTERFACES_FUNCTION: 'flowlog-pilot-prod-interfaces' }).interfacesFunction).toBe('flowlog-pilot-prod-interfaces');
    expect(() => loadReportConfig({ FLOWLOG_INTERFACES_FUNCTION: 'not a function name' })).toThrow(/FLOWLOG_INTERFACES_FUNCTION must be a Lambda function name or ARN/);
    expect(loadReportConfig({}).interfacesFunction).toBeUndefined();
  });
});
