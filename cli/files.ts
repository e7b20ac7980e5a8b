// Reading the JSON files a user names on the command line, with errors a person can act on.
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { formatPath } from '../functions/shared/errors.js';
import { CliError } from './errors.js';

export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : `cannot be read (${code})`;
    throw new CliError([`${path}: ${why}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
}

/** Parses with a zod schema; every problem becomes one `path: message` line. */
export function parseOrExplain<S extends z.core.$ZodType>(
  schema: S,
  value: unknown,
  file: string,
): z.infer<S> {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  throw new CliError(
    parsed.error.issues.map((issue) => `${file}: ${formatPath(issue.path)}: ${issue.message}`),
  );
}
