import { SSMClient } from '@aws-sdk/client-ssm';
import { once } from './once.js';

/** Parameter Store, for the Slack webhook URL (a SecureString). */
export const ssmClient = once(() => new SSMClient({}));
