import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { callWithin } from '../aws/call-timeout.js';
import type { UtcDay } from '../dates.js';
import { filesByDay } from '../rollup/drift.js';
import { parseStagedRecord } from '../rollup/staged.js';
import { StateError, ValidationError, asError } from '../errors.js';
import type { PartitionCatalog, ReadWarning, RollupDayRecord, RollupLedger, SourceFile, StagedRowsRecord } from '../ports.js';

/** Each ListObjectsV2, GetObject and PutObject of the ledger gives up after this long (its retries included). */
export const LEDGER_CALL_TIMEOUT_MS = 10_000;

/** `s3://bucket/key/prefix` as bucket and key prefix. */
export function parseS3Location(location: string): { bucket: string; prefix: string } {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (match === null || match[1] === '') throw new ValidationError('location', `${JSON.stringify(location)} is not an s3://bucket/ location`);
  return { bucket: match[1] as string, prefix: match[2] as string };
}

/** The folder a raw partition's files are listed under: its location with one trailing `/`, so a sibling whose name starts alike is never listed. */
function folderPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

export interface S3RollupLedgerOptions {
  readonly client: S3Client;
  /** The raw table's partitions: each day's files are those under its partitions' locations. */
  readonly raw: PartitionCatalog;
  /**
   * Where the day records go, as `s3://bucket/prefix/` (one `<YYYY-MM-DD>.json` each), or a function
   * giving it on first use (the AWS wiring reads it from the rollup table's location).
   */
  readonly folder: string | (() => Promise<string>);
  readonly callTimeoutMs?: number;
}

/**
 * The RollupLedger on S3: a day's files are listed with ListObjectsV2 under the day's raw
 * partitions (every page; key, size and ETag, never read), and each day's record is a small JSON
 * object `<folder><YYYY-MM-DD>.json`, written after the day's build was switched in and read before a
 * report decides whether the stored day still matches its files.
 */
export class S3RollupLedger implements RollupLedger {
  readonly #client: S3Client;
  readonly #raw: PartitionCatalog;
  readonly #folder: () => Promise<{ bucket: string; prefix: string }>;
  readonly #timeoutMs: number;

