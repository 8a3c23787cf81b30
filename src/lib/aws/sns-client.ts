import { SNSClient } from '@aws-sdk/client-sns';
import { once } from './once.js';

/** The report topic's client. The SNS notifier retries with its own jittered policy, so the client makes one attempt per call. */
export const snsClient = once(() => new SNSClient({ maxAttempts: 1 }));
