/**
 * The report's files in the results bucket: one PutObject each, typed so the console opens them
 * in the browser. The bucket's default encryption (SSE-S3) applies; nothing is made public.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CallTimeout, callWithin } from '../aws/call-timeout.js';
import { DeliveryError, asError } from '../errors.js';
import type { ArtifactStore } from '../ports.js';
import type { ReportFiles } from '../report/model.js';
import { s3ConsoleFolderUrl, s3ConsoleObjectUrl } from '../report/console-url.js';

export class S3ArtifactStore implements ArtifactStore {
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #region: string;
  readonly #now: () => number;

  /** `region` is the bucket's, for the console links (the stack's own region). */
  constructor(s3: S3Client, bucket: string, region: string, now: () => number = Date.now) {
    this.#s3 = s3;
    this.#bucket = bucket;
    this.#region = region;
    this.#now = now;
  }

  async put(key: string, body: string, contentType: string, options: { readonly deadlineMs?: number } = {}): Promise<void> {
    const bytes = Buffer.from(body, 'utf8');
    const command = new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: bytes, ContentLength: bytes.length, ContentType: contentType, CacheControl: 'no-cache' });
    const { deadlineMs } = options;
    try {
      await callWithin(`S3 PutObject ${key}`, deadlineMs === undefined ? undefined : deadlineMs - this.#now(), (abortSignal) => this.#s3.send(command, { abortSignal }));
    } catch (error) {
      if (error instanceof CallTimeout)
        throw new DeliveryError(`s3://${this.#bucket}/${key} was not written before the deadline (waited ${error.timeoutMs} ms)`, { bucket: this.#bucket, key });
      const e = asError(error);
      throw new DeliveryError(`s3://${this.#bucket}/${key} could not be written: ${e.name}: ${e.message}`, { bucket: this.#bucket, key }, { cause: e });
    }
  }

  linkTo(folder: string, mainKey: string): ReportFiles {
    return {
      location: `s3://${this.#bucket}/${folder}`,
      folderUrl: s3ConsoleFolderUrl(this.#region, this.#bucket, folder),
      main: mainKey.slice(folder.length),
      mainUrl: s3ConsoleObjectUrl(this.#region, this.#bucket, mainKey),
    };
  }
}
