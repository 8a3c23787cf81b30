/**
 * The small Query API caller (src/lib/aws/query-api.ts) against a real HTTP server on 127.0.0.1
 * that answers what EC2 and STS answer when things go wrong: throttling, a 5xx, an access denied,
 * something that is not XML, and no answer at all. The working path is tested against
 * moto_server (ec2-interfaces-moto.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AwsQueryError, QueryApi } from '../../src/lib/aws/query-api.js';
import { ec2Api, EC2_API_VERSION } from '../../src/lib/ec2/ec2-api.js';
import { loadInterfacesConfig } from '../../src/lib/interfaces-config.js';
import { directoryFor } from '../../src/lib/wiring/aws-interfaces.js';
import { startLoopbackServer, type Answer, type LoopbackServer } from '../support/loopback-server.js';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
const xml = (status: number, body: string): Answer => ({ status, headers: { 'content-type': 'text/xml' }, body });
const ec2Error = (status: number, code: string, message: string) =>
  xml(
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`,
  );
const NO_INTERFACES = xml(
  200,
  '<DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><networkInterfaceSet/></DescribeNetworkInterfacesResponse>',
);

let server: LoopbackServer | undefined;
let second: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  await second?.close();
  server = undefined;
  second = undefined;
});

async function ec2Against(script: readonly Answer[], options: { requestTimeoutMs?: number } = {}) {
  server = await startLoopbackServer(script);
  const api = new QueryApi({
    service: 'ec2',
    region: 'ap-northeast-1',
    version: EC2_API_VERSION,
    credentials,
    endpoint: server.baseUrl,
    backoffMs: () => 1,
    timeouts: { connectionTimeoutMs: 1_000, requestTimeoutMs: options.requestTimeoutMs ?? 5_000 },
  });
  return { api, ec2: ec2Api(api), received: server.received };
}

describe('Query API caller faults (loopback server)', () => {
  it("when EC2 throttles twice, the call is retried and the third answer is read (3 attempts, the SDK's standard mode)", async () => {
    const { ec2, received } = await ec2Against([
      ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.'),
      ec2Error(400, 'RequestLimitExceeded', 'Request limit exceeded.'),
      NO_INTERFACES,
    ]);
    const answer = await ec2.describeNetworkInterfaces({ filters: [{ Name: 'network-interface-id', Values: ['eni-0a1b2c3d4e5f60718'] }], maxResults: 1000 });
    expect(answer.networkInterfaces).toEqual([]);
    expect(received).toHaveLength(3);
    // What was sent: a signed form POST in EC2's Query form.
    const body = new URLSearchParams(received[0]!.body);
    expect(Object.fromEntries(body)).toEqual({
      Action: 'DescribeNetworkInterfaces',
      Version: '2016-11-15',
      MaxResults: '1000',
      'Filter.1.Name': 'network-interface-id',
      'Filter.1.Value.1': 'eni-0a1b2c3d4e5f60718',
    });
    expect(received[0]!.method).toBe('POST');
    expect(received[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/ec2\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(received[0]!.headers['x-amz-security-token']).toBe('token');
  });

  it('when EC2 keeps failing with 500, the third failure is thrown with its code and message', async () => {
    const { ec2, received } = await ec2Against([ec2Error(500, 'InternalError', 'An internal error has occurred')]);
    const error = await ec2.describeInstances({ filters: [], maxResults: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsQueryError);
    expect((error as AwsQueryError).message).toBe('EC2 DescribeInstances failed: InternalError: An internal error has occurred');
    expect(received).toHaveLength(3);
  });

  it('when access is denied, the call is not retried and the error names the code, the message and the request id', async () => {
    const { ec2, received } = await ec2Against([ec2Error(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.')]);
    const error = (await ec2.describeNetworkInterfaces({ filters: [], maxResults: 1000 }).catch((e: unknown) => e)) as AwsQueryError;
    expect([error.name, error.code, error.statusCode, error.requestId]).toEqual(['UnauthorizedOperation', 'UnauthorizedOperation', 403, 'req-1']);
    expect(error.message).toBe('EC2 DescribeNetworkInterfaces failed: UnauthorizedOperation: You are not authorized to perform this operation.');
    expect(received).toHaveLength(1);
  });

  it('when STS refuses in its own error shape, the code and message are read from it', async () => {
    server = await startLoopbackServer([
      xml(
        403,
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-2</RequestId></ErrorResponse>',
      ),
    ]);
    const sts = new QueryApi({ service: 'sts', region: 'ap-northeast-1', version: '2011-06-15', credentials, endpoint: server.baseUrl, backoffMs: () => 1 });
    const error = (await sts.call('AssumeRole', { RoleArn: 'arn:aws:iam::444455556666:role/x', RoleSessionName: 's' }).catch((e: unknown) => e)) as AwsQueryError;
    expect([error.code, error.requestId, error.message]).toEqual(['AccessDenied', 'r-2', 'STS AssumeRole failed: AccessDenied: User is not authorized to perform: sts:AssumeRole']);
  });

  it('when a 200 answer is not XML, the error says so and quotes its start', async () => {
    const { ec2 } = await ec2Against([{ status: 200, body: 'captive portal: log in first' }]);
    await expect(ec2.describeNetworkInterfaces({ filters: [], maxResults: 1000 })).rejects.toThrow(
      /EC2 DescribeNetworkInterfaces failed: UnreadableAnswer: the answer is not XML .*"captive portal: log in first"/,
    );
  });

  it('when the server accepts and never answers, each attempt ends at the request timeout and the call fails after three', async () => {
    const { ec2, received } = await ec2Against(['hang'], { requestTimeoutMs: 200 });
    const started = Date.now();
    const error = await ec2.describeNetworkInterfaces({ filters: [], maxResults: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
    expect(received).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('when the caller aborts, the call ends at once without further attempts', async () => {
    const { ec2, received } = await ec2Against(['hang']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(ec2.describeNetworkInterfaces({ filters: [], maxResults: 1000 }, controller.signal)).rejects.toThrow(/abort/i);
    expect(received).toHaveLength(1);
  });

  it("when STS refuses the role of one source account, the interfaces function still asks its own account, and the warning names the other account, region, role and STS's code", async () => {
    server = await startLoopbackServer([NO_INTERFACES]);
    second = await startLoopbackServer([
      xml(
        403,
        '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-3</RequestId></ErrorResponse>',
      ),
    ]);
    const config = loadInterfacesConfig({
      AWS_REGION: 'ap-northeast-1',
      AWS_ENDPOINT_URL_EC2: server.baseUrl,
      AWS_ENDPOINT_URL_STS: second.baseUrl,
      FLOWLOG_ACCOUNT: '111122223333',
      FLOWLOG_SOURCES: '111122223333:ap-northeast-1,444455556666:us-east-1',
      FLOWLOG_INTERFACES_ROLE: 'flowlog-pilot-interfaces',
    });

    const lookup = await directoryFor(config, credentials).describe({ interfaceIds: ['eni-0a1b2c3d4e5f60718'], privateAddresses: [] });

    expect(lookup).toEqual({
      interfaces: [],
      warnings: [
        'interfaces in 444455556666 us-east-1 not placed: STS AssumeRole arn:aws:iam::444455556666:role/flowlog-pilot-interfaces failed: AccessDenied: not authorized to perform: sts:AssumeRole',
      ],
    });
    expect(server.received).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(second.received[0]!.body))).toEqual({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::444455556666:role/flowlog-pilot-interfaces',
      RoleSessionName: 'flowlog-pilot-interfaces',
      DurationSeconds: '900',
    });
  });
});
