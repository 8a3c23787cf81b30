import { FlowlogError, asError } from './errors.js';

/**
 * The one place where an error becomes words for a person: a known error says what is wrong,
 * anything else says it was unexpected and keeps its message (never a stack or raw object).
 */
export function describeError(error: unknown): string {
  const full = diskFull(error);
  if (full !== undefined) return full;
  if (error instanceof FlowlogError) return error.message;
  const e = asError(error);
  return `unexpected error: ${e.message.split('\n')[0] ?? e.name}`;
}

/**
 * The one way a failure becomes a Lambda's answer: an Error whose name is the typed error's
 * (Lambda reports it as errorType, so alarms and the failure queue can tell a refused event from a
 * failed run) and whose message names the problem (errorMessage), never a raw object.
 */
export function invokeError(error: unknown, redact: (text: string) => string = (text) => text): Error {
  const answer = new Error(redact(describeError(error)));
  answer.name = error instanceof FlowlogError ? error.name : 'UnexpectedError';
  return answer;
}

const NO_SPACE = /No space left on device|ENOSPC/i;

/**
 * "The disk is full" with the file that could not be written, for Node's ENOSPC (the path comes
 * from the error or from a FlowlogError around it) and DuckDB's `Could not write file "...": No
 * space left on device`; undefined for any other error.
 */
export function diskFull(error: unknown): string | undefined {
  let path: string | undefined;
  let full = false;
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const err = asError(e) as NodeJS.ErrnoException;
    const context = e instanceof FlowlogError ? e.context : {};
    const text = [err.message, typeof context.detail === 'string' ? context.detail : ''].join('\n');
    if (err.code === 'ENOSPC' || NO_SPACE.test(text)) full = true;
    path ??= /Could not (?:write|open|create|append to) file "([^"]+)"/.exec(text)?.[1] ?? err.path ?? (typeof context.path === 'string' ? context.path : undefined);
  }
  if (!full) return undefined;
  return `the disk is full: could not write ${path ?? 'a file'}; free some space or choose another folder`;
}
