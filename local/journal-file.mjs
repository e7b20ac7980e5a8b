// The files the local stack keeps as journals (the Step Functions executions, the inbound SMTP
// stand-in's pending messages, the local S3's object metadata): appended a line at a time, read
// back after a crash, and replaced whole when compacted. Plain JavaScript, so the S3 thread, which
// runs without the TypeScript loader, uses it too.
import { existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';

/** The journal's complete lines (a last one without its newline was cut short by a crash); none when there is no file. */
export function wholeLines(path) {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line !== '');
}

/**
 * wholeLines for a journal about to be appended to again: a last line a crash cut short is cut off
 * the file as well (its write was never acknowledged), so the next line appended starts a line of
 * its own instead of running on from the torn one. Truncating in place creates no file.
 */
export function mendedLines(path) {
  if (!existsSync(path)) return [];
  const bytes = readFileSync(path);
  const whole = bytes.lastIndexOf(0x0a) + 1;
  if (whole < bytes.length) truncateSync(path, whole);
  return bytes
    .toString('utf8', 0, whole)
    .split('\n')
    .filter((line) => line !== '');
}

/** Each line of the file parsed as JSON; a line that does not parse (cut short by a crash) is left out. */
export function jsonLines(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
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
