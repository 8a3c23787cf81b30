import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/lib/errors.js';
import { parseFormatString } from '../../src/lib/flowlog/format.js';
import { SampleGenerator, logFileName, splitByWeights, statusOnlyCounts } from '../../src/sample/generate.js';
import { resolveSampleOptions } from '../../src/sample/options.js';
import { rngFor } from '../../src/sample/prng.js';
import { lineWriter } from '../../src/sample/record-line.js';
import { emptyRecord, fillStatusOnly } from '../../src/sample/traffic.js';
import { azPrefix, buildWorld, isPrivateAddress } from '../../src/sample/world.js';
import { measureDay, type LogRow } from '../support/flow-rules.js';

const NOW = new Date('2026-11-21T03:00:00Z');

describe('sample generator building blocks', () => {
  it('when two generators get the same labels, they give the same numbers, and other labels give others', () => {
    const a = rngFor('seed', 'day', 1);
    const b = rngFor('seed', 'day', 1);
    const c = rngFor('seed', 'day', 2);
    const fromA = Array.from({ length: 100 }, () => a.next());

    expect(Array.from({ length: 100 }, () => b.next())).toEqual(fromA);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(fromA);
    expect(fromA.every((x) => x >= 0 && x < 1)).toBe(true);
    const d = rngFor('range');
    const ints = Array.from({ length: 2000 }, () => d.between(3, 7));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5, 6, 7]));
  });

  it('when records are spread over hours, the parts are whole and sum to the total exactly', () => {
    const weights = [1.6, 1.8, 0.6, 0.7, 1.3];
    for (const total of [0, 1, 7, 999, 1_000_003]) {
      const parts = splitByWeights(total, weights);
      expect(parts.reduce((x, y) => x + y, 0)).toBe(total);
      expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
    }
    expect(statusOnlyCounts(20_000)).toEqual({ nodata: 40, skipdata: 1 });
    expect(statusOnlyCounts(50)).toEqual({ nodata: 0, skipdata: 0 });
  });

  it('when a region is named, its zone ids use AWS abbreviations', () => {
    expect(azPrefix('ap-northeast-1')).toBe('apne1');
    expect(azPrefix('us-east-1')).toBe('use1');
    expect(azPrefix('eu-west-2')).toBe('euw2');
    expect(azPrefix('ap-southeast-2')).toBe('apse2');
    expect(azPrefix('eu-central-1')).toBe('euc1');
  });

  it('when addresses are checked, only the RFC 1918 ranges count as private', () => {
    expect(['10.0.1.4', '172.16.0.1', '172.31.255.1', '192.168.100.20'].every(isPrivateAddress)).toBe(true);
    expect(['172.15.0.1', '172.32.0.1', '203.0.113.66', '11.0.0.1', '192.169.0.1'].some(isPrivateAddress)).toBe(false);
  });

  it('when a file is named, it follows <account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz', () => {
    const name = logFileName({ account: '123456789012', region: 'ap-northeast-1', flowLogId: 'fl-0123456789abcdef0' }, '2026-01-05' as never, 7, 'deadbeef');

    expect(name).toBe('123456789012_vpcflowlogs_ap-northeast-1_fl-0123456789abcdef0_20260105T0705Z_deadbeef.log.gz');
  });

  it('when a NODATA record is printed in the default and a custom format, only its identity and window are filled', () => {
    const world = buildWorld('s', { account: '123456789012', region: 'ap-northeast-1' }, 0, 100);
    const rec = emptyRecord(world.hosts[0]!);
    fillStatusOnly(rec, rngFor('x'), world, 1_795_000_000 - (1_795_000_000 % 3600), 'NODATA');
    const v2 = lineWriter(parseFormatString(''), world)(rec).split(' ');
    const custom = lineWriter(
      parseFormatString('${version} ${interface-id} ${vpc-id} ${srcaddr} ${start} ${end} ${action} ${log-status} ${flow-direction}'),
      world,
    )(rec).split(' ');

    expect(v2).toEqual(['2', '123456789012', rec.host.eni, '-', '-', '-', '-', '-', '-', '-', String(rec.start), String(rec.end), '-', 'NODATA']);
    expect(custom).toEqual(['5', rec.host.eni, '-', '-', String(rec.start), String(rec.end), '-', 'NODATA', '-']);
    expect(rec.end - rec.start).toBeLessThanOrEqual(600);
  });
});

describe('sample options', () => {
  it('when no end date is given, it ends yesterday (UTC) and counts days back from there', () => {
    const options = resolveSampleOptions({ out: 'x', days: 3 }, NOW);

    expect(options.days).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
    expect(options.recordsPerDay).toBe(20_000);
    expect(options.sources).toEqual([{ account: '123456789012', region: 'ap-northeast-1' }]);
    expect(options.incidents).toBe(true);
  });

  it.each([
    [{ out: 'x', days: 0 }, 'days'],
    [{ out: 'x', days: 2.5 }, 'days'],
    [{ out: 'x', recordsPerDay: -1 }, 'recordsPerDay'],
    [{ out: 'x', endDate: '2026-02-30' }, 'endDate'],
    [{ out: 'x', gzipLevel: 10 }, 'gzipLevel'],
    [{ out: 'x', sources: [] }, 'sources'],
    [{ out: 'x', sources: [{ account: '12', region: 'ap-northeast-1' }] }, 'sources'],
    [{ out: '' }, 'out'],
  ])('when given %j, it refuses with a ValidationError naming %s', (input, field) => {
    const act = () => resolveSampleOptions(input, NOW);

    expect(act).toThrow(ValidationError);
    try {
      act();
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
    }
  });
});

