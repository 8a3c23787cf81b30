import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFormatString } from '../../src/lib/flowlog/format.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import { MANIFEST_FILE, writeSample } from '../../src/sample/write-sample.js';
import { dtOfPath, isPrivate, measureDay, readLogFiles, type LogFile, type LogRow } from '../support/flow-rules.js';

const FILE_NAME = /^(\d{12})_vpcflowlogs_([a-z]{2}(?:-[a-z]+)+-\d)_fl-[0-9a-f]{17}_(\d{8})T(\d{2})(\d{2})Z_[0-9a-f]{8}\.log\.gz$/;
const V2_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const BASE = { endDate: '2026-11-20', days: 3, recordsPerDay: 3000, seed: 'test-seed' };

let root: string;
const dirs = new Map<string, { manifest: SampleManifest; files: LogFile[] }>();

async function generate(name: string, options: Omit<Parameters<typeof writeSample>[0], 'out'>) {
  const out = join(root, name);
  const manifest = await writeSample({ out, ...options });
  const result = { manifest, files: readLogFiles(out) };
  dirs.set(name, result);
  return result;
}

function rowsByDt(files: readonly LogFile[]): Map<string, LogRow[]> {
  const byDt = new Map<string, LogRow[]>();
  for (const f of files) {
    const dt = dtOfPath(f.path);
    byDt.set(dt, [...(byDt.get(dt) ?? []), ...f.rows]);
  }
  return byDt;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flowlog-sample-'));
  await generate('incidents', BASE);
  await generate('quiet', { ...BASE, incidents: false });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sample files on disk', () => {
  it('when the same options run twice, it writes byte-identical files', async () => {
    const again = await writeSample({ out: join(root, 'again'), ...BASE });
    const list = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.endsWith('.gz')).sort();
    const first = list(join(root, 'incidents'));

    expect(list(join(root, 'again'))).toEqual(first);
    for (const path of first) expect(readFileSync(join(root, 'again', path)).equals(readFileSync(join(root, 'incidents', path)))).toBe(true);
    expect(again).toEqual(dirs.get('incidents')?.manifest);
  });

  it('when another seed is given, it writes different records', async () => {
    const other = await writeSample({ out: join(root, 'other-seed'), ...BASE, days: 1 });
    const files = readLogFiles(join(root, 'other-seed'));
    const first = dirs.get('incidents')?.files.find((f) => f.path.includes('2026/11/20/'));

    expect(other.records).toBeGreaterThan(0);
    expect(files[0]?.rows.slice(0, 5)).not.toEqual(first?.rows.slice(0, 5));
  });

  it('when the files are read back, each folder holds exactly the records the manifest counts', () => {
    const { manifest, files } = dirs.get('incidents')!;
    const byDt = rowsByDt(files);

    expect(manifest.folders.map((f) => f.day)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
    for (const folder of manifest.folders) {
      const rows = byDt.get(folder.day.replaceAll('-', '/')) ?? [];
      expect(rows.length).toBe(folder.records);
      expect(rows.filter((r) => r['log-status'] === 'NODATA').length).toBe(folder.nodata);
      expect(rows.filter((r) => r['log-status'] === 'SKIPDATA').length).toBe(folder.skipdata);
      expect(rows.filter((r) => r.action === 'REJECT').length).toBe(folder.rejected);
      expect(
        files
          .filter((f) => f.path.startsWith(folder.path))
          .map((f) => f.path.split('/').at(-1))
          .sort(),
      ).toEqual([...folder.files].sort());
    }
    expect(files.length).toBe(manifest.files);
    expect(files.reduce((n, f) => n + f.rows.length, 0)).toBe(manifest.records);
    // 3,000 normal records and the ongoing beacon's 11 (the one incident on earlier days).
    expect(manifest.folders[0]?.records).toBe(3000 + 11 - (manifest.folders[0]?.carriedOut ?? 0));
    expect(JSON.parse(readFileSync(join(root, 'incidents', MANIFEST_FILE), 'utf8'))).toEqual(JSON.parse(JSON.stringify(manifest)));
  });

  it('when a record starts in the last minutes of a day, it is delivered into the next day folder and counted there', () => {
    const { manifest, files } = dirs.get('incidents')!;
    const firstOfDay2 = files.find((f) => f.path.includes('/2026/11/19/') && f.path.includes('T0005Z'));
    const lateFromDay1 = (firstOfDay2?.rows ?? []).filter((r) => Number(r.start) < Date.parse('2026-11-19T00:00:00Z') / 1000);

    expect(manifest.folders[0]?.carriedOut).toBeGreaterThan(0);
    expect(lateFromDay1.length).toBe(manifest.folders[1]?.carriedIn);
    expect(manifest.folders[0]?.carriedOut).toBe(manifest.folders[1]?.carriedIn);
    for (const r of lateFromDay1) expect(Number(r.start)).toBeGreaterThanOrEqual(Date.parse('2026-11-18T23:55:00Z') / 1000);
  });

  it('when files are listed, every name and folder follows the AWS pattern and the header is the v2 field list', () => {
    const { files } = dirs.get('incidents')!;

    expect(files.length).toBe(72);
    for (const f of files) {
      const name = f.path.split('/').at(-1) ?? '';
      const match = FILE_NAME.exec(name);
      expect(match, name).not.toBeNull();
      const [, account, region, ymd] = match as RegExpExecArray;
      expect(f.path.startsWith(`AWSLogs/${account}/vpcflowlogs/${region}/${ymd?.slice(0, 4)}/${ymd?.slice(4, 6)}/${ymd?.slice(6, 8)}/`)).toBe(true);
      expect(f.header).toBe(V2_HEADER);
    }
  });

  it('when records are normal traffic, their fields are well formed and times stay inside 10-minute windows', () => {
    const rows = dirs
      .get('quiet')!
      .files.flatMap((f) => f.rows)
      .filter((r) => r['log-status'] === 'OK');

    const malformed = rows.filter((r) => {
      const start = Number(r.start);
      const end = Number(r.end);
      const windowEnd = (Math.floor(start / 600) + 1) * 600;
      return (
        Object.keys(r).length !== 14 ||
        !/^eni-[0-9a-f]{17}$/.test(r['interface-id'] ?? '') ||
        !/^\d{1,3}(\.\d{1,3}){3}$/.test(r.srcaddr ?? '') ||
        !['ACCEPT', 'REJECT'].includes(r.action ?? '') ||
        end < start ||
        end > windowEnd ||
        !(Number(r.bytes) > 0) ||
        !(Number(r.packets) > 0)
      );
    });
    expect(malformed).toEqual([]);
    const rejectShare = rows.filter((r) => r.action === 'REJECT').length / rows.length;
    expect(rejectShare).toBeGreaterThan(0.03);
    expect(rejectShare).toBeLessThan(0.2);
    expect(new Set(rows.map((r) => r['interface-id'])).size).toBeGreaterThanOrEqual(6);
    expect(rows.some((r) => r.srcaddr?.startsWith('192.168.') && r.dstport === '22')).toBe(true);
    expect(rows.some((r) => r.dstport === '53' && r.protocol === '17')).toBe(true);
  });

  it('when a record is NODATA or SKIPDATA, only version, account, interface, start and end are filled', () => {
    const rows = dirs
      .get('incidents')!
      .files.flatMap((f) => f.rows)
      .filter((r) => r['log-status'] !== 'OK');

    expect(rows.some((r) => r['log-status'] === 'NODATA')).toBe(true);
    expect(rows.some((r) => r['log-status'] === 'SKIPDATA')).toBe(true);
    for (const r of rows) {
      expect(r.version).toBe('2');
      expect(r['account-id']).toBe('123456789012');
      expect(r['interface-id']).toMatch(/^eni-[0-9a-f]{17}$/);
      expect(Number(r.end)).toBeGreaterThan(Number(r.start));
      for (const field of ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action']) expect(r[field]).toBe('-');
    }
  });
});

