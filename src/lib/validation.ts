/**
 * The few pieces every schema (valibot) in the project shares: the name of the key an issue is
 * about, one error naming every bad key, and the project's own validators (days, time zones,
 * buckets) used inside a schema so their messages stay the ones users know.
 */
import * as v from 'valibot';
import { ValidationError, asError } from './errors.js';

/** One bad key and why. */
export interface Problem {
  readonly key: string;
  readonly message: string;
}

/** The issues of a failed parse, each with the key it is about (`root` when it is about the whole input). */
export function problemsOf(issues: readonly v.BaseIssue<unknown>[], root: string): Problem[] {
  return issues.map((issue) => {
    const key = issue.path?.map((item) => String(item.key)).join('.');
    return { key: key === undefined || key === '' ? root : key, message: issue.message };
  });
}

/** One ValidationError for every problem: its field is the first bad key, its message names them all. */
export function refusal(problems: readonly [Problem, ...Problem[]]): ValidationError {
  const [first, ...rest] = problems;
  return new ValidationError(first.key, [first.message, ...rest.map((p) => `${p.key}: ${p.message}`)].join('; '), { problems });
}

/** Parses `input` with `schema`, or throws one ValidationError naming every bad key. */
export function parseOrRefuse<S extends v.GenericSchema>(schema: S, input: unknown, root = 'event'): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw refusal(problemsOf(result.issues, root) as [Problem, ...Problem[]]);
}

/**
 * A validator of the project's (one that throws ValidationError) as a step of a schema: the value
 * it returns is the output, its message (without its own field name) the issue's.
 */
export function validatedBy<TInput, TOutput>(validate: (value: TInput) => TOutput): v.RawTransformAction<TInput, TOutput> {
  return v.rawTransform<TInput, TOutput>(({ dataset, addIssue, NEVER }) => {
    try {
      return validate(dataset.value);
    } catch (error) {
      addIssue({ message: error instanceof ValidationError ? error.message.replace(/^[^:]+: /, '') : asError(error).message });
      return NEVER;
    }
  });
}

/** Keys of `input` that the object schema does not name (valibot's strict objects report only the first). */
export function unknownKeys(input: object, schema: { readonly entries: Readonly<Record<string, unknown>> }): string[] {
  return Object.keys(input).filter((key) => !Object.hasOwn(schema.entries, key));
}

/** An object schema's message: for a key it lacks, for a key it does not know, or for input that is no object. */
export const objectMessage =
  (notAnObject: string) =>
  (issue: v.BaseIssue<unknown>): string =>
    issue.path === undefined ? notAnObject : issue.expected === 'never' ? 'unknown key' : 'missing';

/** `"a", "b"` for a message. */
export const quoted = (keys: readonly string[]): string => keys.map((key) => JSON.stringify(key)).join(', ');

/** `value` is a plain object (not null, not an array). */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> => value !== null && typeof value === 'object' && !Array.isArray(value);
