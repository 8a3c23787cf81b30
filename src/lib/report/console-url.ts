/**
 * Addresses of S3 objects and folders in the AWS console. A reader who follows one signs in to
 * the console with their own access: the bucket stays private and the link never expires, unlike
 * a presigned URL.
 */

/** S3 bucket names (general purpose): 3 to 63 lowercase letters, digits, dots and hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The console's host for a region: the China and GovCloud partitions have consoles of their own. */
function consoleOrigin(region: string): string {
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}

function checked(region: string, bucket: string): void {
  if (!REGION.test(region)) throw new RangeError(`not an AWS region: ${JSON.stringify(region)}`);
  if (!BUCKET.test(bucket)) throw new RangeError(`not an S3 bucket name: ${JSON.stringify(bucket)}`);
}

/** The console page of a folder (a key prefix ending with /): its objects, listed. */
export function s3ConsoleFolderUrl(region: string, bucket: string, prefix: string): string {
  checked(region, bucket);
  return `${consoleOrigin(region)}/s3/buckets/${bucket}?region=${region}&bucketType=general&prefix=${encodeURIComponent(prefix)}&showversions=false`;
}

/** The console page of one object, with its Open and Download buttons. */
export function s3ConsoleObjectUrl(region: string, bucket: string, key: string): string {
  checked(region, bucket);
  return `${consoleOrigin(region)}/s3/object/${bucket}?region=${region}&bucketType=general&prefix=${encodeURIComponent(key)}`;
}

/** What a console link built here looks like: reports read back from SNS are checked against it. */
export const S3_CONSOLE_URL =
  /^https:\/\/([a-z0-9-]+\.console\.aws\.amazon\.com|[a-z0-9-]+\.console\.amazonaws\.cn|console\.amazonaws-us-gov\.com)\/s3\/(buckets|object)\/[a-z0-9.-]{3,63}\?[A-Za-z0-9%&=._~-]+$/;
