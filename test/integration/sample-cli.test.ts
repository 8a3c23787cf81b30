import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import { readLogFiles } from '../support/flow-rules.js';

let root: string;

function bufferIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: root, stdout: () => out, stderr: () => err };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flowlog-sample-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('flowlog-pilot sample', () => {
  it('when run with a folder, days and records, it writes the sample, prints a summary and the next commands', async () => {
    const io = bufferIo();

    const code = await main(['sample', '--out', 'data', '--date', '2026-11-20', '--days', '2', '--records', '400', '--seed', 'cli'], io);

    expect(code).toBe(0);
    expect(io.stderr()).toMatch(/^writing sample files: 48\/48 files in \d+(\.\d)? s\n$/);
    const manifest = JSON.parse(readFileSync(join(root, 'data', 'sample-manifest.json'), 'utf8')) as SampleManifest;
    const files = readLogFiles(join(root, 'data'));
    expect(files.reduce((n, f) => n + f.rows.length, 0)).toBe(manifest.records);
    expect(manifest.days).toEqual(['2026-11-19', '2026-11-20']);
    expect(io.stdout()).toContain(`Wrote ${manifest.files} files, ${manifest.records.toLocaleString('en-US')} records (2 days 2026-11-19..2026-11-20, 1 source)`);
    for (const rule of ['port-scan', 'admin-port-exposure', 'admin-port-brute-force', 'reject-spike', 'egress-spike']) expect(io.stdout()).toContain(`  ${rule}: `);
    expect(io.stdout()).toContain(`flowlog-pilot partitions add --data ${join(root, 'data')} --from 2026-11-19 --to 2026-11-20`);
    expect(io.stdout()).toContain('flowlog-pilot query --data');
  });

  it('when --quiet, --sources and --format-string are given, it writes quiet data for each source in that format', async () => {
    const io = bufferIo();

    const code = await main(
      [
        'sample',
        '--out',
        'quiet',
        '--date',
        '2026-11-20',
        '--records',
        '200',
        '--quiet',
        '--sources',
        '111111111111:us-east-1,222222222222:eu-west-1',
        '--format-string',
        '${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${action} ${flow-direction} ${log-status}',
      ],
      io,
    );

    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(root, 'quiet', 'sample-manifest.json'), 'utf8')) as SampleManifest;
    expect(manifest.incidents).toEqual([]);
    expect(manifest.sources.map((s) => s.account)).toEqual(['111111111111', '222222222222']);
    const files = readLogFiles(join(root, 'quiet'));
    expect(new Set(files.map((f) => f.header))).toEqual(new Set(['version interface-id srcaddr dstaddr dstport action flow-direction log-status']));
    expect(io.stdout()).toContain('No incidents (--quiet)');
  });

  it.each([
    [['--out', 'bad', '--days', '0'], '--days'],
    [['--out', 'bad', '--records', '-5'], '--records'],
    [['--out', 'bad', '--records', '1e3'], '--records'],
    [['--out', 'bad', '--date', '2026-13-01'], '--date'],
    [['--out', 'bad', '--date', 'yesterday'], '--date'],
    [['--out', 'bad', '--sources', '123:ap-northeast-1'], '--sources'],
    [['--out', 'bad', '--format-string', '${version} ${no-such-field}'], '--format-string'],
    [['--out', 'bad', '--bogus'], "'--bogus'"],
    [['--days', '2'], '--out'],
  ])('when given %j, it fails naming %s and writes nothing', async (args, flag) => {
    const io = bufferIo();

    const code = await main(['sample', ...args], io);

    // A flag the command does not have (`-5` reads as one) is a usage error: exit 2; a bad value, 1.
    expect(code).toBe(args.includes('--bogus') || args.includes('-5') ? 2 : 1);
    expect(io.stderr()).toMatch(/^flowlog-pilot sample: /);
    expect(io.stderr()).toContain(flag);
    expect(io.stdout()).toBe('');
    expect(existsSync(join(root, 'bad'))).toBe(false);
  });

  it('when several flags are bad, one error names each of them by its flag and nothing is written', async () => {
    const io = bufferIo();

    const code = await main(['sample', '--out', 'bad', '--days', '0', '--records', '1e3', '--date', '2026-02-30', '--file-format', 'orc'], io);

    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^flowlog-pilot sample: --date: 2026-02-30 is not a real calendar day; /);
    expect(io.stderr()).toContain('--days: must be a whole number from 1 to 366, got "0"');
    expect(io.stderr()).toContain('--records: must be a whole number from 1 to 100000000, got "1e3"');
    expect(io.stderr()).toContain('--file-format: must be one of plain-text, parquet, got "orc"');
    expect(existsSync(join(root, 'bad'))).toBe(false);
  });

  it('when a value is refused by the library (a seed over 200 characters), the error names the flag', async () => {
    const io = bufferIo();

    const code = await main(['sample', '--out', 'bad', '--seed', 'x'.repeat(201)], io);

    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^flowlog-pilot sample: --seed: expected 1 to 200 characters/);
    expect(existsSync(join(root, 'bad'))).toBe(false);
  });

  it('when asked for help, it explains every flag', async () => {
    const io = bufferIo();

    const code = await main(['sample', '--help'], io);

    expect(code).toBe(0);
    for (const flag of ['--out', '--date', '--days', '--records', '--seed', '--quiet', '--format-string', '--sources']) expect(io.stdout()).toContain(flag);
  });
});
