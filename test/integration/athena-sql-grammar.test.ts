/**
 * Every statement the Athena path emits, collected by running the real use cases with a recording
 * engine (test/support/athena-statements.ts), parses with a Trino grammar (Athena engine v3 runs
 * DML on Trino) and, for DDL, with a Hive grammar (Athena runs ALTER TABLE through its Hive DDL
 * path). The grammars are dt-sql-parser's ANTLR ones: a syntax check, not Athena itself, but one
 * that catches what DuckDB accepts and Athena would not.
 */
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectAthenaStatements, statementKind, type EmittedStatement } from '../support/athena-statements.js';

describe('statements the Athena path emits', () => {
  let statements: EmittedStatement[] = [];
  const trino = new TrinoSQL();
  const hive = new HiveSQL();

  beforeAll(async () => {
    statements = await collectAthenaStatements();
  }, 60_000);

  it('when the jobs run every scenario, they emit each kind of statement the Athena path has', () => {
    const kinds = new Set(statements.map((s) => statementKind(s.sql)));
    expect([...kinds].sort()).toEqual(['ALTER TABLE ADD PARTITION', 'ALTER TABLE DROP PARTITION', 'ALTER TABLE SET LOCATION', 'INSERT INTO', 'SELECT']);
    const scenarios = new Set(statements.map((s) => s.scenario.replace(/ \(.*\)$/, '')));
    expect(scenarios.size).toBe(15);
    console.log(
      `${statements.length} statements from ${new Set(statements.map((s) => s.scenario)).size} scenario runs: ${[...kinds].map((k) => `${k} ${statements.filter((s) => statementKind(s.sql) === k).length}`).join(', ')}`,
    );
  });

  it('when each DML statement (SELECT, INSERT INTO) is parsed with the Trino grammar, it has no syntax error', () => {
    const dml = statements.filter((s) => ['SELECT', 'INSERT INTO'].includes(statementKind(s.sql) ?? ''));
    expect(dml.length).toBeGreaterThan(0);
    const failures = dml.flatMap((s) => trino.validate(s.sql).map((e) => `${s.scenario} ${s.label}: ${e.message} at ${e.startLine}:${e.startColumn}`));
    expect(failures).toEqual([]);
  }, 120_000);

  it('when each DDL statement (ALTER TABLE) is parsed with the Hive grammar, it has no syntax error', () => {
    const ddl = statements.filter((s) => statementKind(s.sql)?.startsWith('ALTER TABLE'));
    expect(ddl.length).toBeGreaterThan(0);
    const failures = ddl.flatMap((s) => hive.validate(s.sql).map((e) => `${s.scenario} ${s.label}: ${e.message} at ${e.startLine}:${e.startColumn}`));
    expect(failures).toEqual([]);
  }, 120_000);

  it('when the watchlist rule runs on the Athena path, its statement carries the blocks as a VALUES relation and parses as Trino', () => {
    const watchlist = statements.filter((s) => s.label === 'watchlist');
    expect(watchlist.length).toBeGreaterThan(0);
    for (const s of watchlist) {
      expect(s.sql).toContain("('partner''s scanner', '203.0.113.7', 4, 32, '3405803783', '3405803783')");
      expect(s.sql).toContain("('IPv6 C2', '2001:db8:bad::/48', 6, 48, '20010db80bad00000000000000000000', '20010db80badffffffffffffffffffff')");
      expect(trino.validate(s.sql)).toEqual([]);
    }
  });

  it('when a statement is broken, the grammars say so (the check can fail)', () => {
    expect(trino.validate('SELECT count(* FROM flowlogs_ci.vpc_flow_logs').length).toBeGreaterThan(0);
    expect(hive.validate("ALTER TABLE flowlogs_ci.vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '2026/11/01' LOCATION 's3://b/'").length).toBeGreaterThan(0);
  });
});