  constructor(options: S3RollupLedgerOptions) {
    this.#client = options.client;
    this.#raw = options.raw;
    this.#timeoutMs = options.callTimeoutMs ?? LEDGER_CALL_TIMEOUT_MS;
    const folder = options.folder;
    let resolved: Promise<{ bucket: string; prefix: string }> | undefined;
    this.#folder = () => {
      resolved ??= (typeof folder === 'string' ? Promise.resolve(folder) : folder()).then((f) => {
        const parsed = parseS3Location(f);
        return { bucket: parsed.bucket, prefix: folderPrefix(parsed.prefix) };
      });
      return resolved;
    };
  }

  async filesOf(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, readonly SourceFile[]>> {
    return filesByDay(this.#raw, days, (location) => this.listFolder(location));
  }

  /** Every object under one folder, over as many ListObjectsV2 pages as it takes. */
  async listFolder(location: string): Promise<SourceFile[]> {
    const parsed = parseS3Location(location);
    const bucket = parsed.bucket;
    const prefix = folderPrefix(parsed.prefix);
    const files: SourceFile[] = [];
    let token: string | undefined;
    do {
      const command = new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) });
      const page = await this.#send(`S3 ListObjectsV2 s3://${bucket}/${prefix}`, (abortSignal) => this.#client.send(command, { abortSignal }));
      for (const object of page.Contents ?? []) {
        // "Folder" placeholders (keys ending in /) hold no records.
        if (object.Key === undefined || object.Key.endsWith('/')) continue;
        files.push({ path: `s3://${bucket}/${object.Key}`, sizeBytes: object.Size ?? 0, version: object.ETag ?? '' });
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return files;
  }

  async recorded(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, RollupDayRecord>> {
    const out = new Map<UtcDay, RollupDayRecord>();
    if (days.length === 0) return out;
    const { bucket, prefix } = await this.#folder();
    await Promise.all(
      [...new Set(days)].map(async (day) => {
        const key = `${prefix}${day}.json`;
        const command = new GetObjectCommand({ Bucket: bucket, Key: key });
        let text: string;
        try {
          const answer = await this.#send(`S3 GetObject s3://${bucket}/${key}`, (abortSignal) => this.#client.send(command, { abortSignal }));
          text = (await answer.Body?.transformToString('utf8')) ?? '';
        } catch (error) {
          // No record: a day built before records were kept (it is built again once, so that it has one).
          if (asError(error).name === 'NoSuchKey') return;
          throw error;
        }
        out.set(day, parseRecord(day, text, `s3://${bucket}/${key}`));
      }),
    );
    return out;
  }

  async record(records: readonly RollupDayRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { bucket, prefix } = await this.#folder();
    await Promise.all(
      records.map(async (record) => {
        const key = `${prefix}${record.day}.json`;
        const body = Buffer.from(JSON.stringify({ day: record.day, files: record.files, skipped: record.skipped }), 'utf8');
        const command = new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentType: 'application/json' });
        await this.#send(`S3 PutObject s3://${bucket}/${key}`, (abortSignal) => this.#client.send(command, { abortSignal }));
      }),
    );
  }

  /**
   * Staged early rows kept for a day's build are recorded in `<folder>staged/<YYYY-MM-DD>.json`;
   * once used (or no longer trusted) the object is overwritten with `"staged": null`, so the
   * ledger says they were let go, with the time (PutObject only, as for the day records).
   */
  async stagedRows(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, StagedRowsRecord>> {
    const out = new Map<UtcDay, StagedRowsRecord>();
    const { bucket, prefix } = await this.#folder();
    await Promise.all(
      [...new Set(days)].map(async (day) => {
        const text = await this.#getText(bucket, `${prefix}staged/${day}.json`);
        if (text === undefined) return;
        const record = parseStagedRecord(day, text, `s3://${bucket}/${prefix}staged/${day}.json`);
        if (record !== undefined) out.set(day, record);
      }),
    );
    return out;
  }

  async keepStagedRows(record: StagedRowsRecord): Promise<void> {
    await this.#putStaged(record.day, { day: record.day, staged: record });
  }

  async forgetStagedRows(days: readonly UtcDay[]): Promise<void> {
    await Promise.all([...new Set(days)].map((day) => this.#putStaged(day, { day, staged: null, forgottenAt: new Date().toISOString() })));
  }

  async #putStaged(day: UtcDay, value: unknown): Promise<void> {
    const { bucket, prefix } = await this.#folder();
    const key = `${prefix}staged/${day}.json`;
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    const command = new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentType: 'application/json' });
    await this.#send(`S3 PutObject s3://${bucket}/${key}`, (abortSignal) => this.#client.send(command, { abortSignal }));
  }

  /** An object's text, or undefined when there is none (NoSuchKey). */
  async #getText(bucket: string, key: string): Promise<string | undefined> {
    const command = new GetObjectCommand({ Bucket: bucket, Key: key });
    try {
      const answer = await this.#send(`S3 GetObject s3://${bucket}/${key}`, (abortSignal) => this.#client.send(command, { abortSignal }));
      return (await answer.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (asError(error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  /** One SDK call within the per-call timeout; a failure becomes a StateError naming the call, its object and S3's error (NoSuchKey kept as it is, for the caller). */
  async #send<T>(operation: string, send: (abortSignal?: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await callWithin(operation, this.#timeoutMs, send);
    } catch (error) {
      const e = asError(error);
      if (e.name === 'NoSuchKey') throw e;
      throw new StateError(`${operation} failed: ${e.name}: ${e.message.split('\n')[0] ?? ''}`, { operation }, { cause: e });
    }
  }
}

/** A stored day record, checked field by field: a damaged one is an error naming the object, never a silent "no files". */
export function parseRecord(day: UtcDay, text: string, where: string): RollupDayRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateError(`${where} is not JSON: ${asError(error).message}`);
  }
  const v = value as { day?: unknown; files?: unknown; skipped?: unknown } | null;
  const isFile = (f: unknown): f is SourceFile => {
    const o = f as Partial<SourceFile> | null;
    return typeof o === 'object' && o !== null && typeof o.path === 'string' && typeof o.sizeBytes === 'number' && typeof o.version === 'string';
  };
  const isWarning = (w: unknown): w is ReadWarning => {
    const o = w as { kind?: unknown; file?: unknown; reason?: unknown } | null;
    return typeof o === 'object' && o !== null && (o.kind === 'skipped-file' || o.kind === 'skipped-line') && typeof o.file === 'string' && typeof o.reason === 'string';
  };
  if (typeof v !== 'object' || v === null || v.day !== day || !Array.isArray(v.files) || !v.files.every(isFile) || !Array.isArray(v.skipped) || !v.skipped.every(isWarning)) {
    throw new StateError(`${where} is not the rollup record of ${day} (day, files and skipped expected)`);
  }
  return { day, files: v.files, skipped: v.skipped };
}
