/**
 * A list file bundled for one run never ships in a later one: `serverless invoke local --param
 * watchlistFile=...` leaves serverless-esbuild's .esbuild/ behind with the list copied into it,
 * and a later `serverless package` zipped whatever it found there. Real osls runs, offline, in
 * the order a user types them; the zips are read back.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServerlessOffline } from '../../deploy/offline-serverless.js';
import { readZip } from '../../deploy/zip-reader.js';
import { writeSample } from '../../src/sample/write-sample.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DAY = '2026-11-24';
/** Inside the service folder (bundled lists must be) and git-ignored. */
const LISTS = `test-output/stale-lists-${process.pid}`;
const WATCHLIST_A = `${LISTS}/watchlist-a.txt`;
const WATCHLIST_B = `${LISTS}/watchlist-b.txt`;
const SUPPRESSIONS = `${LISTS}/suppressions.yml`;
const A_TEXT = '192.0.2.128/26,list A (the stale one)\n';
const B_TEXT = '198.51.100.64/27,list B (this run)\n';
const SUPPRESSIONS_TEXT = '- rule: port-scan\n  source: 198.51.100.250/32\n  reason: vendor scan\n  expires: 2099-01-01\n';

describe('packaging after serverless invoke local with bundled lists', () => {
  let dir: string;

  /** Every zip's entries: `zip name` -> entry name -> content. */
  function zips(outDir: string): Map<string, Map<string, Buffer>> {
    return new Map(
      readdirSync(outDir)
        .filter((f) => f.endsWith('.zip'))
        .map((f) => [f, readZip(readFileSync(join(outDir, f)))]),
    );
  }

  /** A local invoke of the report (serverless-esbuild copies the invoked function's files only), with the lists' params given as a user would. */
  async function invokeLocal(params: Readonly<Record<string, string>>): Promise<void> {
    await runServerlessOffline(
      ROOT,
      ['invoke', 'local', '-f', 'report', '--data', JSON.stringify({ date: DAY }), ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)],
      {
        FLOWLOG_ENGINE: 'local',
        FLOWLOG_DATA_DIR: join(dir, 'bucket'),
        FLOWLOG_STATE_DIR: join(dir, 'state'),
      },
      170_000,
    );
  }

  async function packageStack(params: Readonly<Record<string, string>>): Promise<Map<string, Map<string, Buffer>>> {
    const outDir = mkdtempSync(join(dir, 'package-'));
    await runServerlessOffline(
      ROOT,
      ['package', '--stage', 'ci', '--region', 'ap-northeast-1', '--package', outDir, ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)],
      {},
      170_000,
    );
    return zips(outDir);
  }

  const listEntries = (packaged: Map<string, Map<string, Buffer>>) =>
    [...packaged].flatMap(([zip, entries]) => [...entries.keys()].filter((name) => name.startsWith(LISTS)).map((name) => `${zip}:${name}`)).sort();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowlog-stale-lists-'));
    await writeSample({ out: join(dir, 'bucket'), endDate: DAY, days: 1, recordsPerDay: 200 });
    mkdirSync(join(ROOT, LISTS), { recursive: true });
    writeFileSync(join(ROOT, WATCHLIST_A), A_TEXT);
    writeFileSync(join(ROOT, WATCHLIST_B), B_TEXT);
    writeFileSync(join(ROOT, SUPPRESSIONS), SUPPRESSIONS_TEXT);
  }, 60_000);

  afterAll(() => {
    rmSync(join(ROOT, LISTS), { recursive: true, force: true });
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('when a package without the lists follows an invoke local with them, no zip carries a list file', async () => {
    // Prepare: the invoke leaves its build folder, list copies included, as serverless-esbuild does
    await invokeLocal({ watchlistFile: WATCHLIST_A, suppressionsFile: SUPPRESSIONS });
    expect(existsSync(join(ROOT, '.esbuild', '.build', '__only_report', WATCHLIST_A))).toBe(true);

    // Act
    const packaged = await packageStack({});

    // Assess
    expect(packaged.get('report.zip')?.size).toBeGreaterThan(0);
    expect(listEntries(packaged)).toEqual([]);
  }, 400_000);

  it('when a package with another list follows an invoke local with the first, the report zip carries only the new list, with its content', async () => {
    // Prepare
    await invokeLocal({ watchlistFile: WATCHLIST_A, suppressionsFile: SUPPRESSIONS });

    // Act
    const packaged = await packageStack({ watchlistFile: WATCHLIST_B });

    // Assess
    expect(listEntries(packaged)).toEqual([`report.zip:${WATCHLIST_B}`]);
    expect(packaged.get('report.zip')?.get(WATCHLIST_B)?.toString('utf8')).toBe(B_TEXT);
  }, 400_000);
});
