// The SDK's logger middleware hands every call's input and output, copied through the service's
// sensitive-data filters, to the client's logger; ours is the SDK's default, which drops them. A
// client without it skips that copy on every call (issue 17: fewer middleware passes per call).
// Nothing is lost: the handlers log through shared/logger.ts, never through the SDK's logger.
export function unlogged<T extends { middlewareStack: { remove(name: string): boolean } }>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
