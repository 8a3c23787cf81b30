import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import type { Report } from '../../src/lib/report/model.js';
import { bufferedIo } from '../support/cli-io.js';

describe('flowlog-pilot demo (npm start)', () => {
  let dir: string;
  let io: ReturnType<typeof bufferedIo>;
  let code: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowlog-demo-'));
    io = bufferedIo(dir);
    code = await main(['demo', '--dir', 'run', '--records', '3000'], io);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when run on a fresh folder, it goes through every step and exits 0', () => {
    // Only progress, one line per step (stderr is not a terminal here).
    expect(io.stderr()).toMatch(/^((writing sample files|registering partitions|report queries|rollup-build \(stored daily rollup\)): .* in \d+(\.\d)? s( \(.*\))?\n)+$/);
    expect(code).toBe(0);
    for (const step of [
      '== 1. Sample',
      '== 2. Before any partition',
      '== 3. Register',
      '== 4. The same count',
      '== 5. A query',
      '== 6. The daily report',
      '== 7. The report for',
      '== 8. Did the reports',
    ]) {
      expect(io.stdout()).toContain(step);
    }
  });

  it('when counting before and after the partitions, it shows zero records, then exactly the records the sample wrote', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'run', 'bucket', 'sample-manifest.json'), 'utf8')) as SampleManifest;
    const counts = [...io.stdout().matchAll(/^records\n-+\n\s*(\d+)\n/gm)].map((m) => Number(m[1]));
    expect(counts).toEqual([0, manifest.records]);
  });

  it('when the report ran, it found every injected incident under its rule and wrote its files', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'run', 'bucket', 'sample-manifest.json'), 'utf8')) as SampleManifest;
    const report = JSON.parse(await readFile(join(dir, 'run', 'report', 'report.json'), 'utf8')) as Report;
    const injected = new Set(manifest.incidents.map((i) => i.rule));
    expect(injected.size).toBe(6);
    expect(new Set(report.findings.map((f) => f.rule))).toEqual(injected);
    // The incidents exist on the last day only: every finding is new today, and the demo says so.
    expect(report.findings.map((f) => f.newToday)).toEqual(report.findings.map(() => true));
    expect(io.stdout()).toMatch(/found {3}port-scan {16}.*\(new today\)/);
    expect(io.stdout()).toContain(`${manifest.incidents.length} of ${manifest.incidents.length} injected incidents found, 0 other findings.`);
  });

  it("when the report placed the findings' interfaces, each host is named by its instance's Name tag from the sample's instances.json", async () => {
    const report = JSON.parse(await readFile(join(dir, 'run', 'report', 'report.json'), 'utf8')) as Report;
    const hosts = [...report.findings, ...report.digests].flatMap((item) => item.places ?? []).filter((p) => p.instanceId !== undefined);
    expect(hosts.length).toBeGreaterThan(0);
    // The sample's interfaces carry no Name tag of their own: these names come from the instances.
    expect(hosts.filter((p) => !/^(web|app|db)-\d+$/.test(p.name ?? ''))).toEqual([]);
    expect(report.interfaces?.source).toBe('file interfaces.json and file instances.json');
  });

  it('when it ends, it prints where report.html is, and the page there shows the findings of report.json', async () => {
    const page = join(dir, 'run', 'report', 'report.html');
    const report = JSON.parse(await readFile(join(dir, 'run', 'report', 'report.json'), 'utf8')) as Report;

    expect(io.stdout().trimEnd().split('\n').slice(-5).join('\n')).toContain(page);
    const html = await readFile(page, 'utf8');
    expect([...html.matchAll(/<tr data-rule="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(report.findings.map((f) => f.rule).sort());
  });

  it('when the report ran with the demo watchlist, the accepted beacon is high and seen on all 7 earlier days, the rejected attempt medium and new', async () => {
    const report = JSON.parse(await readFile(join(dir, 'run', 'report', 'report.json'), 'utf8')) as Report;
    const finding = report.findings.find((f) => f.rule === 'watchlist');

    expect(await readFile(join(dir, 'run', 'watchlist.txt'), 'utf8')).toContain('192.0.2.128/26,known C2 (abuse feed)');
    expect(finding).toMatchObject({ severity: 'high', newToday: true, newRows: 1, seenOfDays: 7 });
    expect(finding?.rows.map((r) => [r.severity, r.label, r.listed_address, r.accepted, r.rejected, r.seen_days])).toEqual([
      ['high', 'known C2 (abuse feed)', '192.0.2.150', 11, 0, 7],
      ['medium', 'bulletproof hosting', '198.51.100.70', 0, 12, 0],
    ]);
    expect(io.stdout()).toMatch(/found {3}watchlist {16}.*192\.0\.2\.150:443 .*\(seen on 7 of the last 7 days, high\)/);
    expect(io.stdout()).toMatch(/found {3}watchlist {16}.*198\.51\.100\.70:8443 .*\(new today, medium\)/);
  });

  it('when the report ran with the demo suppressions file, the known scanner is listed apart and the expired entry is reported, not applied', async () => {
    const report = JSON.parse(await readFile(join(dir, 'run', 'report', 'report.json'), 'utf8')) as Report;

    expect(report.suppressed?.map((x) => [x.rule, x.count, x.rows[0]?.sourceaddress])).toEqual([['port-scan', 1, '198.51.100.250']]);
    expect(report.findings.find((f) => f.rule === 'port-scan')?.rows.map((r) => r.sourceaddress)).toEqual(['203.0.113.66']);
    expect(report.expiredSuppressions).toEqual([expect.objectContaining({ entry: 2, reason: 'Contractor RDP access during the migration' })]);
    expect(report.findings.find((f) => f.rule === 'admin-port-exposure')?.rows.map((r) => r.sourceaddress)).toContain('192.0.2.45');
    expect(io.stdout()).toMatch(/silenced port-scan {15}198\.51\.100\.250/);
    expect(io.stdout()).toContain('1 suppressed, 1 expired suppression');
  });

  it("when the report for the third day ran, both spike rules said 'baseline building: 2 of 3 days' and the last day's baseline was complete", async () => {
    const early = JSON.parse(await readFile(join(dir, 'run', 'report-early', 'report.json'), 'utf8')) as Report;
    const last = JSON.parse(await readFile(join(dir, 'run', 'report', 'report.json'), 'utf8')) as Report;

    expect(early.building?.map((b) => [b.rule, b.completeDays, b.requiredDays])).toEqual([
      ['egress-spike', 2, 3],
      ['reject-spike', 2, 3],
    ]);
    expect(early.baseline?.days.map((d) => d.complete)).toEqual([false, false, false, false, false, true, true]);
    expect(last.baseline).toMatchObject({ requiredDays: 3, completeDays: 7 });
    expect(io.stdout()).toMatch(/held {4}baseline maturity {8}\S+: egress-spike, reject-spike: baseline building: 2 of 3 days/);
  });
});