describe('sample options refused together', () => {
  it('when several options are bad, one ValidationError names the first as its field and every one in its message', () => {
    const act = () => resolveSampleOptions({ out: 'x', days: 0, gzipLevel: 10, seed: '', fileFormat: 'orc' as never, sources: [{ account: '123456789012', region: 'mars' }] }, NOW);

    expect(act).toThrow(ValidationError);
    expect(act).toThrow(
      'days: expected a whole number from 1 to 366, got 0; gzipLevel: expected a whole number from 1 to 9, got 10; sources: "mars" is not an AWS region name such as ap-northeast-1; seed: expected 1 to 200 characters; fileFormat: must be plain-text or parquet, got "orc"',
    );
  });

  it('when the options are no object or a format holds something that is not a field, they are refused by name', () => {
    expect(() => resolveSampleOptions(null as never, NOW)).toThrow('options: expected the sample options as an object');
    expect(() => resolveSampleOptions({ out: 'x', format: [{ name: 'srcaddr' }] as never }, NOW)).toThrow(/^format\.0: expected a flow-log field/);
    expect(() => resolveSampleOptions({ out: 'x', format: [] }, NOW)).toThrow('format: at least one field is needed');
    expect(() => resolveSampleOptions({ out: 'x', endDate: '1970-01-02', days: 3 }, NOW)).toThrow('days: 3 days before 1970-01-02 is before 1970');
  });

  it('when every option is given, each is kept as given', () => {
    const options = resolveSampleOptions(
      {
        out: 'o',
        endDate: '2026-11-20',
        days: 2,
        recordsPerDay: 5,
        gzipLevel: 9,
        seed: 's',
        incidents: false,
        folders: 'hive',
        perHour: true,
        fileFormat: 'parquet',
        connections: 7,
      },
      NOW,
    );

    expect(options).toMatchObject({
      out: 'o',
      days: ['2026-11-19', '2026-11-20'],
      recordsPerDay: 5,
      gzipLevel: 9,
      seed: 's',
      incidents: false,
      folders: 'hive',
      perHour: true,
      fileFormat: 'parquet',
      connections: 7,
    });
    expect(resolveSampleOptions({ out: 'o' }, NOW)).toMatchObject({
      gzipLevel: 4,
      seed: 'flowlog-pilot',
      folders: 'default',
      perHour: false,
      fileFormat: 'plain-text',
      connections: 0,
    });
  });
});

describe('normal traffic at volume', () => {
  it('when 150,000 quiet records are generated for a day, no outside address or inside host comes near a rule threshold', () => {
    const options = resolveSampleOptions({ out: 'unused', endDate: '2026-11-20', recordsPerDay: 150_000, incidents: false }, NOW);
    const generator = new SampleGenerator(options);
    const rows: LogRow[] = [];
    const names = generator.manifest().header.split(' ');
    for (const file of generator.files()) {
      for (const chunk of file.chunks()) {
        for (const line of Buffer.from(chunk).toString('latin1').split('\n')) {
          if (line === '' || line.startsWith('version ')) continue;
          const values = line.split(' ');
          rows.push(Object.fromEntries(names.map((n, i) => [n, values[i] as string])));
        }
      }
    }
    const day = measureDay(rows);

    expect(rows.length).toBe(150_000);
    expect(day.maxPortsFromOneSource).toBeLessThan(60);
    expect(day.maxAdminRejectsFromOneSource).toBeLessThan(30);
    expect(day.acceptedAdminFromPublic).toEqual([]);
    expect(Math.max(...day.egressBytes.values())).toBeLessThan(0.5e9);
  });
});

describe('long-lived connections (connections option)', () => {
  /** Each normal record's connection: everything but the version, times and sizes (interface, addresses, ports, protocol, action). */
  function connectionsOf(connections: number): { records: number; distinct: number } {
    const options = resolveSampleOptions({ out: 'unused', endDate: '2026-11-20', recordsPerDay: 20_000, incidents: false, connections }, NOW);
    const generator = new SampleGenerator(options);
    const names = generator.manifest().header.split(' ');
    const keep = ['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action'].map((n) => names.indexOf(n));
    const status = names.indexOf('log-status');
    const seen = new Set<string>();
    let records = 0;
    for (const file of generator.files()) {
      for (const chunk of file.chunks()) {
        for (const line of Buffer.from(chunk).toString('latin1').split('\n')) {
          if (line === '' || line.startsWith('version ')) continue;
          const values = line.split(' ');
          if (values[status] !== 'OK') continue;
          records += 1;
          seen.add(keep.map((i) => values[i]).join(' '));
        }
      }
    }
    return { records, distinct: seen.size };
  }

  it('when connections is 200, every normal record of the day repeats one of at most 200 connections', () => {
    const { records, distinct } = connectionsOf(200);

    expect(records).toBeGreaterThan(19_000);
    expect(distinct).toBeLessThanOrEqual(200);
    expect(distinct).toBeGreaterThan(150);
  });

  it('when connections is left at 0, nearly every record is a connection of its own (the worst case)', () => {
    const { records, distinct } = connectionsOf(0);

    expect(distinct).toBeGreaterThan(records * 0.9);
  });

  it('when connections is negative or not whole, the option is refused by name', () => {
    for (const connections of [-1, 1.5]) {
      expect(() => resolveSampleOptions({ out: 'x', connections }, NOW)).toThrow(ValidationError);
    }
  });
});
