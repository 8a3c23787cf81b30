import type { QueryExecution } from '@aws-sdk/client-athena';

/** Athena's AthenaError.ErrorCategory: 1 system, 2 user, 3 other. */
export type FailureCategory = 'system' | 'user' | 'other' | 'unknown';

/** What one GetQueryExecution answer means for the caller that is waiting on it. */
export type QueryState =
  | { readonly kind: 'running'; readonly state: 'QUEUED' | 'RUNNING' }
  | { readonly kind: 'succeeded' }
  | {
      readonly kind: 'failed';
      readonly reason: string;
      /** Athena's own judgement (AthenaError.Retryable): a fresh start may succeed. */
      readonly retryable: boolean;
      readonly category: FailureCategory;
      readonly errorType: number | undefined;
    }
  | {
      readonly kind: 'cancelled';
      readonly reason: string;
      /** Cancelled by the workgroup's per-query bytes-scanned limit, not by a person. */
      readonly bytesCutoff: boolean;
      readonly bytesScanned: number | undefined;
    };

const CATEGORIES: Readonly<Record<number, FailureCategory>> = { 1: 'system', 2: 'user', 3: 'other' };

// The per-query data usage control cancels with a reason about the bytes-scanned limit; the exact
// wording is not documented, so the test is on the words that identify it.
const BYTES_CUTOFF = /bytes[ -]scanned (cutoff|limit)|data usage (control|limit)|BytesScannedCutoffPerQuery|scanned[^.]*exceed|exceed[^.]*scan/i;

/**
 * Classifies a GetQueryExecution answer. Pure, so the polling loop only polls and every case
 * (a missing status, RUNNING falling back to QUEUED, a cancelled over-budget scan) is tested
 * without an Athena.
 */
export function classifyQueryExecution(execution: QueryExecution | undefined): QueryState {
  const status = execution?.Status;
  const athenaError = status?.AthenaError;
  const reason = athenaError?.ErrorMessage ?? status?.StateChangeReason ?? '';
  switch (status?.State) {
    case 'SUCCEEDED':
      return { kind: 'succeeded' };
    case 'FAILED':
      return {
        kind: 'failed',
        reason: reason || 'Athena gave no reason',
        retryable: athenaError?.Retryable === true,
        category: CATEGORIES[athenaError?.ErrorCategory ?? 0] ?? 'unknown',
        errorType: athenaError?.ErrorType,
      };
    case 'CANCELLED': {
      const text = [status.StateChangeReason, athenaError?.ErrorMessage].filter((t) => t !== undefined && t !== '').join(' ');
      return {
        kind: 'cancelled',
        reason: text || 'cancelled with no reason given (StopQueryExecution or the console)',
        bytesCutoff: BYTES_CUTOFF.test(text),
        bytesScanned: execution?.Statistics?.DataScannedInBytes,
      };
    }
    case 'RUNNING':
      return { kind: 'running', state: 'RUNNING' };
    default:
      // QUEUED, or a status not filled in yet right after the start.
      return { kind: 'running', state: 'QUEUED' };
  }
}
