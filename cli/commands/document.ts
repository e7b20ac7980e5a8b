// dpia document ID [--pdf] [--public] [--out FILE]: the DPIA document (SPEC 11) as the API renders
// it, written to a file; prints where it went.
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { type ApiOptions, downloadFromApi, explainError } from '../api.js';
import { CliError } from '../errors.js';
import { proposalPath } from '../lookup.js';

export interface DocumentOptions extends ApiOptions {
  pdf?: boolean;
  public?: boolean;
  out?: string;
}

export async function documentCommand(id: string, options: DocumentOptions): Promise<string> {
  const path = `${await proposalPath(id, options, 'manager')}/dpia${options.pdf ? '.pdf' : ''}${options.public ? '?edition=public' : ''}`;
  const answer = await downloadFromApi(options, 'manager', path);
  if (answer.status !== 200) {
    const text = answer.bytes.toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the message is the text
    }
    throw explainError({ status: answer.status, body, text });
  }
  // The server's name (DPIA-2026-0001[-public].pdf) unless --out names another; never a path from it.
  const suggested = basename(
    answer.filename ?? `${id}${options.public ? '-public' : ''}.${options.pdf ? 'pdf' : 'html'}`,
  );
  const file = resolve(options.out ?? suggested);
  try {
    await writeFile(file, answer.bytes);
  } catch (error) {
    throw new CliError([`${file}: cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const kind = `${options.public ? 'public edition' : 'full edition'}, ${options.pdf ? 'PDF' : 'HTML'}`;
  return `Wrote ${file} (${kind}, ${Math.max(1, Math.round(answer.bytes.length / 1024))} KiB)`;
}
