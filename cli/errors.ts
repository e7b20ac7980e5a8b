// A mistake the user can fix: printed as plain lines on stderr, never as a stack trace.
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly lines: string[],
    readonly exitCode = 2,
  ) {
    super(lines.join('\n'));
  }
}

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;
