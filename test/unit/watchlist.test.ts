import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/lib/errors.js';
import { severityOf } from '../../src/lib/report/build-report.js';
import { parseCidr } from '../../src/lib/report/cidr.js';
import { parseWatchlist, watchlistFormat } from '../../src/lib/report/watchlist-file.js';
import { blockKeys, watchlistRelation } from '../../src/lib/report/watchlist.js';

function problemsOf(text: string, source = 'intel.yml'): string[] {
  try {
    parseWatchlist(text, source);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('watchlist file', () => {
  it('when the file is YAML with a default label, entries without one take it and bare blocks are read too', () => {
    const entries = parseWatchlist('label: abuse feed\nwatchlist:\n  - cidr: 198.51.100.0/24\n    label: known C2\n  - 203.0.113.7\n  - cidr: "2001:db8:bad::/48"\n', 'intel.yml');

    expect(entries.map((e) => [e.where, e.cidr.text, e.label])).toEqual([
      ['entry 1', '198.51.100.0/24', 'known C2'],
      ['entry 2', '203.0.113.7', 'abuse feed'],
      ['entry 3', '2001:db8:bad::/48', 'abuse feed'],
    ]);
  });

  it('when the file is JSON (a bare list), it is read the same', () => {
    const entries = parseWatchlist(JSON.stringify([{ cidr: '192.0.2.0/25', label: 'partner' }]), 'intel.json');

    expect(entries.map((e) => [e.cidr.text, e.label])).toEqual([['192.0.2.0/25', 'partner']]);
  });

  it('when the file is CIDR[,label] lines with comments, a line without a label takes the file name', () => {
    const entries = parseWatchlist('# feed export\n198.51.100.0/24, known C2\n\n203.0.113.7   # one scanner\n', '/tmp/threat-intel.txt');

    expect(entries.map((e) => [e.where, e.cidr.text, e.label])).toEqual([
      ['line 2', '198.51.100.0/24', 'known C2'],
      ['line 4', '203.0.113.7', 'threat-intel.txt'],
    ]);
  });

  it('when lines are bad, every one is named with its line number, value and why, and none is used', () => {
    const problems = problemsOf('198.51.100.0/33,too wide\n10.0.0.256,bad octet\n2001:db8:::1,bad v6\n192.0.2.0/24,\n198.51.100.0/24,ok\n', 'intel.txt');

    expect(problems).toEqual([
      'intel.txt: line 1: cidr: "198.51.100.0/33": the prefix length must be 0 to 32',
      'intel.txt: line 2: cidr: "10.0.0.256" is not an IPv4 or IPv6 CIDR block',
      'intel.txt: line 3: cidr: "2001:db8:::1" is not an IPv4 or IPv6 CIDR block',
      'intel.txt: line 4: needs a label (the list\'s name for it, such as "known C2"), got ""',
    ]);
  });

  it('when document entries are bad, each is named by its position: unknown keys, missing labels, not a mapping', () => {
    const problems = problemsOf('- cidr: 198.51.100.0/24\n- cidr: 203.0.113.0/24\n  label: ok\n  reason: x\n- [1, 2]\n- cidr: nope\n  label: x\n');

    expect(problems).toEqual([
      'intel.yml: entry 1: needs a label (the list\'s name for it, such as "known C2"), got null',
      'intel.yml: entry 2: unknown key "reason" (known: cidr, label)',
      'intel.yml: entry 3: must be a CIDR block or a mapping of cidr and label, got [1,2]',
      'intel.yml: entry 4: cidr: "nope" is not an IPv4 or IPv6 CIDR block',
    ]);
  });

  it('when a document entry lacks its block, a label carries a control character or the default label is bad, each is named', () => {
    expect(problemsOf('- label: no block\n- cidr: 192.0.2.0/24\n  label: "bell\\u0007"\n- cidr: 192.0.2.0/24\n  label: 7\n')).toEqual([
      'intel.yml: entry 1: cidr: expected a CIDR block such as 10.0.0.0/8 or 2001:db8::/32, got nothing',
      'intel.yml: entry 2: label contains a control character',
      'intel.yml: entry 3: needs a label (the list\'s name for it, such as "known C2"), got 7',
    ]);
    expect(problemsOf(`label: ${'a'.repeat(65)}\nwatchlist:\n  - 192.0.2.0/24\n`)).toEqual(['intel.yml: the default label: label is 65 characters; at most 64']);
    expect(problemsOf('watchlist: []\nowner: me\n')).toEqual([
      'intel.yml: expected a list of {cidr, label} entries, or "watchlist:" holding one (with an optional default "label:"); unknown key "owner"',
    ]);
  });

  it('when a document has a bad entry beside more than 1,000 good blocks, both are named', () => {
    const good = Array.from({ length: 1001 }, (_, i) => ({ cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24`, label: 'feed' }));

    expect(problemsOf(JSON.stringify([...good, { cidr: 'nope', label: 'x' }]), 'w.json')).toEqual([
      'w.json: entry 1002: cidr: "nope" is not an IPv4 or IPv6 CIDR block',
      "w.json: 1001 blocks; at most 1000 (the rule's statement must stay under Athena's 262,144-byte limit): merge neighbouring blocks into wider ones",
    ]);
  });

  it('when a label is 64 characters it is kept; at 65 it is refused', () => {
    expect(parseWatchlist(`192.0.2.0/24,${'a'.repeat(64)}\n`, 'w.txt')[0]?.label).toHaveLength(64);
    expect(problemsOf(`192.0.2.0/24,${'a'.repeat(65)}\n`, 'w.txt')).toEqual(['w.txt: line 1: label is 65 characters; at most 64']);
  });

  it('when the list has 1,000 blocks it is read; at 1,001 it is refused with the Athena query limit named', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24,feed`).join('\n');

    expect(parseWatchlist(lines(1000), 'w.txt')).toHaveLength(1000);
    expect(problemsOf(lines(1001), 'w.txt')).toEqual([
      "w.txt: 1001 blocks; at most 1000 (the rule's statement must stay under Athena's 262,144-byte limit): merge neighbouring blocks into wider ones",
    ]);
  });

  it('when a block is listed twice with two labels, it is one block carrying both labels', () => {
    const entries = parseWatchlist('198.51.100.0/24,feed A\n198.51.100.7/24,feed B\n198.51.100.0/24,feed A\n', 'w.txt');

    expect(entries.map((e) => [e.cidr.text, e.label])).toEqual([['198.51.100.0/24', 'feed A; feed B']]);
  });

  it('when the file is empty or only comments, it is refused as having no entries', () => {
    expect(problemsOf('# nothing yet\n', 'w.txt')).toEqual(['w.txt: the watchlist has no entries']);
    expect(problemsOf('[]', 'w.json')).toEqual(['w.json: the watchlist has no entries']);
  });

  it('when the text starts with [, {, "- " or watchlist:, it is a document; CIDR lines are lines', () => {
    expect(['[]', '{"watchlist": []}', '- 1.2.3.4', '# c\nwatchlist:\n', 'label: x'].map(watchlistFormat)).toEqual(['document', 'document', 'document', 'document', 'document']);
    expect(['1.2.3.4', '2001:db8::/32,x', '# c\n10.0.0.0/8'].map(watchlistFormat)).toEqual(['lines', 'lines', 'lines']);
  });
});

describe('watchlist keys and relation', () => {
  it('when a block is IPv4, its keys are its first and last address as 10 decimal digits', () => {
    expect(blockKeys(parseCidr('10.0.0.0/8'))).toEqual({ first: '0167772160', last: '0184549375' });
    expect(blockKeys(parseCidr('0.0.0.0/0'))).toEqual({ first: '0000000000', last: '4294967295' });
  });

  it('when a block is IPv6, its keys are 32 hex digits', () => {
    expect(blockKeys(parseCidr('::1'))).toEqual({ first: '00000000000000000000000000000001', last: '00000000000000000000000000000001' });
    expect(blockKeys(parseCidr('2001:db8::/32'))).toEqual({ first: '20010db8000000000000000000000000', last: '20010db8ffffffffffffffffffffffff' });
  });

  it('when a label carries a quote, the relation doubles it; the relation is a VALUES list', () => {
    const sql = watchlistRelation(parseWatchlist("203.0.113.7,O'Brien's list\n", 'w.txt')).toString();

    expect(sql).toContain("('O''Brien''s list', '203.0.113.7', 4, 32, '3405803783', '3405803783')");
    expect(sql).toMatch(/^SELECT label, block, version, prefix, first_key, last_key\s+FROM \(\s+VALUES/);
  });
});

describe("a finding's severity from its rows", () => {
  it("when rows name severities, the worst one is the finding's; without them the rule's", () => {
    expect(severityOf([{ severity: 'low' }, { severity: 'medium' }], 'high')).toBe('medium');
    expect(severityOf([{ severity: 'low' }, { severity: 'high' }], 'low')).toBe('high');
    expect(severityOf([{ severity: 'low' }], 'high')).toBe('low');
    expect(severityOf([{ records: 3 }], 'high')).toBe('high');
    expect(severityOf([{ severity: 'critical' }], 'medium')).toBe('medium');
    expect(severityOf([], 'high')).toBe('high');
  });
});
