import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from './s3-client.js';
import { once } from '../aws/once.js';

/**
 * The S3 client the query jobs list the raw logs' folders with and keep the rollup days' records
 * through (src/lib/s3/s3-rollup-ledger.ts): built on first use, once per Lambda instance,
 * with the per-request timeouts of the other clients.
 */
export const s3LogsClient: () => S3Client = /* @__PURE__ */ once(() => createS3Client());
