// What the CLI refuses with, as classes cli/main.ts maps to sentences: a mistake the user can fix
// (printed as plain lines on stderr, never as a stack trace), and an API that did not answer.
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly lines: string[],
    readonly exitCode = EXIT_USAGE,
  ) {
    super(lines.join('\n'));
  }
}

/** Nothing answered at the API named with `--api` (not the local stack: `npm start` is no help). */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
  constructor(readonly url: string) {
    super(`cannot reach the API at ${url}`);
  }
}
