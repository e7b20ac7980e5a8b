// A form field's text as the value a schema checks: the web forms post strings, the JSON API takes
// typed values, and both go through the same zod schema. Empty means "not given"; a number that
// does not read as one stays text, so the schema's message says what is wrong.

export const text = (form: URLSearchParams, name: string): string => form.get(name) ?? '';

export const optional = (value: string): string | undefined => (value.trim() === '' ? undefined : value);

/** A number when it reads as one; otherwise the text itself, so the schema says what is wrong. */
export const numeric = (value: string): number | string | undefined => {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^[-+]?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
};

/** A yes/no radio: true, false, or not answered. */
export const yesNo = (value: string): boolean | undefined =>
  value === 'yes' ? true : value === 'no' ? false : undefined;

/** A textarea's non-empty lines, trimmed. */
export const lines = (value: string): string[] =>
  value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
