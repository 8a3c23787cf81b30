import { loadCoreConfig } from '../../src/lib/config.js';
import { openLocal } from '../../src/lib/wiring/local.js';
import { describeQueryEngineContract } from '../contract/query-engine.contract.js';
import { flow, tempDirs, writeFlowLogFile } from '../support/flow-log-files.js';

describeQueryEngineContract('DuckDB (local)', async () => {
  const dirs = await tempDirs();
  await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow()] });
  const handle = await openLocal(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: dirs.stateDir }));
  return {
    engine: handle.engine,
    async cleanup() {
      await handle.close();
      await dirs.remove();
    },
  };
});
