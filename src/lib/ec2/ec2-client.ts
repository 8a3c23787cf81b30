import { DescribeNetworkInterfacesCommand, EC2Client, type DescribeNetworkInterfacesCommandInput, type DescribeNetworkInterfacesCommandOutput } from '@aws-sdk/client-ec2';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from '../aws/http-options.js';
import { once } from '../aws/once.js';

/** One DescribeNetworkInterfaces call: what the EC2 interface directory needs of the SDK. */
export type DescribeNetworkInterfaces = (input: DescribeNetworkInterfacesCommandInput, abortSignal?: AbortSignal) => Promise<DescribeNetworkInterfacesCommandOutput>;

/**
 * The EC2 client with the per-request timeouts of the other clients. Only the interfaces function
 * carries it: @aws-sdk/client-ec2 adds about 560 KB to a minified bundle (the report zip would pass
 * 1 MB), so the report function asks that function instead (src/lib/lambda).
 */
export function createEc2Client(timeouts: AwsHttpTimeouts = DEFAULT_AWS_HTTP_TIMEOUTS): EC2Client {
  return new EC2Client({ requestHandler: requestHandlerOptions(timeouts) });
}

/** DescribeNetworkInterfaces through a client, aborted by the signal when one is given. */
export function describerFor(client: EC2Client): DescribeNetworkInterfaces {
  return (input, abortSignal) => client.send(new DescribeNetworkInterfacesCommand(input), abortSignal === undefined ? {} : { abortSignal });
}

/** Built on first use, once per Lambda instance. */
export const ec2Describer: () => DescribeNetworkInterfaces = once(() => describerFor(createEc2Client()));
