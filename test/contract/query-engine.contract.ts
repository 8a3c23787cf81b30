import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../../src/lib/errors.js';
import type { QueryEngine } from '../../src/lib/ports.js';

export interface ContractSubject {
  readonly engine: QueryEngine;
  cleanup(): Promise<void>;
}

/**
 * Behaviour every QueryEngine must share, so saved queries, reports and the CLI do not care
 * which engine ran them. Each adapter's tests call this with its own setup.
 */
export function describeQueryEngineContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(`QueryEngine contract: ${name}`, () => {
    let subject: ContractSubject;

    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    it('when a query returns typed values, numbers are numbers, text is text and NULL is null', async () => {
      // Act
      const result = await subject.engine.execute("SELECT CAST(1 AS INTEGER) AS i, CAST(2 AS BIGINT) AS b, 1.5 AS d, 'x' AS s, NULL AS n");

      // Assess
      expect(result.rows).toEqual([{ i: 1, b: 2, d: 1.5, s: 'x', n: null }]);
      expect(result.columns.map((c) => c.name)).toEqual(['i', 'b', 'd', 's', 'n']);
      expect(result.columns.slice(0, 2).map((c) => c.type)).toEqual(['integer', 'bigint']);
      expect(['decimal', 'double']).toContain(result.columns[2]?.type);
      expect(result.columns[3]?.type).toBe('varchar');
      expect(result.rowsLeftOut).toBe(0);
      expect(result.queryId).toMatch(/\S/);
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('when maxRows is less than the rows, it keeps that many and counts the rest in rowsLeftOut', async () => {
      // Act
      const result = await subject.engine.execute('SELECT x FROM (VALUES (1), (2), (3), (4), (5)) AS t (x) ORDER BY x', { maxRows: 2 });

      // Assess
      expect(result.rows).toEqual([{ x: 1 }, { x: 2 }]);
      expect(result.rowsLeftOut).toBe(3);
    });

    it('when the statement is not valid, it fails with a QueryError', async () => {
      // Act
      const failure = await subject.engine.execute('SELEC nothing FROM').catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(QueryError);
      expect((failure as QueryError).message).not.toBe('');
    });

    it('when two queries run, each gets its own query id', async () => {
      // Act
      const first = await subject.engine.execute('SELECT 1 AS one');
      const second = await subject.engine.execute('SELECT 1 AS one');

      // Assess
      expect(first.queryId).not.toBe(second.queryId);
    });
  });
}
