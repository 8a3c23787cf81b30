/**
 * STS AssumeRole over the small Query API caller: the interfaces function takes a role in each
 * other source account to ask EC2 there (README "Where each interface lives").
 */
import { AwsQueryError, child, textOf, type AwsCredentials, type QueryApi } from '../aws/query-api.js';

/** The STS API version the Query calls name. */
export const STS_API_VERSION = '2011-06-15';
/** AssumeRole's shortest session (STS API reference: DurationSeconds 900 to the role's maximum); one lookup takes seconds. */
export const ASSUMED_SESSION_SECONDS = 900;
/** Named in the source account's CloudTrail as the session that described its interfaces. */
export const SESSION_NAME = 'flowlog-pilot-interfaces';

/** The role's temporary credentials; throws AwsQueryError (AccessDenied, ...) when STS refuses. */
export async function assumeRole(sts: QueryApi, roleArn: string, abortSignal?: AbortSignal): Promise<AwsCredentials> {
  const answer = await sts.call('AssumeRole', { RoleArn: roleArn, RoleSessionName: SESSION_NAME, DurationSeconds: String(ASSUMED_SESSION_SECONDS) }, abortSignal);
  const credentials = child(child(answer, 'AssumeRoleResult'), 'Credentials');
  const accessKeyId = textOf(child(credentials, 'AccessKeyId'));
  const secretAccessKey = textOf(child(credentials, 'SecretAccessKey'));
  const sessionToken = textOf(child(credentials, 'SessionToken'));
  const expiration = textOf(child(credentials, 'Expiration'));
  if (accessKeyId === undefined || secretAccessKey === undefined || sessionToken === undefined) {
    throw new AwsQueryError('STS AssumeRole', 'UnreadableAnswer', 200, `no credentials in the answer for ${roleArn}`);
  }
  return { accessKeyId, secretAccessKey, sessionToken, ...(expiration === undefined ? {} : { expiration: new Date(expiration) }) };
}
