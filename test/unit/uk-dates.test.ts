import { describe, expect, it } from 'vitest';
import { formatUkLongDate } from '../../functions/shared/uk-dates.js';

describe('formatUkLongDate', () => {
  it('shows an ISO day as the day written out, the same day in winter and in summer', () => {
    expect(formatUkLongDate('2027-12-01')).toBe('1 December 2027');
    expect(formatUkLongDate('2027-06-30')).toBe('30 June 2027');
    expect(formatUkLongDate('2028-01-01')).toBe('1 January 2028');
  });
});
