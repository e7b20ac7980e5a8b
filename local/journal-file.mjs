// The files the local stack keeps as journals (the Step Functions executions and histories, the
// inbound SMTP stand-in's pending messages, the local S3's object metadata): appended a line at a
// time, read back after a crash, and replaced whole when compacted. Plain JavaScript, so the S3
// thread, which runs without the TypeScript loader, uses it too.
import { existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';

/** The lines of the first `end` bytes, empty ones left out. */
const linesOf = (bytes, end) =>
  bytes
    .toString('utf8', 0, end)
    .split('\n')
    .filter((line) => line !== '');

/**
 * The journal's complete lines (a last one without its newline was cut short by a crash); none
 * when there is no file. Reads only: for a reader that does not append.
 */
export function wholeLines(path) {
  if (!existsSync(path)) return [];
  const bytes = readFileSync(path);
  return linesOf(bytes, bytes.lastIndexOf(0x0a) + 1);
}

/**
 * A journal's complete lines and their size in bytes, for a journal that is appended to again: a
 * last line a crash cut short (its write never acknowledged) is cut off the file as well, in place,
 * so the next line appended starts a line of its own instead of running on from the torn one.
 */
export function readMended(path) {
  if (!existsSync(path)) return { lines: [], size: 0 };
  const bytes = readFileSync(path);
  const size = bytes.lastIndexOf(0x0a) + 1;
  if (size < bytes.length) truncateSync(path, size);
  return { lines: linesOf(bytes, size), size };
}

/** readMended's lines parsed as JSON; a line that does not parse (torn by a crash in an earlier version's journal) is left out. */
export function mendedJsonLines(path) {
  return readMended(path).lines.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

/** Replaces the file with `text`: a crash leaves the old file or the new one, both whole. */
export function replaceFile(path, text) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
