// One AWS SDK client, created once per Lambda container with default configuration: on AWS it
// reaches AWS; on the local stack the AWS_ENDPOINT_URL_SECRETS_MANAGER variable points it at the
// local endpoint. One module per client, so a function loads only the SDK packages it uses.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { unlogged } from './unlogged.js';

export const secrets = unlogged(new SecretsManagerClient({}));
