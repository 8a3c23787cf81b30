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
