/**
 * The interfaces function's settings and the decision, per source, of how EC2 there is asked.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/lib/errors.js';
import { loadInterfacesConfig, partitionOf, planSources } from '../../src/lib/interfaces-config.js';

const base = { AWS_REGION: 'ap-northeast-1', FLOWLOG_ACCOUNT: '111122223333' };

describe('interfaces function settings', () => {
  it("when no sources are listed, the stack's own account and region is the one source, asked directly", () => {
    const config = loadInterfacesConfig({ ...base, FLOWLOG_SOURCES: '' });
    expect(config.sources).toEqual([{ account: '111122223333', region: 'ap-northeast-1' }]);
    expect(planSources(config)).toEqual([{ kind: 'direct', source: { account: '111122223333', region: 'ap-northeast-1' } }]);
  });

  it('when sources of three accounts are listed with a role, the own account is asked directly and each other through that role there', () => {
    const config = loadInterfacesConfig({
      ...base,
      FLOWLOG_SOURCES: '111122223333:us-east-1,444455556666:ap-northeast-1,777788889999:eu-west-1',
      FLOWLOG_INTERFACES_ROLE: 'flowlog-pilot-interfaces',
    });
    expect(planSources(config)).toEqual([
      { kind: 'direct', source: { account: '111122223333', region: 'us-east-1' } },
      { kind: 'assume', source: { account: '444455556666', region: 'ap-northeast-1' }, roleArn: 'arn:aws:iam::444455556666:role/flowlog-pilot-interfaces' },
      { kind: 'assume', source: { account: '777788889999', region: 'eu-west-1' }, roleArn: 'arn:aws:iam::777788889999:role/flowlog-pilot-interfaces' },
    ]);
  });

  it('when another account is listed without a role, it is not asked and the reason names the stack param', () => {
    const [, other] = planSources(loadInterfacesConfig({ ...base, FLOWLOG_SOURCES: '111122223333:ap-northeast-1,444455556666:us-east-1' }));
    expect(other).toEqual({
      kind: 'unreachable',
      source: { account: '444455556666', region: 'us-east-1' },
      reason: 'interfaces in 444455556666 us-east-1 not looked up: no role to assume in that account (stack param interfacesRoleName, README "Where each interface lives")',
    });
  });

  it('when the settings are bad, one error names every bad key', () => {
    let error: unknown;
    try {
      loadInterfacesConfig({ AWS_REGION: 'Tokyo', FLOWLOG_ACCOUNT: '1234', FLOWLOG_SOURCES: '111122223333', FLOWLOG_INTERFACES_ROLE: 'role/with/slash' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'AWS_REGION: "Tokyo" is not an AWS region name such as ap-northeast-1',
      'FLOWLOG_ACCOUNT: "1234" is not a 12-digit AWS account id',
      'FLOWLOG_SOURCES: expected ACCOUNT:REGION, got "111122223333"',
      'FLOWLOG_INTERFACES_ROLE: "role/with/slash" is not an IAM role name (1 to 64 of letters, digits and +=,.@_-)',
    ]);
  });

  it('when a role name is 64 characters it is taken, at 65 it is refused (IAM: RoleName at most 64)', () => {
    expect(loadInterfacesConfig({ ...base, FLOWLOG_INTERFACES_ROLE: 'r'.repeat(64) }).roleName).toHaveLength(64);
    expect(() => loadInterfacesConfig({ ...base, FLOWLOG_INTERFACES_ROLE: 'r'.repeat(65) })).toThrow(/FLOWLOG_INTERFACES_ROLE/);
  });

  it('when the region is in China or GovCloud, role ARNs carry that partition', () => {
    expect([partitionOf('cn-north-1'), partitionOf('us-gov-west-1'), partitionOf('ap-northeast-1')]).toEqual(['aws-cn', 'aws-us-gov', 'aws']);
  });
});
