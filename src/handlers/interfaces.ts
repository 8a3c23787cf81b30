import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { invokeError } from '../lib/answers.js';
import { ValidationError, asError } from '../lib/errors.js';
import { withSourceMappedStack } from '../lib/source-mapped-stack.js';
import type { InterfaceDirectory } from '../lib/ports.js';
import { parseInterfaceQuery } from '../lib/report/interfaces.js';
import type { InterfaceFacts } from '../lib/report/model.js';
import { ec2InterfaceDirectory } from '../lib/wiring/aws-interfaces.js';

/** Kept back from the function's time to answer (the report waits for the answer). */
export const ANSWER_RESERVE_MS = 1_000;

export interface InterfacesAnswer {
  readonly interfaces: readonly InterfaceFacts[];
  /** Accounts and regions that could not be asked, each named (the report shows them as warnings). */
  readonly warnings: readonly string[];
}

/**
 * The interfaces Lambda: invoked by the report function with the interface ids and private
 * addresses of its findings and digests, answers where each lives from EC2
 * DescribeNetworkInterfaces and DescribeInstances (read-only) in each source's account and
 * region. A function of its own: it alone needs EC2 and STS, and their calls' time.
 */
export function createInterfacesHandler(options: { readonly directory: InterfaceDirectory }) {
  const logger = new Logger({ serviceName: 'flowlog-interfaces' });

  const describe = async (event: unknown, context: Context): Promise<InterfacesAnswer> => {
    const query = parseInterfaceQuery(event);
    const { interfaces, warnings } = await options.directory.describe(query, { deadlineMs: Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS });
    logger.info('interfaces described', { asked: query.interfaceIds.length + query.privateAddresses.length, found: interfaces.length });
    for (const warning of warnings) logger.warn('part of the interfaces lookup failed', { warning });
    return { interfaces, warnings };
  };

  const errorAnswer: MiddlewareObj<unknown, InterfacesAnswer> = {
    onError: (request) => {
      const error = request.error;
      if (error instanceof ValidationError) logger.warn('interfaces event refused', { field: error.field, reason: error.message });
      // The stack in TypeScript lines, from the .map in the zip (no --enable-source-maps at every cold start).
      else logger.error('interfaces lookup failed', withSourceMappedStack(asError(error)));
      request.error = invokeError(error);
    },
  };

  return middy<unknown, InterfacesAnswer>().use(injectLambdaContext(logger)).use(errorAnswer).handler(describe);
}

/** Invoked by the report function: {"interfaceIds": [...], "privateAddresses": [...]}. A bad setting fails at cold start, naming every bad key. */
export const handler = createInterfacesHandler({ directory: ec2InterfaceDirectory() });