describe('sample incidents', () => {
  it('when incidents are on, the last day shows each rule pattern with the values the manifest names', () => {
    const { manifest, files } = dirs.get('incidents')!;
    const byDt = rowsByDt(files);
    const last = measureDay(byDt.get('2026/11/20') ?? []);
    const earlier = ['2026/11/18', '2026/11/19'].map((dt) => measureDay(byDt.get(dt) ?? []));
    const incident = (rule: string) => manifest.incidents.filter((i) => i.rule === rule);

    expect(manifest.incidents.every((i) => i.day === '2026-11-20')).toBe(true);
    expect(last.maxPortsFromOneSource).toBeGreaterThanOrEqual(150);
    expect(last.topScanner).toBe(incident('port-scan')[0]?.sourceAddress);
    expect(new Set(last.acceptedAdminFromPublic.map((r) => r.dstport))).toEqual(new Set(['22', '3389']));
    expect(new Set(last.acceptedAdminFromPublic.map((r) => r.srcaddr))).toEqual(new Set(incident('admin-port-exposure').map((i) => i.sourceAddress)));
    expect(last.maxAdminRejectsFromOneSource).toBeGreaterThanOrEqual(150);
    expect(last.topBruteForcer).toBe(incident('admin-port-brute-force')[0]?.sourceAddress);
    const meanRejects = (earlier[0]!.rejected + earlier[1]!.rejected) / 2;
    expect(last.rejected).toBeGreaterThanOrEqual(3 * meanRejects);
    const sender = incident('egress-spike')[0]?.sourceAddress as string;
    const sent = last.egressBytes.get(sender) ?? 0;
    const usual = ((earlier[0]!.egressBytes.get(sender) ?? 0) + (earlier[1]!.egressBytes.get(sender) ?? 0)) / 2;
    expect(sent).toBeGreaterThanOrEqual(2e9);
    expect(sent).toBeGreaterThanOrEqual(10 * usual);
    expect(usual).toBeGreaterThan(0);
  });

  it('when the watchlist cases are read back, the beacon is accepted on every day and the refused attempt is on the last day only', () => {
    const { manifest, files } = dirs.get('incidents')!;
    const [beacon, blocked] = manifest.incidents.filter((i) => i.rule === 'watchlist');
    const byDt = rowsByDt(files);
    const to = (dt: string, address: string) => (byDt.get(dt) ?? []).filter((r) => r.dstaddr === address);

    expect([beacon?.label, beacon?.earlierDays, blocked?.label, blocked?.earlierDays]).toEqual(['known C2 (abuse feed)', 2, 'bulletproof hosting', undefined]);
    for (const dt of ['2026/11/18', '2026/11/19', '2026/11/20']) {
      expect(to(dt, beacon!.destinationAddress!).map((r) => [r.action, r.dstport])).toEqual(Array.from({ length: 11 }, () => ['ACCEPT', '443']));
    }
    expect(to('2026/11/19', blocked!.destinationAddress!)).toEqual([]);
    expect(to('2026/11/20', blocked!.destinationAddress!).map((r) => r.action)).toEqual(Array.from({ length: 12 }, () => 'REJECT'));
  });

  it('when the port scan is read back, it comes from one public address to one interface and is mostly rejected', () => {
    const { manifest, files } = dirs.get('incidents')!;
    const scan = manifest.incidents.find((i) => i.rule === 'port-scan')!;
    const rows = files.flatMap((f) => f.rows).filter((r) => r.srcaddr === scan.sourceAddress);

    expect(rows.length).toBe(scan.records);
    expect(new Set(rows.map((r) => r['interface-id']))).toEqual(new Set([scan.interfaceId]));
    expect(rows.filter((r) => r.action === 'REJECT').length / rows.length).toBeGreaterThan(0.9);
    expect(isPrivate(scan.sourceAddress as string)).toBe(false);
  });

  it('when incidents are on, the earlier days stay below every rule threshold', () => {
    const byDt = rowsByDt(dirs.get('incidents')!.files);

    for (const dt of ['2026/11/18', '2026/11/19']) {
      const day = measureDay(byDt.get(dt) ?? []);
      expect(day.maxPortsFromOneSource).toBeLessThan(100);
      expect(day.acceptedAdminFromPublic).toEqual([]);
      expect(day.maxAdminRejectsFromOneSource).toBeLessThan(100);
      expect(Math.max(...day.egressBytes.values())).toBeLessThan(1e9);
    }
  });

  it('when --quiet is asked for, no day shows any incident pattern and the manifest lists none', () => {
    const { manifest, files } = dirs.get('quiet')!;
    const days = [...rowsByDt(files).values()].map(measureDay);
    const meanEarlier = (days[0]!.rejected + days[1]!.rejected) / 2;

    expect(manifest.incidents).toEqual([]);
    expect(manifest.skippedIncidents).toEqual([]);
    expect(days).toHaveLength(3);
    for (const day of days) {
      expect(day.maxPortsFromOneSource).toBeLessThan(100);
      expect(day.acceptedAdminFromPublic).toEqual([]);
      expect(day.maxAdminRejectsFromOneSource).toBeLessThan(100);
      expect(Math.max(...day.egressBytes.values())).toBeLessThan(1e9);
    }
    expect(days[2]!.rejected).toBeLessThan(2 * meanEarlier);
  });

  it('when only one day is generated, the spikes are reported as not injected and the other incidents are there', async () => {
    const manifest = await writeSample({ out: join(root, 'one-day'), ...BASE, days: 1 });

    expect(manifest.incidents.map((i) => i.rule).sort()).toEqual([
      'admin-port-brute-force',
      'admin-port-exposure',
      'admin-port-exposure',
      'port-scan',
      'port-scan',
      'watchlist',
      'watchlist',
    ]);
    expect(manifest.skippedIncidents.map((s) => s.rule).sort()).toEqual(['egress-spike', 'reject-spike']);
  });
});

