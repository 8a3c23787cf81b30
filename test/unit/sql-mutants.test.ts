import { describe, expect, it } from 'vitest';
import { sqlMutants, type SqlMutant } from '../../scripts/sql-mutants.mjs';

/** The mutants as `line:column kind original -> replacement`, in the generator's order. */
const described = (mutants: readonly SqlMutant[]) => mutants.map((m) => `${m.line}:${m.column} ${m.kind} ${m.original} -> ${m.replacement}`);

describe('SQL mutants of a saved query', () => {
  it('when the query compares with >=, >, <=, <, = and <>, it makes each the mutant the rules care about', () => {
    const sql = 'SELECT a FROM t WHERE a >= b OR a > b OR a <= b OR a < b OR a = b OR a <> b OR a != b';

    const comparisons = sqlMutants(sql).filter((m) => m.kind === 'comparison');

    expect(comparisons.map((m) => `${m.original} -> ${m.replacement}`)).toEqual(['>= -> >', '> -> >=', '<= -> <', '< -> <=', '= -> <>', '<> -> =', '!= -> =']);
    expect(comparisons[0]?.text).toBe('SELECT a FROM t WHERE a > b OR a > b OR a <= b OR a < b OR a = b OR a <> b OR a != b');
  });

  it('when a line has the header comments, strings, quoted names and placeholders, it mutates none of them', () => {
    const sql = [
      '-- title: a >= b and 1 = 2',
      '-- param: min_ports = 100',
      'SELECT \'a >= 1 AND b\' AS x, "c = 2" FROM t -- trailing 3 > 2',
      'WHERE y IN ({{admin_ports}}) /* 5 < 6 OR */',
    ].join('\n');

    expect(sqlMutants(sql)).toEqual([]);
  });

  it('when a number is in the code, it makes one mutant one more and one one less, keeping a decimal part', () => {
    const sql = 'SELECT round(x, 1) FROM t WHERE ratio >= 2.0';

    expect(described(sqlMutants(sql).filter((m) => m.kind === 'number'))).toEqual(['1:17 number 1 -> 2', '1:17 number 1 -> 0', '1:42 number 2.0 -> 3.0', '1:42 number 2.0 -> 1.0']);
  });

  it('when a number follows a minus sign, its negative neighbour is bracketed so it does not start a comment', () => {
    const mutant = sqlMutants('SELECT x -0 FROM t').find((m) => m.replacement.startsWith('('));

    expect(mutant?.text).toBe('SELECT x -(-1) FROM t');
  });

  it('when a condition starts a line with AND, it makes AND an OR and drops the line, keeping the line numbers', () => {
    const sql = ['SELECT a', 'FROM t', 'WHERE a IS NOT NULL', '  AND (b IS NULL OR c IS NULL)', 'GROUP BY a'].join('\n');

    const mutants = sqlMutants(sql);

    expect(described(mutants)).toEqual(['4:3 logical AND -> OR', '4:3 condition AND (b IS NULL OR c IS NULL) -> (line dropped)', '4:18 logical OR -> AND']);
    expect(mutants[1]?.text).toBe(['SELECT a', 'FROM t', 'WHERE a IS NOT NULL', '', 'GROUP BY a'].join('\n'));
  });

  it('when AND closes a BETWEEN on its line, it is left alone; a condition after a BETWEEN placeholder is still mutated', () => {
    const sql = ['SELECT a FROM t', 'WHERE k BETWEEN w.first AND w.last', '  AND p NOT BETWEEN {{ephemeral_ports}}', '  AND q'].join('\n');

    const logical = described(sqlMutants(sql).filter((m) => m.kind !== 'comparison'));

    expect(logical).toEqual([
      '3:3 logical AND -> OR',
      '3:3 condition AND p NOT BETWEEN {{ephemeral_ports}} -> (line dropped)',
      '4:3 logical AND -> OR',
      '4:3 condition AND q -> (line dropped)',
    ]);
  });

  it('when a condition line leaves a parenthesis open, it is not dropped (the rest would not parse)', () => {
    const sql = ['SELECT a FROM t', 'WHERE a = 1', '  AND (b = 2', '    OR c = 3)'].join('\n');

    expect(sqlMutants(sql).filter((m) => m.kind === 'condition')).toEqual([]);
  });

  it('when words only contain AND or digits (band, o1), they are not mutated', () => {
    expect(sqlMutants('SELECT band, o1, or_else FROM t1')).toEqual([]);
  });
});
