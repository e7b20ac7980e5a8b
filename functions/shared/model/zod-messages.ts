// Plain-English messages for the few zod defaults a manager would otherwise see as jargon.
import * as z from 'zod';

z.config({
  customError: (issue) => {
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined)
      return 'Required';
    if (issue.code === 'unrecognized_keys') {
      return `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    }
    return undefined;
  },
});
