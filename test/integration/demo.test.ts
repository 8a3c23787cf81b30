import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { SampleManifest } from '../../src/lib/sample/generate.js';
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
    for (const step of ['== 1. Sample', '== 2. Before any partition', '== 3. Register', '== 4. The same count', '== 5. A query', '== 6. The daily report', '== 7. Did the report']) {
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
    expect(injected.size).toBe(5);
    expect(new Set(report.findings.map((f) => f.rule))).toEqual(injected);
    expect(io.stdout()).toContain(`${manifest.incidents.length} of ${manifest.incidents.length} injected incidents found, 0 other findings.`);
  });

  it('when it ends, it prints where report.html is, and the page there shows the findings of report.json', async () => {
    const page = join(dir, 'run', 'report', 'report.html');
    const report = JSON.parse(await readFile(join(dir, 'run', 'report', 'report.json'), 'utf8')) as Report;

    expect(io.stdout().trimEnd().split('\n').slice(-5).join('\n')).toContain(page);
    const html = await readFile(page, 'utf8');
    expect([...html.matchAll(/<tr data-rule="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(report.findings.map((f) => f.rule).sort());
  });
});
