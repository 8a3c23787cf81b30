/**
 * Stack traces of a bundle built as the Lambda bundles are (esbuild, minified, names kept, CommonJS,
 * map beside the bundle without the sources), run in a fresh `node` without --enable-source-maps:
 * the frames are mapped to the TypeScript lines only when the error is logged, and the lookup
 * answers what Node's own SourceMap answers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originalPosition, sourceMappedStack, type SourceMapPayload } from '../../src/lib/source-mapped-stack.js';

const MAPPER = new URL('../../src/lib/source-mapped-stack.ts', import.meta.url).pathname;
// Line 3 of thrower.ts throws the cause, line 8 the error that wraps it.
const THROWER = `export function inner(): never {
  const detail = 'disk';
  throw new RangeError('inner failure ' + detail);
}
export function outer(): never {
  try { inner(); } catch (cause) {
    const context = { step: 'outer' };
    throw new Error('outer failure ' + context.step, { cause });
  }
}
`;
const ENTRY = `import { withSourceMappedStack } from ${JSON.stringify(MAPPER)};
import { outer } from './thrower.js';
try { outer(); } catch (error) {
  const raw = (error as Error).stack;
  const mapped = withSourceMappedStack(error as Error);
  process.stdout.write(JSON.stringify({ raw, stack: mapped.stack, cause: (mapped.cause as Error).stack }));
}
`;

describe('source-mapped stacks', () => {
  let dir = '';
  let bundle = '';

  beforeAll(async () => {
    // Prepare: a two-file program bundled with the Lambda bundles' options
    dir = mkdtempSync(join(tmpdir(), 'flowlog-stack-'));
    writeFileSync(join(dir, 'thrower.ts'), THROWER);
    writeFileSync(join(dir, 'entry.ts'), ENTRY);
    bundle = join(dir, 'out', 'entry.cjs');
    await build({
      entryPoints: [join(dir, 'entry.ts')],
      outfile: bundle,
      bundle: true,
      minify: true,
      keepNames: true,
      sourcemap: true,
      sourcesContent: false,
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      logLevel: 'silent',
    });
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const run = (): { raw: string; stack: string; cause: string } => {
    const child = spawnSync(process.execPath, [bundle], { encoding: 'utf8', env: { PATH: process.env.PATH, NODE_OPTIONS: '' } });
    expect(child.status, child.stderr).toBe(0);
    return JSON.parse(child.stdout) as { raw: string; stack: string; cause: string };
  };

  it('when a bundle runs without --enable-source-maps and logs an error, the error and its cause name the TypeScript lines', () => {
    // Act
    const { raw, stack, cause } = run();

    // Assess: the bundle's own frames were minified positions; the mapped ones are thrower.ts's lines
    expect(raw.split('\n')[1]).toMatch(/at outer \(.*entry\.cjs:\d+:\d+\)$/);
    expect(stack.split('\n')[0]).toBe('Error: outer failure outer');
    expect(stack.split('\n')[1]).toMatch(/^ {4}at outer \(thrower\.ts:8:11\)$/);
    expect(cause.split('\n')[1]).toMatch(/^ {4}at inner \(thrower\.ts:3:9\)$/);
    expect(stack).not.toContain('entry.cjs');
    // Node's own frames (no map beside them) are left as they are
    expect(stack).toMatch(/\(node:internal\/modules\/cjs\/loader:\d+:\d+\)/);
  });

  it("when positions across the whole bundle are looked up, each answer equals Node's SourceMap.findEntry", () => {
    // Prepare
    const payload = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as SourceMapPayload;
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const node = new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]);
    let compared = 0;

    for (let line = 0; line < lines.length; line += 1) {
      for (let column = 0; column <= (lines[line] ?? '').length; column += 7) {
        // Act
        const ours = originalPosition(payload, line, column);
        const theirs = node.findEntry(line, column) as { originalSource?: string; originalLine?: number; originalColumn?: number };

        // Assess
        expect(ours, `${line}:${column}`).toEqual(
          theirs.originalSource === undefined ? undefined : { source: theirs.originalSource, line: theirs.originalLine, column: theirs.originalColumn },
        );
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("when a frame's file has no map, or its map cannot be decoded, the stack is returned unchanged", () => {
    // Prepare
    const broken = join(dir, 'broken.cjs');
    writeFileSync(broken, 'x');
    writeFileSync(`${broken}.map`, JSON.stringify({ version: 3, sources: ['a.ts'], mappings: 'A!!;' }));
    const stack = ['Error: x', `    at f (${join(dir, 'nomap.cjs')}:1:5)`, `    at ${broken}:1:1`, `    at async ${broken}:1:1`, '    at async Promise.all (index 0)'].join('\n');

    // Act and assess
    expect(sourceMappedStack(stack)).toBe(stack);
  });

  it('when a frame of an async function has no name, it is mapped all the same', async () => {
    // Prepare: an anonymous async frame of the bundle, as V8 writes it (`at async /path:line:col`)
    const payload = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as SourceMapPayload;
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const line = lines.findIndex((text) => text.includes('inner failure'));
    const column = (lines[line] ?? '').indexOf('inner failure');
    const expected = originalPosition(payload, line, column);

    // Act
    const mapped = sourceMappedStack(`Error: x\n    at async ${bundle}:${line + 1}:${column + 1}`);

    // Assess
    expect(expected?.source).toBe('../thrower.ts');
    expect(mapped).toBe(`Error: x\n    at async thrower.ts:${(expected?.line ?? 0) + 1}:${(expected?.column ?? 0) + 1}`);
  });

  it('when a mapping names a position before the first mapping of the bundle, there is no answer', () => {
    expect(originalPosition({ sources: ['a.ts'], mappings: ';;KAAA' }, 1, 3)).toBeUndefined();
    expect(originalPosition({ sources: ['a.ts'], mappings: ';;KAAA' }, 2, 5)).toEqual({ source: 'a.ts', line: 0, column: 0 });
    expect(originalPosition({ sources: ['a.ts'], mappings: ';;KAAA' }, 2, 4)).toBeUndefined();
  });
});
