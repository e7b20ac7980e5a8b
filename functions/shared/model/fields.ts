// The field shapes every schema builds from: one-line and multi-line text, whole numbers, each
// with a message a person can act on.
import * as z from 'zod/mini';
import './zod-messages.js';

/** A message for a present-but-wrong value; a missing one still says `Required`. */
export const unlessMissing = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'Required' : message;

/** A whole number in [min, max], with one message for every way of getting it wrong. */
export const wholeNumber = (message: string, min: number, max: number) =>
  z.number({ error: unlessMissing(message) }).check(z.int(message), z.gte(min, message), z.lte(max, message));

export const text = (min: number, max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(min, min === 1 ? 'Required' : `Must be at least ${min} characters`),
      z.maxLength(max, `Must be at most ${max} characters`),
    );

/**
 * A form's text that must say something, `length` characters long once trimmed: each way of getting
 * it wrong in the form's own words.
 */
export const formText = (
  length: { min: number; max: number },
  words: { missing: string; tooShort: string; tooLong: string },
) =>
  z
    .string({ error: words.missing })
    .check(z.trim(), z.minLength(length.min, words.tooShort), z.maxLength(length.max, words.tooLong));

/**
 * A single-line field (names, titles, organisations, the public area): text that can never carry a
 * line break or another control character into a mail header, a CSV row or a log line.
 */
export const line = (min: number, max: number) =>
  z.string().check(
    // Before the trim, so a control character at either end is refused too, not quietly cut.
    // \p{Cc}: C0 (CR, LF, NUL, tab...), DEL and C1 controls.
    z.refine(
      (value) => !/\p{Cc}/u.test(value),
      'Must be one line, without line breaks or control characters',
    ),
    z.trim(),
    z.minLength(min, min === 1 ? 'Required' : `Must be at least ${min} characters`),
    z.maxLength(max, `Must be at most ${max} characters`),
  );
