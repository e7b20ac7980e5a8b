// A mistake the user can fix: printed as plain lines on stderr, never as a stack trace.
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
