/**
 * Typed errors. Every failure the tool knows about is one of these, carrying the facts a user
 * needs (which field, which file, which query); handlers and the CLI turn them into answers in
 * one place each (src/lib/answers.ts).
 */
export type ErrorContext = Readonly<Record<string, unknown>>;

export class FlowlogError extends Error {
  readonly context: ErrorContext;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** Input that cannot be used as given: a malformed date, an unknown key, a hostile string. */
export class ValidationError extends FlowlogError {
  readonly field: string;

  constructor(field: string, message: string, context: ErrorContext = {}) {
    super(`${field}: ${message}`, { field, ...context });
    this.field = field;
  }
}

/** A command line that cannot be understood (unknown command or flag, missing value): exit code 2. */
export class UsageError extends ValidationError {}

/** Configuration that failed to load; names every bad key at once. */
export class ConfigError extends FlowlogError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`, { problems });
    this.problems = problems;
  }
}

/** Something the user points at does not exist (a table, a data folder). */
export class NotFoundError extends FlowlogError {}

/** A query that the engine refused, failed or cancelled. */
export class QueryError extends FlowlogError {
  readonly queryId: string | undefined;
  readonly state: string | undefined;

  constructor(message: string, context: ErrorContext & { queryId?: string; state?: string } = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.queryId = context.queryId;
    this.state = context.state;
  }
}

/** Work that could not finish before a deadline (the Lambda's remaining time). */
export class DeadlineError extends FlowlogError {}

/** Local state that cannot be used: locked by another run, not writable. */
export class StateError extends FlowlogError {}

/** A message a channel (SNS, a Slack webhook) did not accept; never carries a secret URL. */
export class DeliveryError extends FlowlogError {}

/** Narrows any caught value to an Error, so nothing raw reaches a caller. */
export function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
