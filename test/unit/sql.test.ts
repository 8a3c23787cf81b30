import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/lib/errors.js';
import { addPartitionStatements } from '../../src/lib/partitions/ddl.js';
import { identifier, integerLiteral, placeholdersOf, qualifiedName, renderTemplate, stringLiteral } from '../../src/lib/sql/sql.js';

describe('SQL values', () => {
  it.each([['flow logs'], ['Flowlogs'], ['"x"'], ['x"; DROP TABLE y; --'], ['logs`'], ['ログ'], ['1abc'], ['_x'], [''], ['a'.repeat(256)]])(
    'when an identifier is %j, it is refused naming the field',
    (name) => {
      expect(() => identifier(name, 'database')).toThrow(ValidationError);
      expect(() => identifier(name, 'database')).toThrow(/^database: .*not a valid Athena name/);
    },
  );

  it('when an identifier follows Athena rules, it is used as is', () => {
    expect(String(qualifiedName('test_vpc_flowlogs', 'test_table_vpc_flowlogs'))).toBe('test_vpc_flowlogs.test_table_vpc_flowlogs');
  });

  it('when any string becomes a literal, it stays one literal: quotes doubled, nothing escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        // eslint-disable-next-line no-control-regex -- the property is about strings without control characters
        fc.pre(!/[\u0000-\u001f\u007f]/.test(value));
        const literal = String(stringLiteral(value));
        expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
        const inner = literal.slice(1, -1);
        expect(inner.replaceAll("''", '')).not.toContain("'");
        expect(inner.replaceAll("''", "'")).toBe(value);
      }),
    );
  });

  it('when a string carries SQL, it is quoted into a harmless literal', () => {
    expect(String(stringLiteral("2026-01-01'; DROP TABLE x; --"))).toBe("'2026-01-01''; DROP TABLE x; --'");
  });

  it('when a string carries a control character, it is refused', () => {
    expect(() => stringLiteral('a\nb', 'location')).toThrow('location: "a\\nb" contains a control character');
  });

  it('when a number is not a whole safe integer, it is refused', () => {
    expect(() => integerLiteral(1.5, 'min_ports')).toThrow('min_ports: expected a whole number, got 1.5');
    expect(() => integerLiteral(Number.NaN, 'min_ports')).toThrow(ValidationError);
    expect(String(integerLiteral(100))).toBe('100');
  });
});

describe('templates', () => {
  it('when a placeholder has no value, it names it and renders nothing', () => {
    expect(() => renderTemplate('SELECT * FROM {{table}} WHERE x = {{value}}', { table: identifier('t') }, 'q')).toThrow('q: no value for {{value}}');
  });

  it('when a value is a plain string instead of a validated fragment, it is refused', () => {
    const params = { table: 'x; DROP TABLE y' } as unknown as Record<string, ReturnType<typeof identifier>>;
    expect(() => renderTemplate('SELECT * FROM {{table}}', params)).toThrow(/no value for \{\{table\}\}/);
  });

  it('when a comment names a placeholder, it is left as prose and never filled', () => {
    const text = '-- reads {{rows}} from the table\nSELECT {{value}}';
    expect(renderTemplate(text, { value: integerLiteral(7) })).toBe('SELECT 7');
  });

  it('when a template repeats a placeholder, it lists it once and fills every use', () => {
    expect(placeholdersOf('{{a}} {{ b }} {{a}}')).toEqual(['a', 'b']);
    expect(renderTemplate('{{a}}-{{a}}', { a: integerLiteral(7) })).toBe('7-7');
  });

  it('when partition values or locations carry quotes, the DDL keeps them inside literals', () => {
    const statements = addPartitionStatements('flowlogs', 'vpc_flow_logs', ['dt'], [{ values: { dt: "2026/11/01'; DROP TABLE x; --" }, location: "s3://b/it's/" }]);
    expect(statements[0]?.sql).toContain("PARTITION (dt = '2026/11/01''; DROP TABLE x; --') LOCATION 's3://b/it''s/'");
  });
});
