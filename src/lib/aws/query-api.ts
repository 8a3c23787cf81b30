/**
 * A small caller of AWS Query APIs (EC2, STS): form-encoded POST, signed with SigV4
 * (@smithy/signature-v4), answered in XML (@aws-sdk/xml-builder's parser), with the per-request
 * timeouts of every other client and the SDK's standard retries. The interfaces function uses it
 * instead of @aws-sdk/client-ec2, whose serializers are one module that took most of that
 * function's cold start to compile (README "Performance").
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseXML } from '@aws-sdk/xml-builder';
import { FlowlogError } from '../errors.js';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from './http-options.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials stop working (an assumed role's). */
  readonly expiration?: Date;
}

export type CredentialSource = () => Promise<AwsCredentials>;

/** An XML element as the parser gives it: text, or child names to elements (a repeated child is a list). */
export type XmlValue = string | { readonly [name: string]: XmlValue | readonly XmlValue[] | undefined };

/** A Query API's answer was an error: its code (`UnauthorizedOperation`, `AccessDenied`, ...) is the error's name. */
export class AwsQueryError extends FlowlogError {
  constructor(
    readonly operation: string,
    readonly code: string,
    readonly statusCode: number,
    readonly detail: string,
    readonly requestId?: string,
  ) {
    super(`${operation} failed: ${code}: ${detail}`, { operation, code, statusCode, ...(requestId === undefined ? {} : { requestId }) });
    this.name = code;
  }
}

export interface QueryApiOptions {
  /** `ec2`, `sts`: the signing name and the endpoint's first label. */
  readonly service: string;
  readonly region: string;
  /** The API version every call names (EC2 2016-11-15, STS 2011-06-15). */
  readonly version: string;
  readonly credentials: CredentialSource;
  /** `https://ec2.<region>.amazonaws.com` unless given (AWS_ENDPOINT_URL_EC2, a test's moto_server). */
  readonly endpoint?: string;
  readonly timeouts?: AwsHttpTimeouts;
  /** Attempts of one call, the first included (the SDK's standard retry mode: 3). */
  readonly maxAttempts?: number;
  /** The pause before retry n (1, 2, ...): the SDK's full-jitter backoff, base 100 ms, at most 20 s. */
  readonly backoffMs?: (retry: number) => number;
}

/** The SDK's standard retry mode: three attempts in all. */
export const QUERY_MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 20_000;

/** Error codes the SDK's standard retry mode retries besides 5xx answers and network faults (throttling and transient). */
const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'BandwidthLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'Unavailable',
]);

/** One Query API, one region, one set of credentials. */
export class QueryApi {
  readonly #handler: NodeHttpHandler;
  readonly #signer: SignatureV4;
  readonly #url: URL;

  constructor(private readonly options: QueryApiOptions) {
    this.#handler = new NodeHttpHandler(requestHandlerOptions(options.timeouts ?? DEFAULT_AWS_HTTP_TIMEOUTS));
    this.#signer = new SignatureV4({ service: options.service, region: options.region, credentials: options.credentials, sha256: Sha256 });
    this.#url = new URL(options.endpoint ?? defaultEndpoint(options.service, options.region));
  }

  /**
   * Calls `action` with the parameters (already flattened: `Filter.1.Name`), retrying throttling,
   * 5xx answers and network faults; gives the answer's root element's content. Throws
   * AwsQueryError for an error answer, the handler's error for a network fault or a timeout.
   */
  async call(action: string, params: Readonly<Record<string, string>>, abortSignal?: AbortSignal): Promise<XmlValue> {
    const operation = `${this.options.service.toUpperCase()} ${action}`;
    const maxAttempts = this.options.maxAttempts ?? QUERY_MAX_ATTEMPTS;
    const backoff = this.options.backoffMs ?? ((retry: number) => Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(operation, action, params, abortSignal);
      } catch (error) {
        if (attempt >= maxAttempts || abortSignal?.aborted === true || !isRetryable(error)) throw error;
        await pause(backoff(attempt), abortSignal);
      }
    }
  }

  async #once(operation: string, action: string, params: Readonly<Record<string, string>>, abortSignal: AbortSignal | undefined): Promise<XmlValue> {
    const body = new URLSearchParams({ Action: action, Version: this.options.version, ...params }).toString();
    const url = this.#url;
    const request = new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      method: 'POST',
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    const signed = await this.#signer.sign(request);
    const { response } = await this.#handler.handle(signed as HttpRequest, abortSignal === undefined ? {} : { abortSignal });
    const text = await readBody(response.body as IncomingMessage);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return rootOf(parseXml(operation, status, text));
    throw errorOf(operation, status, text);
  }

  destroy(): void {
    this.#handler.destroy();
  }
}

