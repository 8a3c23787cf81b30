/**
 * For tests that drive the Athena path through a handler with mocked AWS clients: the rollup
 * ledger's S3 calls answered in place (no day folder holds files, no day has a record, records are
 * accepted), so no call leaves the machine.
 */
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';

export function answerLedgerCalls(s3: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3Client['config']>): void {
  s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
  s3.on(PutObjectCommand).resolves({});
}
