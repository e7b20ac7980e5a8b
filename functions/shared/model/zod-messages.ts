// The messages zod gives: its English locale, which zod/mini (unlike classic zod) does not load by
// itself, and plain-English wording for the few defaults a manager would otherwise see as jargon.
// Every module that declares a schema imports this, so no bundle is left with bare "Invalid input".
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config({
  ...en(),
  customError: (issue) => {
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined)
      return 'Required';
    if (issue.code === 'unrecognized_keys') {
      return `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    }
    return undefined;
  },
});
