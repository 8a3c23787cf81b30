/**
 * The bundle section of the benchmark: each bundle is loaded the way Lambda's Node.js runtime
 * loads a handler file, and its figures are judged against issue 17's targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleVerdicts, lambdaLoadCode, type BundleFigures } from '../../bench/bundles.js';

const figures = (loadMs: number | undefined, zipBytes: number): BundleFigures => ({
  name: 'partitions',
  zipBytes,
  bundleBytes: 0,
  loadMs,
  loadSamplesMs: [],
  loadWithoutNodeOptionsMs: undefined,
  loadViaImportMs: 300,
});

describe('bundle verdicts', () => {
  it('when a bundle loads in 150 ms (issue 17: at most 150 ms), it passes; at 151 ms it misses', () => {
    expect(bundleVerdicts([figures(150, 1)])[0]).toMatch(/partitions module load .*PASS/);
    expect(bundleVerdicts([figures(151, 1)])[0]).toMatch(/partitions module load .*MISS/);
  });

  it('when a zip is 1,000,000 bytes (issue 17: at most 1 MB), it passes; one byte more misses', () => {
    expect(bundleVerdicts([figures(1, 1_000_000)])[1]).toMatch(/partitions zip size .*PASS/);
    expect(bundleVerdicts([figures(1, 1_000_001)])[1]).toMatch(/partitions zip size .*MISS/);
  });

  it('when a load could not be measured, it is n/a, never a silent PASS, and the import() figure is shown beside it', () => {
    const [line] = bundleVerdicts([figures(undefined, 1)]);
    expect(line).toMatch(/n\/a/);
    expect(line).toContain('[via import(): 300 ms]');
  });
});

describe('lambdaLoadCode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlog-load-code-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when the handler is .cjs it is require()d, and when it is .mjs it is import()ed, as the runtime does, and both load in a CommonJS node -e', () => {
    // Prepare: the CommonJS file says whether a require() loaded it (module.parent is set then, not under import())
    const cjs = join(dir, 'h.cjs');
    const mjs = join(dir, 'h.mjs');
    writeFileSync(cjs, 'process.stdout.write(module.parent ? "required" : "imported");');
    writeFileSync(mjs, 'process.stdout.write("module");');

    // Act
    const run = (file: string) => spawnSync(process.execPath, ['-e', lambdaLoadCode(file)], { encoding: 'utf8' });

    // Assess
    expect(lambdaLoadCode(cjs)).toBe(`require(${JSON.stringify(cjs)})`);
    expect(run(cjs).stdout).toBe('required');
    expect(lambdaLoadCode(mjs)).toMatch(/^import\(/);
    expect(run(mjs).stdout).toBe('module');
  });
});
