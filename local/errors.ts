// What can go wrong talking to a running local stack, as classes the CLI maps to its sentences
// (cli/main.ts, cli/commands/reply.ts), and how to tell that nothing answered at an address from
// any other failure. No imports: `dpia score` loads this without the stack.

/** Socket error codes that mean nothing answered there (Node's net and dns, nodemailer's own). */
const NOTHING_ANSWERED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNECTION',
  'ESOCKET',
]);

/**
 * Whether an error from fetch or nodemailer means nothing answered at the address: its code, or
 * its cause's (fetch wraps the socket's error), or any of an AggregateError's (one per address
 * tried, as for `localhost`'s IPv4 and IPv6).
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && NOTHING_ANSWERED.has(code)) return true;
  if (Array.isArray(errors) && errors.some(isConnectionFailure)) return true;
  return cause !== undefined && cause !== error && isConnectionFailure(cause);
}

/** A service of the local stack did not answer: most likely `npm start` is not running. */
export class StackUnreachableError extends Error {
  override readonly name = 'StackUnreachableError';
  constructor(
    readonly service: string,
    readonly url: string,
  ) {
    super(`cannot reach the local ${service} at ${url}`);
  }
}

/** No consultation mail for that reference reached that address, so there is nothing to reply to. */
export class NoConsultationMailError extends Error {
  override readonly name = 'NoConsultationMailError';
  constructor(
    readonly address: string,
    readonly reference: string,
  ) {
    super(`no consultation mail for ${reference} reached ${address}`);
  }
}
