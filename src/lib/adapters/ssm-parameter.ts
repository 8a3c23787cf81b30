/**
 * One SecureString parameter from SSM Parameter Store (the Slack webhook URL), decrypted and
 * kept for the life of the Lambda's cold start: the secret is read once, not per message.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { FlowlogError, NotFoundError, asError } from '../errors.js';

export class SsmParameter {
  readonly name: string;
  readonly #ssm: SSMClient;
  #value: Promise<string> | undefined;

  constructor(ssm: SSMClient, name: string) {
    this.#ssm = ssm;
    this.name = name;
  }

  /** The decrypted value; a failed read is not cached, so the next invocation tries again. */
  value(): Promise<string> {
    this.#value ??= this.#read().catch((error: unknown) => {
      this.#value = undefined;
      throw error;
    });
    return this.#value;
  }

  async #read(): Promise<string> {
    try {
      const output = await this.#ssm.send(new GetParameterCommand({ Name: this.name, WithDecryption: true }));
      const value = output.Parameter?.Value;
      if (value === undefined || value === '') throw new NotFoundError(`SSM parameter ${this.name} has no value`, { parameter: this.name });
      return value;
    } catch (error) {
      if (error instanceof FlowlogError) throw error;
      const e = asError(error);
      if (e.name === 'ParameterNotFound') throw new NotFoundError(`SSM parameter ${this.name} does not exist (create it with aws ssm put-parameter --type SecureString)`, { parameter: this.name });
      throw new FlowlogError(`reading SSM parameter ${this.name} failed: ${e.name}`, { parameter: this.name }, { cause: e });
    }
  }
}
