import { FlowlogError, asError } from './errors.js';

/**
 * The one place where an error becomes words for a person: a known error says what is wrong,
 * anything else says it was unexpected and keeps its message (never a stack or raw object).
 */
export function describeError(error: unknown): string {
  if (error instanceof FlowlogError) return error.message;
  const e = asError(error);
  return `unexpected error: ${e.message.split('\n')[0] ?? e.name}`;
}
