import { describe, expect, it } from 'vitest';
import { stackTags } from '../../deploy/stack-tags.js';

const defaults = { service: 'flowlog-pilot', stage: 'prod' };
const many = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join(',');

describe('stack tags', () => {
  it('when no tags are given, the stack is tagged with its service and stage', () => {
    expect(stackTags('', defaults)).toEqual({ service: 'flowlog-pilot', stage: 'prod' });
  });

  it('when key=value pairs are given, they are added, a value may hold = and be empty, and service or stage may be overridden', () => {
    expect(stackTags(' team=secops , cost-center=1234,expr=a=b,note=,stage=production', defaults)).toEqual({
      service: 'flowlog-pilot',
      stage: 'production',
      team: 'secops',
      'cost-center': '1234',
      expr: 'a=b',
      note: '',
    });
  });

  it('when 48 tags are given (50 with service and stage) they are kept, and 49 are refused (AWS: at most 50 user tags per resource)', () => {
    expect(Object.keys(stackTags(many(48), defaults))).toHaveLength(50);
    expect(() => stackTags(many(49), defaults)).toThrow(/51 tags with service and stage, more than the 50 a resource can carry/);
  });

  it('when a key is 128 characters it is kept and at 129 refused; a value of 256 is kept and 257 refused (AWS tag limits)', () => {
    expect(stackTags(`${'k'.repeat(128)}=v`, defaults)).toHaveProperty('k'.repeat(128), 'v');
    expect(() => stackTags(`${'k'.repeat(129)}=v`, defaults)).toThrow(/must be 1 to 128 characters/);
    expect(stackTags(`k=${'v'.repeat(256)}`, defaults).k).toHaveLength(256);
    expect(() => stackTags(`k=${'v'.repeat(257)}`, defaults)).toThrow(/value of "k" must be at most 256 characters/);
  });

  it('when entries are malformed, one ConfigError names every problem before anything is packaged', () => {
    let error: unknown;
    try {
      stackTags('team,aws:owner=me,=x,a=1,a=2,bad=semi;colon', defaults);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ConfigError' });
    expect((error as { problems: string[] }).problems).toEqual([
      'param tags: "team" is not key=value',
      'param tags: "aws:owner" starts with aws:, which AWS keeps for itself',
      'param tags: the key of "=x" must be 1 to 128 characters',
      'param tags: "a" is given twice',
      'param tags: "bad=semi;colon" may hold only letters, digits, spaces and _ . : / = + - @',
    ]);
  });
});
