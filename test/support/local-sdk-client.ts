// Settings for an AWS SDK client of one local service, started on its own by a test.

/** The client reaches `endpoint` with the local stack's dummy credentials. */
export const localAt = (endpoint: string, region = 'eu-west-2') => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/**
 * As localAt, trying each call once: the SDK would otherwise retry a refusal (a throttled send, a
 * fault) and hide it from the test.
 */
export const oneAttemptAt = (endpoint: string, region = 'eu-west-2') => ({
  ...localAt(endpoint, region),
  maxAttempts: 1,
});
