// A condition's owner (a post) and due date as the approver's form gives them (issue 19).
import './zod-messages.js';
import { line } from './fields.js';
import { isoDate } from './iso.js';

export const ConditionOwner = line(3, 200);
export const ConditionDue = isoDate({ error: 'Give the due date as a date, e.g. 2027-03-31.' });
