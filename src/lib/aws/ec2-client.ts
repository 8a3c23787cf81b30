import type { DescribeNetworkInterfacesCommandInput, DescribeNetworkInterfacesCommandOutput, EC2Client } from '@aws-sdk/client-ec2';
import { DEFAULT_AWS_HTTP_TIMEOUTS, requestHandlerOptions, type AwsHttpTimeouts } from './http-options.js';
import { once } from './once.js';

/** One DescribeNetworkInterfaces call: what the EC2 interface directory needs of the SDK. */
export type DescribeNetworkInterfaces = (input: DescribeNetworkInterfacesCommandInput, abortSignal?: AbortSignal) => Promise<DescribeNetworkInterfacesCommandOutput>;

/**
 * The EC2 client, loaded on first use: @aws-sdk/client-ec2 is the largest SDK client (about
 * 540 KB of the report bundle, minified), and a report whose findings and digests name no
 * interface never needs it, so the report function's cold start does not pay for it. Built with
 * the per-request timeouts of the other clients.
 */
export function ec2Describer(timeouts: AwsHttpTimeouts = DEFAULT_AWS_HTTP_TIMEOUTS): () => Promise<DescribeNetworkInterfaces> {
  return once(async (): Promise<DescribeNetworkInterfaces> => {
    const sdk = await import('@aws-sdk/client-ec2');
    const client: EC2Client = new sdk.EC2Client({ requestHandler: requestHandlerOptions(timeouts) });
    return (input, abortSignal) => client.send(new sdk.DescribeNetworkInterfacesCommand(input), abortSignal === undefined ? {} : { abortSignal });
  });
}

/** The report function's describer, once per Lambda instance. */
export const ec2InterfacesDescriber = ec2Describer();
