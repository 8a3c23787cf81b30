/**
 * A bound on one whole SDK call (its own retries included), for calls that must end before a
 * deadline: the call is aborted through its AbortSignal and the caller gets a CallTimeout at the
 * bound even when the SDK, or a stand-in for it, ignores the signal.
 */

/** The call was still waiting for an answer when its time was up. */
export class CallTimeout extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} got no answer within ${timeoutMs} ms`);
    this.name = 'CallTimeout';
  }
}

/** Runs `send` with a signal that aborts after `timeoutMs` (no bound when undefined); at least 1 ms. */
export async function callWithin<T>(operation: string, timeoutMs: number | undefined, send: (abortSignal?: AbortSignal) => Promise<T>): Promise<T> {
  if (timeoutMs === undefined) return send();
  const boundMs = Math.max(1, Math.floor(timeoutMs));
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CallTimeout(operation, boundMs));
    }, boundMs);
  });
  try {
    return await Promise.race([send(controller.signal), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
