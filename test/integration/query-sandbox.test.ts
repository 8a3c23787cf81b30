import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import { openLocal } from '../../src/lib/wiring/local.js';
import { buildCli, type BuiltCli } from '../support/cli-process.js';
import { manyFlows, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

describe("flowlog-pilot query runs users' SQL confined to the data folder (a real CLI process)", { timeout: 120_000 }, () => {
  let cli: BuiltCli;
  let dirs: TempDirs;
  const flags = () => ['--data', dirs.dataDir, '--state', dirs.stateDir];
  const query = (sql: string) => cli.run(['query', ...flags(), sql]);

  beforeAll(async () => {
    cli = await buildCli();
    dirs = await tempDirs();
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(30) });
    const added = await cli.run(['partitions', 'add', '--date', '2026-11-01', ...flags()]);
    expect(added.code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await dirs.remove();
    await cli.remove();
  });

  it('when the SQL reads the table, the data folder through read_csv, or asks for its settings, it runs, and the settings are locked', async () => {
    // Act
    const count = await query('SELECT count(*) AS n FROM vpc_flow_logs');
    const direct = await query(`SELECT count(*) AS lines FROM read_text('${dirs.dataDir}/**/*.log.gz')`);
    const settings = await query("SELECT current_setting('enable_external_access') AS external, current_setting('lock_configuration') AS locked");

    // Assess
    expect(count.stdout).toMatch(/\b30\b/);
    expect(count.code).toBe(0);
    expect(direct.code).toBe(0);
    expect(settings.stdout).toMatch(/false\s+\|\s+true|false.*true/);
  });

  it('when the SQL reads a file outside the data folder, it is refused with one line naming the data folder', async () => {
    // Act
    const passwd = await query("SELECT content FROM read_text('/etc/passwd')");
    const escape = await query(`SELECT content FROM read_text('${dirs.dataDir}/../../../etc/passwd')`);
    const state = await query(`SELECT content FROM read_blob('${join(dirs.stateDir, 'state.duckdb')}')`);

    // Assess
    for (const run of [passwd, escape, state]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`query may read only files under the data folder ${dirs.dataDir}`);
    }
    expect(passwd.stderr).toContain('reading "/etc/passwd" is refused');
    expect(passwd.stderr).not.toContain('root:');
  });

  it('when the SQL writes, attaches, installs, loads, changes a setting or updates the state, it is refused with one line and nothing changes', async () => {
    // Prepare: the engine `query` opens, one handle for every statement (a process each would be slow)
    const handle = await openLocal(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: dirs.stateDir }), { sandbox: true });
    const statements = {
      copy: "COPY (SELECT 1 AS x) TO '/tmp/flowlog-pilot-sandbox-copy.csv'",
      copyInside: `COPY (SELECT 1 AS x) TO '${dirs.dataDir}/inside.csv'`,
      attach: `ATTACH '${join(dirs.stateDir, 'state.duckdb')}' AS s`,
      install: 'INSTALL inet',
      load: 'LOAD inet',
      set: 'SET enable_external_access = true',
      reset: 'RESET lock_configuration',
      create: 'CREATE TABLE t AS SELECT 1',
    };

    // Act
    const refusals: Record<string, string> = {};
    try {
      for (const [name, sql] of Object.entries(statements)) {
        refusals[name] = await handle.engine.execute(sql).then(
          () => 'ran',
          (error: unknown) => String((error as Error).message),
        );
      }
    } finally {
      await handle.close();
    }
    const update = await query("UPDATE flowlog_pilot_state.main.partitions SET location = '../../../etc/'");
    const after = await query('SELECT count(*) AS n FROM vpc_flow_logs');

    // Assess
    for (const [name, message] of Object.entries(refusals)) {
      expect(message, name).toMatch(
        /^query runs read-only statements \(SELECT, WITH, VALUES, DESCRIBE, SHOW\) and the partition statements .*; [A-Z]+ is refused \(README, "query"\)$/,
      );
    }
    expect(refusals.set).toContain('; SET is refused');
    expect(update.code).toBe(1);
    expect(update.stderr).toBe(
      'flowlog-pilot query: query runs read-only statements (SELECT, WITH, VALUES, DESCRIBE, SHOW) and the partition statements ALTER TABLE ... ADD/DROP PARTITION and SHOW PARTITIONS; UPDATE is refused (README, "query")\n',
    );
    expect(existsSync('/tmp/flowlog-pilot-sandbox-copy.csv')).toBe(false);
    expect(existsSync(join(dirs.dataDir, 'inside.csv'))).toBe(false);
    expect(after.stdout).toMatch(/\b30\b/);
  });

  it('when the SQL names the state catalog in a SELECT, it does not exist on the query connection', async () => {
    // Act
    const run = await query('SELECT location FROM flowlog_pilot_state.main.partitions');

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/flowlog_pilot_state/);
    expect(run.stdout).toBe('');
  });
});
