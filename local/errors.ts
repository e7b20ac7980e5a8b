// What can go wrong talking to a running local stack, as classes the CLI maps to its sentences
// (cli/main.ts, cli/commands/reply.ts). No imports: `dpia score` loads this without the stack.

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
