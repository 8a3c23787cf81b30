import { existsSync, readFileSync } from 'node:fs';

/**
 * Stack traces in TypeScript terms, paid for only when an error is logged. The Lambda bundles
 * ship their source map beside them (`x.cjs.map`) but do not run with --enable-source-maps,
 * which made Node read and parse every map at each cold start (10 to 20 ms of module load, see
 * README "Performance"); a frame of a bundle is mapped here instead, from the map read the first
 * time an error is logged. Node's own `SourceMap` class decodes every mapping of a map when it is
 * built (seconds for a 1 MB map on a busy two-core machine), so the few frames of a stack are
 * looked up by a decoder that stops at the frame's line.
 */

/** The fields of a source map (version 3) a lookup needs. */
export interface SourceMapPayload {
  readonly sources: readonly string[];
  readonly mappings: string;
  readonly sourceRoot?: string;
}

/** A position in an original source; line and column start at 0, as in the map. */
export interface OriginalPosition {
  readonly source: string;
  readonly line: number;
  readonly column: number;
}

/** `    at fn (/path/file.cjs:12:345)`, `    at /path/file.cjs:12:345` or `    at async /path/file.cjs:12:345`. */
const FRAME = /^(\s+at (?:async )?(?:.+? \()?)((?:file:\/\/)?\/[^()]+?\.[cm]?js):(\d+):(\d+)(\)?)$/;
/** The cause chain is followed this deep at most (a cycle of causes stops here too). */
const MAX_CAUSES = 5;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i += 1) DIGIT[BASE64.charCodeAt(i)] = i;
const SEMICOLON = 59;
const COMMA = 44;

/**
 * The original position of a generated line and column (both from 0): the last mapping at or
 * before it, as Node's `SourceMap.findEntry` answers (for --enable-source-maps); undefined before
 * the first mapping or when the mapping names no source. Decodes the Base64 VLQ mappings only up
 * to the position asked for.
 */
export function originalPosition(map: SourceMapPayload, line: number, column: number): OriginalPosition | undefined {
  const text = map.mappings;
  const fields = [0, 0, 0, 0, 0];
  let generatedLine = 0;
  let generatedColumn = 0;
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  let found: OriginalPosition | undefined;
  let i = 0;
  while (i < text.length) {
    const char = text.charCodeAt(i);
    if (char === SEMICOLON) {
      if (generatedLine === line) break;
      generatedLine += 1;
      generatedColumn = 0;
      i += 1;
      continue;
    }
    if (char === COMMA) {
      i += 1;
      continue;
    }
    let count = 0;
    while (i < text.length && text.charCodeAt(i) !== COMMA && text.charCodeAt(i) !== SEMICOLON) {
      let value = 0;
      let scale = 1;
      let digit: number;
      do {
        digit = DIGIT[text.charCodeAt(i)] ?? -1;
        if (digit < 0) throw new Error(`source map: invalid mappings character at ${i}`);
        value += (digit & 31) * scale;
        scale *= 32;
        i += 1;
      } while ((digit & 32) !== 0);
      if (count < fields.length) fields[count] = value % 2 === 1 ? -(value - 1) / 2 : value / 2;
      count += 1;
    }
    generatedColumn += fields[0] ?? 0;
    if (count >= 4) {
      source += fields[1] ?? 0;
      sourceLine += fields[2] ?? 0;
      sourceColumn += fields[3] ?? 0;
    }
    if (generatedLine === line && generatedColumn > column) break;
    const name = count >= 4 ? map.sources[source] : undefined;
    found = name === undefined ? undefined : { source: `${map.sourceRoot ?? ''}${name}`, line: sourceLine, column: sourceColumn };
  }
  return found;
}

/** Parsed maps by bundle path, `null` for a bundle without a readable map: each read once per process. */
const maps = new Map<string, SourceMapPayload | null>();

function mapOf(file: string): SourceMapPayload | null {
  const known = maps.get(file);
  if (known !== undefined) return known;
  let map: SourceMapPayload | null = null;
  try {
    if (existsSync(`${file}.map`)) {
      const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as Partial<SourceMapPayload>;
      if (Array.isArray(payload.sources) && typeof payload.mappings === 'string') map = payload as SourceMapPayload;
    }
  } catch {
    // An unreadable map leaves the frame as it is: the stack must never be lost to its mapping.
    map = null;
  }
  maps.set(file, map);
  return map;
}

/**
 * The source a map names, as a path from the project folder: esbuild writes it relative to the
 * bundle (`../../../../src/lib/x.ts`, `../../../../node_modules/@smithy/...`), which would point
 * outside the function's folder on Lambda, where the sources are not shipped.
 */
function sourcePath(source: string): string {
  return source.replace(/^(?:\.\.?\/)+/, '');
}

/** One stack with every frame of a mapped bundle rewritten to its source file, line and column; other lines unchanged. */
export function sourceMappedStack(stack: string): string {
  return stack
    .split('\n')
    .map((line) => {
      const frame = FRAME.exec(line);
      if (frame === null) return line;
      const [, head = '', location = '', lineText = '', columnText = '', tail = ''] = frame;
      const file = location.startsWith('file://') ? new URL(location).pathname : location;
      const map = mapOf(file);
      if (map === null) return line;
      let position: OriginalPosition | undefined;
      try {
        position = originalPosition(map, Number(lineText) - 1, Number(columnText) - 1);
      } catch {
        position = undefined;
      }
      if (position === undefined) return line;
      return `${head}${sourcePath(position.source)}:${position.line + 1}:${position.column + 1}${tail}`;
    })
    .join('\n');
}

/**
 * The error with its stack, and its causes' stacks, in source terms (see sourceMappedStack): for
 * the one place each handler logs an unexpected error. Returns the same error object.
 */
export function withSourceMappedStack<E extends Error>(error: E): E {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth <= MAX_CAUSES; depth += 1, current = current.cause) {
    if (typeof current.stack === 'string') current.stack = sourceMappedStack(current.stack);
  }
  return error;
}
