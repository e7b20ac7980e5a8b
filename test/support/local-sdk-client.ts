// Settings for an AWS SDK client of one local service, started on its own by a test.
import { LOCAL_CREDENTIALS } from '../../local/config.js';

/** The client reaches `endpoint` with the local stack's dummy credentials. */
export const localAt = (endpoint: string, region = 'eu-west-2') => ({
  endpoint,
  region,
  credentials: LOCAL_CREDENTIALS,
});

/**
 * As localAt, trying each call once: the SDK would otherwise retry a refusal (a throttled send, a
 * fault) and hide it from the test.
 */
export const oneAttemptAt = (endpoint: string, region = 'eu-west-2') => ({
  ...localAt(endpoint, region),
  maxAttempts: 1,
});