/** The error in an error answer: EC2's `<Response><Errors><Error>`, STS's `<ErrorResponse><Error>`. */
function errorOf(operation: string, status: number, text: string): AwsQueryError {
  let document: XmlValue | undefined;
  try {
    document = parseXML(text) as XmlValue;
  } catch {
    document = undefined;
  }
  const root = document === undefined ? undefined : rootOf(document);
  const error = child(child(root, 'Errors'), 'Error') ?? child(root, 'Error');
  const first = Array.isArray(error) ? (error[0] as XmlValue) : (error as XmlValue | undefined);
  const code = textOf(child(first, 'Code')) ?? (status >= 500 ? 'InternalError' : `HTTP${status}`);
  const message = textOf(child(first, 'Message')) ?? text.slice(0, 200);
  const requestId = textOf(child(root, 'RequestID')) ?? textOf(child(root, 'RequestId'));
  return new AwsQueryError(operation, code, status, message, requestId);
}

function parseXml(operation: string, status: number, text: string): XmlValue {
  try {
    return parseXML(text) as XmlValue;
  } catch (error) {
    throw new AwsQueryError(
      operation,
      'UnreadableAnswer',
      status,
      `the answer is not XML (${error instanceof Error ? error.message : String(error)}): ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
}

function rootOf(document: XmlValue): XmlValue {
  if (typeof document === 'string') return document;
  const [first] = Object.values(document);
  return (first as XmlValue | undefined) ?? '';
}

/** The service's regional endpoint (`https://ec2.ap-northeast-1.amazonaws.com/`; China regions under amazonaws.com.cn). */
export function defaultEndpoint(service: string, region: string): string {
  return `https://${service}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`;
}

/** An element's child by name (the first when repeated); undefined when absent. */
export function child(value: XmlValue | readonly XmlValue[] | undefined, name: string): XmlValue | readonly XmlValue[] | undefined {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) return undefined;
  return (value as Record<string, XmlValue | readonly XmlValue[] | undefined>)[name];
}

/** An element's text, or undefined when absent or not text. */
export function textOf(value: XmlValue | readonly XmlValue[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The `<item>` elements of an EC2 set (`<groupSet><item>...</item></groupSet>`): a list however many there are. */
export function itemsOf(set: XmlValue | readonly XmlValue[] | undefined): readonly XmlValue[] {
  const items = child(set, 'item');
  if (items === undefined) return [];
  return Array.isArray(items) ? (items as readonly XmlValue[]) : [items as XmlValue];
}

function isRetryable(error: unknown): boolean {
  if (error instanceof AwsQueryError) return error.statusCode >= 500 || error.statusCode === 429 || RETRYABLE_CODES.has(error.code);
  if (!(error instanceof Error)) return false;
  // Network faults and the handler's timeouts: ECONNRESET, ECONNREFUSED, ETIMEDOUT, TimeoutError, ...
  const code = (error as NodeJS.ErrnoException).code;
  return error.name === 'TimeoutError' || (code !== undefined && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code));
}

async function readBody(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function pause(ms: number, abortSignal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      abortSignal?.removeEventListener('abort', done);
      resolve();
    }
    abortSignal?.addEventListener('abort', done, { once: true });
  });
}

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape the signer takes. */
class Sha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}
