import 'aws-sdk-client-mock-vitest/extend';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SsmParameter } from '../../src/lib/ssm/ssm-parameter.js';
import { NotFoundError } from '../../src/lib/errors.js';

const ssm = mockClient(SSMClient);

describe('SSM parameter', () => {
  beforeEach(() => ssm.reset());

  it('when read twice, it asks SSM once, with decryption', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/flowlog-pilot/slack-webhook', Value: 'https://hooks.slack.com/services/T0/B0/secret' } });
    const parameter = new SsmParameter(new SSMClient({}), '/flowlog-pilot/slack-webhook');

    const first = await parameter.value();
    const second = await parameter.value();

    expect(first).toBe('https://hooks.slack.com/services/T0/B0/secret');
    expect(second).toBe(first);
    expect(ssm).toHaveReceivedCommandOnce(GetParameterCommand);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/flowlog-pilot/slack-webhook', WithDecryption: true });
  });

  it('when the parameter does not exist, it throws NotFoundError naming it, and tries again next time', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'not found', $metadata: {} }))
      .resolves({ Parameter: { Value: 'https://hooks.slack.com/services/x' } });
    const parameter = new SsmParameter(new SSMClient({}), '/flowlog-pilot/missing');

    const failure = parameter.value();

    await expect(failure).rejects.toThrow(NotFoundError);
    await expect(failure).rejects.toThrow(/SSM parameter \/flowlog-pilot\/missing does not exist/);
    await expect(parameter.value()).resolves.toBe('https://hooks.slack.com/services/x');
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });
});
