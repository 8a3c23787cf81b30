import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/lib/errors.js';
import { applySuppressions } from '../../src/lib/report/suppressions.js';
import { parseSuppressions } from '../../src/lib/report/suppressions-file.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { renderChatNotification } from '../../src/lib/render/render-chat.js';
import { renderJson } from '../../src/lib/render/render-json.js';
import { renderSlackBlocks } from '../../src/lib/render/render-slack.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { buildSnsMessage } from '../../src/lib/render/sns-message.js';
import { finding, hugeReport, richReport, scanRows } from '../support/report-fixture.js';

const RULES = ['port-scan', 'admin-port-exposure', 'admin-port-brute-force', 'reject-spike', 'egress-spike'];
const YAML = `
suppressions:
  - rule: port-scan
    source: 203.0.113.66/32
    reason: Weekly external scan by the security vendor (ticket SEC-123)
    expires: 2026-12-31
  - rule: admin-port-exposure
    source: [198.51.100.0/24, "2001:db8:1::/48"]
    ports: [22]
    reason: Office network over the internet
    expires: "2026-11-20"
`;

function problemsOf(text: string): string[] {
  try {
    parseSuppressions(text, 'suppressions.yml', RULES);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('suppressions file', () => {
  it('when the file is YAML with a suppressions list, each entry is read with its CIDRs, ports, reason and expiry', () => {
    const entries = parseSuppressions(YAML, 'suppressions.yml', RULES);

    expect(entries.map((e) => [e.entry, e.rule, e.sources.map((c) => c.text), e.ports, e.expires])).toEqual([
      [1, 'port-scan', ['203.0.113.66/32'], [], '2026-12-31'],
      [2, 'admin-port-exposure', ['198.51.100.0/24', '2001:db8:1::/48'], [22], '2026-11-20'],
    ]);
  });

  it('when the file is JSON (a bare list), it is read the same', () => {
    const entries = parseSuppressions(JSON.stringify([{ interface: 'eni-0a1b2c3d4e5f60718', destination: '192.0.2.200', reason: 'backup', expires: '2027-01-31' }]), 's.json');

    expect(entries[0]).toMatchObject({ interfaceId: 'eni-0a1b2c3d4e5f60718', reason: 'backup', expires: '2027-01-31' });
  });

  it('when entries are bad, every one is named with what is wrong, and none is applied', () => {
    const problems = problemsOf(`
- rule: port-scna
  reason: typo
  expires: 2026-12-31
- source: 10.0.0.0/33
  reason: bad prefix
  expires: 2026-12-31
- rule: port-scan
  expires: 2026-12-31
- rule: port-scan
  reason: no expiry
- reason: matches everything
  expires: 2026-12-31
- rule: port-scan
  ports: [70000]
  interface: eth0
  color: red
  reason: several
  expires: 31/12/2026
`);

    expect(problems).toEqual([
      expect.stringMatching(/^suppressions.yml: entry 1: rule "port-scna" is not a detection \(known: port-scan/),
      'suppressions.yml: entry 2: source: "10.0.0.0/33": the prefix length must be 0 to 32',
      'suppressions.yml: entry 3: needs a reason (who asked, and why this traffic is expected)',
      'suppressions.yml: entry 4: needs an expiry date as YYYY-MM-DD, got null',
      'suppressions.yml: entry 5: matches everything: give at least one of rule, source, destination, ports, interface',
      'suppressions.yml: entry 6: ports are whole numbers from 0 to 65535, got 70000',
      'suppressions.yml: entry 6: interface must be an interface id such as eni-0a1b2c3d4e5f60718, got "eth0"',
      'suppressions.yml: entry 6: needs an expiry date as YYYY-MM-DD, got "31/12/2026"',
      'suppressions.yml: entry 6: unknown key "color" (known: rule, source, destination, ports, interface, reason, expires)',
    ]);
  });

  it('when an entry is no mapping or a list holds one bad block or port, each is named with its entry and value', () => {
    const problems = problemsOf(`
- just text
- destination: [10.0.0.0/8, 192.168.0.0/40]
  ports: [22, -1]
  reason: lists
  expires: 2026-12-31
`);

    expect(problems).toEqual([
      'suppressions.yml: entry 1: must be a mapping of rule, source, destination, ports, interface, reason, expires',
      'suppressions.yml: entry 2: destination: "192.168.0.0/40": the prefix length must be 0 to 32',
      'suppressions.yml: entry 2: ports are whole numbers from 0 to 65535, got -1',
    ]);
  });

  it('when the text is not YAML or JSON, or not a list, it says so naming the file', () => {
    expect(problemsOf('- [unclosed')).toEqual([expect.stringMatching(/^suppressions.yml: not valid YAML or JSON/)]);
    expect(problemsOf('just text')).toEqual(['suppressions.yml: expected a list of suppressions (or "suppressions:" holding one)']);
  });
});

describe('applying suppressions', () => {
  const entries = parseSuppressions(YAML, 'suppressions.yml', RULES);
  const exposure = finding({
    rule: 'admin-port-exposure',
    rows: [
      { sourceaddress: '198.51.100.7', destinationport: 22, seen_days: 7 },
      { sourceaddress: '198.51.100.7', destinationport: 3389, seen_days: 0 },
      { sourceaddress: '2001:db8:1:5::9', destinationport: 22, seen_days: 3 },
    ],
    count: 3,
  });
  const scan = finding({ rule: 'port-scan', rows: [{ sourceaddress: '203.0.113.66', ports: 200, seen_days: 0 }], count: 1 });

  it('when the report day is the last day of an entry, it still applies: matched rows are listed apart and counted, others stay', () => {
    const outcome = applySuppressions([exposure, scan], entries, '2026-11-20');

    expect(outcome.findings.map((f) => [f.rule, f.count, f.rows.map((r) => r.destinationport)])).toEqual([['admin-port-exposure', 1, [3389]]]);
    expect(outcome.suppressed.map((s) => [s.rule, s.entry, s.count])).toEqual([
      ['admin-port-exposure', 2, 2],
      ['port-scan', 1, 1],
    ]);
    expect(outcome.expired).toEqual([]);
  });

  it('when the report day is one day after an entry expires, that entry is reported expired and no longer applies', () => {
    const outcome = applySuppressions([exposure, scan], entries, '2026-11-21');

    expect(outcome.findings.map((f) => [f.rule, f.count])).toEqual([['admin-port-exposure', 3]]);
    expect(outcome.expired).toEqual([{ entry: 2, reason: 'Office network over the internet', expires: '2026-11-20' }]);
    expect(outcome.suppressed.map((s) => s.rule)).toEqual(['port-scan']);
  });

  it('when an entry names ports but the rule has no port column (port-scan), it does not match', () => {
    const portOnly = parseSuppressions('- ports: [22]\n  reason: r\n  expires: 2026-12-31\n', 's.yml');

    expect(applySuppressions([scan], portOnly, '2026-11-20').findings).toHaveLength(1);
  });
});

describe('suppressions in every rendering', () => {
  const report = richReport({
    suppressed: [{ rule: 'port-scan', entry: 1, reason: 'Weekly external scan by the security vendor', expires: '2026-12-31', count: 3, rows: scanRows(3, '198.51.100.250') }],
    expiredSuppressions: [{ entry: 2, reason: 'Office network', expires: '2026-11-20' }],
  });

  it('when matches were suppressed and an entry expired, text, Slack and chat say "3 suppressed, 1 expired suppression" and text lists both apart', () => {
    const text = renderText(report);

    expect(text).toContain('; 3 suppressed, 1 expired suppression');
    expect(text).toContain('== Suppressed ==\nport-scan: 3 matches silenced by entry 1 (Weekly external scan by the security vendor; until 2026-12-31)');
    expect(text).toContain('198.51.100.250');
    expect(text).toContain('Expired, no longer applied: entry 2 (Office network; expired 2026-11-20)');
    expect(JSON.stringify(renderSlackBlocks(report).blocks)).toContain('3 suppressed, 1 expired suppression: `port-scan` Weekly external scan by the security vendor');
    expect(renderChatNotification(report).content.description).toContain('3 suppressed, 1 expired suppression');
  });

  it('when the JSON is read back, the suppressed rows and expired entries survive', () => {
    expect(parseReport(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('when thousands of rows were suppressed, the SNS message still fits in 256 KiB and keeps the count', () => {
    const huge = {
      ...hugeReport(),
      suppressed: [{ rule: 'port-scan', entry: 1, reason: 'r'.repeat(5_000), expires: '2026-12-31', count: 5_000, rows: scanRows(5_000, '198.51.100.250') }],
    };

    const message = buildSnsMessage(huge);

    // SNS: a message is at most 256 KiB (262,144 bytes), body and attributes together.
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(262_144);
    expect((JSON.parse(message.Message ?? '{}') as { default: string }).default).toContain('5,000 suppressed');
  });
});
