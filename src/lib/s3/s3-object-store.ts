import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { callWithin } from '../aws/call-timeout.js';
import { FlowlogError, ValidationError, asError } from '../errors.js';
import type { FolderDeletion, ObjectStore } from '../ports.js';

/** S3's DeleteObjects takes at most 1,000 keys per request (Amazon S3 API Reference, DeleteObjects). */
export const S3_MAX_DELETE_KEYS = 1000;

/** Keys cut into DeleteObjects requests of at most `maxKeys`, in order. */
export function deleteBatches(keys: readonly string[], maxKeys = S3_MAX_DELETE_KEYS): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += maxKeys) batches.push(keys.slice(i, i + maxKeys));
  return batches;
}

/** `s3://bucket/some/folder/` as bucket and key prefix; anything that is not a folder is refused, so a delete can never reach a sibling whose name starts alike. */
export function parseFolder(folder: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+\/)$/.exec(folder);
  if (match === null) throw new ValidationError('folder', `${JSON.stringify(folder)} is not an s3://bucket/folder/ location ending in /`);
  return { bucket: match[1] as string, prefix: match[2] as string };
}

/**
 * The ObjectStore on S3: lists a folder with ListObjectsV2 (every page) and deletes what it lists
 * with DeleteObjects, 1,000 keys per request. The client is built once in the AWS wiring with the
 * per-request timeouts of the other clients; `deadlineMs` also bounds each call.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly #client: S3Client;

  constructor(options: { readonly client: S3Client }) {
    this.#client = options.client;
  }

  async deleteFolder(folder: string, options: { readonly deadlineMs?: number } = {}): Promise<FolderDeletion> {
    const { bucket, prefix } = parseFolder(folder);
    const left = () => (options.deadlineMs === undefined ? undefined : options.deadlineMs - Date.now());
    let deleted = 0;
    let token: string | undefined;
    try {
      do {
        const page = await callWithin('ListObjectsV2', left(), (abortSignal) =>
          this.#client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }), { abortSignal }),
        );
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
        for (const batch of deleteBatches(keys)) {
          const answer = await callWithin('DeleteObjects', left(), (abortSignal) =>
            this.#client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }), { abortSignal }),
          );
          const errors = answer.Errors ?? [];
          if (errors.length > 0) {
            const first = errors[0];
            throw new FlowlogError(
              `S3 refused to delete ${errors.length} of ${batch.length} objects (first: ${first?.Key ?? '?'}: ${first?.Code ?? ''} ${first?.Message ?? ''})`.trim(),
              { bucket },
            );
          }
          deleted += batch.length;
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      const e = asError(error);
      throw new FlowlogError(`could not delete ${folder} (${deleted} objects deleted): ${e.name}: ${e.message}`, { bucket }, { cause: error });
    }
    return { folder, deletedObjects: deleted };
  }
}