describe('sample formats and sources', () => {
  it('when a custom format is chosen, the header names its fields and later-version fields are filled plausibly', async () => {
    const format = parseFormatString(
      '${version} ${account-id} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} ${flow-direction} ${traffic-path} ${log-status}',
    );
    await writeSample({ out: join(root, 'custom'), ...BASE, days: 1, recordsPerDay: 500, format });
    const files = readLogFiles(join(root, 'custom'));
    const rows = files.flatMap((f) => f.rows);
    const ok = rows.filter((r) => r['log-status'] === 'OK');

    for (const f of files) expect(f.header).toBe(format.map((x) => x.name).join(' '));
    for (const r of ok) {
      expect(r.version).toBe('5');
      expect(r['vpc-id']).toMatch(/^vpc-[0-9a-f]{17}$/);
      expect(r['subnet-id']).toMatch(/^subnet-[0-9a-f]{17}$/);
      expect(r['instance-id']).toMatch(/^i-[0-9a-f]{17}$/);
      expect(r.type).toBe('IPv4');
      expect(r['pkt-srcaddr']).toBe(r.srcaddr);
      expect(r.region).toBe('ap-northeast-1');
      expect(r['az-id']).toMatch(/^apne1-az[1-3]$/);
      expect(['ingress', 'egress']).toContain(r['flow-direction']);
      if (r['flow-direction'] === 'ingress') expect(r['traffic-path']).toBe('-');
      else expect(r['traffic-path']).toBe(isPrivate(r.dstaddr as string) ? '1' : '8');
      if (r.protocol !== '6') expect(r['tcp-flags']).toBe('0');
    }
    expect(ok.some((r) => r['flow-direction'] === 'egress') && ok.some((r) => r['flow-direction'] === 'ingress')).toBe(true);
    const nodata = rows.filter((r) => r['log-status'] === 'NODATA');
    expect(nodata.length).toBeGreaterThan(0);
    for (const r of nodata) expect([r['vpc-id'], r['tcp-flags'], r['flow-direction'], r.action]).toEqual(['-', '-', '-', '-']);
  });

  it('when several sources are given, each gets its own folder tree with its own account and region', async () => {
    const manifest = await writeSample({
      out: join(root, 'multi'),
      ...BASE,
      days: 1,
      recordsPerDay: 300,
      sources: [
        { account: '111111111111', region: 'us-east-1' },
        { account: '222222222222', region: 'eu-west-1' },
      ],
    });
    const files = readLogFiles(join(root, 'multi'));

    for (const [account, region] of [
      ['111111111111', 'us-east-1'],
      ['222222222222', 'eu-west-1'],
    ] as const) {
      const mine = files.filter((f) => f.path.startsWith(`AWSLogs/${account}/vpcflowlogs/${region}/2026/11/20/`));
      expect(mine.length).toBeGreaterThan(0);
      for (const f of mine) for (const r of f.rows) expect(r['account-id']).toBe(account);
      const folder = manifest.folders.find((x) => x.account === account)!;
      expect(mine.reduce((n, f) => n + f.rows.length, 0)).toBe(folder.records);
    }
    expect(new Set(manifest.incidents.map((i) => i.account))).toEqual(new Set(['111111111111', '222222222222']));
  });
});

describe('sample output folder', () => {
  it('when a sample is written again with other days, the earlier sample files are replaced and the counts stay exact', async () => {
    const out = join(root, 'rerun');
    await writeSample({ out, ...BASE, days: 2, recordsPerDay: 200 });
    const manifest = await writeSample({ out, ...BASE, endDate: '2026-12-01', days: 1, recordsPerDay: 200 });
    const files = readLogFiles(out);

    expect(new Set(files.map((f) => dtOfPath(f.path)))).toEqual(new Set(['2026/12/01']));
    expect(files.reduce((n, f) => n + f.rows.length, 0)).toBe(manifest.records);
    expect(existsSync(join(out, 'AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11'))).toBe(false);
  });

  it('when the folder already holds logs that are not a sample, it refuses and writes nothing', async () => {
    const out = join(root, 'real-logs');
    const day = join(out, 'AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/20');
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, 'real.log.gz'), 'x');

    await expect(writeSample({ out, ...BASE })).rejects.toThrow(/choose an empty folder/);
    expect(readdirSync(day)).toEqual(['real.log.gz']);
    expect(existsSync(join(out, MANIFEST_FILE))).toBe(false);
  });
});
