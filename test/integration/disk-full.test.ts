import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeError } from '../../src/lib/answers.js';
import { loadCoreConfig } from '../../src/lib/config.js';
import { FlowlogError } from '../../src/lib/errors.js';
import { openLocal, type LocalHandle } from '../../src/lib/wiring/local.js';
import { manyFlows, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

// /dev/full answers every write with ENOSPC, exactly as a full disk does.
describe('a full disk is named with the file that could not be written', () => {
  let dirs: TempDirs;
  let handle: LocalHandle | undefined;

  beforeEach(async () => {
    dirs = await tempDirs();
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(5) });
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    await dirs.remove();
  });

  it('when DuckDB runs out of space writing a file, the answer says the disk is full and names the file', async () => {
    // Prepare
    handle = await openLocal(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: dirs.stateDir }));

    // Act
    const error = await handle.engine.execute("COPY (SELECT range FROM range(100000)) TO '/dev/full' (FORMAT csv)").catch((e: unknown) => e);

    // Assess
    expect(describeError(error)).toBe('the disk is full: could not write /dev/full; free some space or choose another folder');
  });

  it('when Node cannot write a file for lack of space, the path given with the error is named', async () => {
    // Act
    const error = await writeFile('/dev/full', 'x'.repeat(100_000)).catch(
      (e: unknown) => new FlowlogError('could not write /srv/out/report.json', { path: '/srv/out/report.json' }, { cause: e }),
    );

    // Assess
    expect(describeError(error)).toBe('the disk is full: could not write /srv/out/report.json; free some space or choose another folder');
    expect(describeError(new Error('No such file'))).toBe('unexpected error: No such file');
  });
});
