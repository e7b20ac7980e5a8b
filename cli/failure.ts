// What the command prints when it fails, chosen by the error's class (never by its message text):
// the local stack not answering, an API named with --api not answering, a bad local setting, a
// mistake the user can fix, or something unexpected.
import { CommanderError } from 'commander';
import { LocalConfigError } from '../local/config.js';
import { StackUnreachableError } from '../local/errors.js';
import { ApiUnreachableError, CliError, EXIT_FAILURE, EXIT_USAGE } from './errors.js';

export interface Failure {
  /** The lines for stderr; none when commander has printed its own. */
  lines: string[];
  exitCode: number;
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof StackUnreachableError) {
    return {
      lines: [`Cannot reach the ${error.service} at ${error.url}: is the local stack running (npm start)?`],
      exitCode: EXIT_FAILURE,
    };
  }
  if (error instanceof ApiUnreachableError) {
    return {
      lines: [`Cannot reach the camera-dpia API at ${error.url}: check the --api address.`],
      exitCode: EXIT_FAILURE,
    };
  }
  if (error instanceof LocalConfigError) return { lines: [error.message], exitCode: EXIT_USAGE };
  if (error instanceof CliError) return { lines: error.lines, exitCode: error.exitCode };
  // commander has already printed its message (or the help or version text).
  if (error instanceof CommanderError) return { lines: [], exitCode: error.exitCode };
  return {
    lines: [`dpia: unexpected error: ${(error as Error)?.message ?? String(error)}`],
    exitCode: EXIT_FAILURE,
  };
}
