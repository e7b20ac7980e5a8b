// One AWS SDK client, created once per Lambda container with default configuration: on AWS it
// reaches AWS; on the local stack the AWS_ENDPOINT_URL_* variables point it at a local endpoint.
// One module per client, so a function loads only the SDK packages it uses (cold start).
import { SESClient } from '@aws-sdk/client-ses';
import { unlogged } from './unlogged.js';

export const ses = unlogged(new SESClient({}));
