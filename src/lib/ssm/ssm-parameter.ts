/**
 * One SecureString parameter from SSM Parameter Store (the Slack webhook URL), decrypted and
 * kept for the life of the Lambda's cold start: the secret is read once, not per message.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { CallTimeout, callWithin } from '../aws/call-timeout.js';
import { DeadlineError, FlowlogError, NotFoundError, asError } from '../errors.js';

export class SsmParameter {
  readonly name: string;
  readonly #ssm: SSMClient;
  #value: Promise<string> | undefined;

  constructor(ssm: SSMClient, name: string) {
    this.#ssm = ssm;
    this.name = name;
  }

  /** The decrypted value; a failed read is not cached, so the next invocation tries again. With a deadline, a read still waiting then is given up. */
  value(options: { readonly deadlineMs?: number } = {}): Promise<string> {
    this.#value ??= this.#read(options.deadlineMs).catch((error: unknown) => {
      this.#value = undefined;
      throw error;
    });
    return this.#value;
  }

  async #read(deadlineMs: number | undefined): Promise<string> {
    try {
      const command = new GetParameterCommand({ Name: this.name, WithDecryption: true });
      const output = await callWithin('SSM GetParameter', deadlineMs === undefined ? undefined : deadlineMs - Date.now(), (abortSignal) =>
        this.#ssm.send(command, { abortSignal }),
      );
      const value = output.Parameter?.Value;
      if (value === undefined || value === '') throw new NotFoundError(`SSM parameter ${this.name} has no value`, { parameter: this.name });
      return value;
    } catch (error) {
      if (error instanceof FlowlogError) throw error;
      if (error instanceof CallTimeout)
        throw new DeadlineError(`reading SSM parameter ${this.name} got no answer before the function's timeout (waited ${error.timeoutMs} ms)`, { parameter: this.name });
      const e = asError(error);
      if (e.name === 'ParameterNotFound')
        throw new NotFoundError(`SSM parameter ${this.name} does not exist (create it with aws ssm put-parameter --type SecureString)`, { parameter: this.name });
      throw new FlowlogError(`reading SSM parameter ${this.name} failed: ${e.name}`, { parameter: this.name }, { cause: e });
    }
  }
}
