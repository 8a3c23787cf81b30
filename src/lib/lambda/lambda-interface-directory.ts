/**
 * Where interfaces live, asked of the stack's interfaces function (which calls EC2
 * DescribeNetworkInterfaces and DescribeInstances in each source's account and region): the
 * report function invokes it and waits for the answer, with its warnings.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { callWithin } from '../aws/call-timeout.js';
import { DeadlineError, FlowlogError } from '../errors.js';
import type { InterfaceDirectory, InterfaceLookup, InterfaceQuery } from '../ports.js';
import { parseInterfaceAnswer } from '../report/interfaces.js';

export class LambdaInterfaceDirectory implements InterfaceDirectory {
  readonly source = 'EC2 DescribeNetworkInterfaces';

  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async describe(query: InterfaceQuery, options: { readonly deadlineMs?: number } = {}): Promise<InterfaceLookup> {
    const remainingMs = options.deadlineMs === undefined ? undefined : options.deadlineMs - Date.now();
    if (remainingMs !== undefined && remainingMs <= 0) throw new DeadlineError('no time left to ask where the interfaces live');
    const payload = JSON.stringify({ interfaceIds: query.interfaceIds, privateAddresses: query.privateAddresses });
    const answer = await callWithin('Lambda Invoke (interfaces)', remainingMs, (abortSignal) =>
      this.client.send(
        new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(payload) }),
        abortSignal === undefined ? {} : { abortSignal },
      ),
    );
    const text = answer.Payload === undefined ? '' : new TextDecoder().decode(answer.Payload);
    if (answer.FunctionError !== undefined) {
      // The function's own error (an EC2 access denied, a timeout): its errorType and errorMessage.
      const error = safeJson(text) as { errorType?: unknown; errorMessage?: unknown } | undefined;
      throw new FlowlogError(`the interfaces function failed: ${String(error?.errorType ?? answer.FunctionError)}: ${String(error?.errorMessage ?? text.slice(0, 300))}`, {
        functionName: this.functionName,
      });
    }
    const parsed = safeJson(text);
    if (parsed === undefined) throw new FlowlogError(`the interfaces function answered with something that is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    return parseInterfaceAnswer(parsed);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
