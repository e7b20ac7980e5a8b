// The InboundMail Lambda, invoked by the SES receipt rule (and by the local SMTP server) with the
// receipt event; the message itself is read from S3 by the use case. A plain async handler: middy
// wrapped it with no middleware, and its 3 KiB left the bundle within 0.2 KiB of its 160 KiB goal
// (issue 17). An error or a timeout is the same either way: Lambda retries the asynchronous event.
import type { Context } from 'aws-lambda';
import { ValidationError } from '../shared/errors.js';
import { SesReceiptEvent } from '../shared/ses-event.js';
import { receiveInboundMail } from './inbound.js';

/** Read by SES only for a RequestResponse invocation: let the rule's other actions run. */
export interface SesDisposition {
  disposition: 'CONTINUE';
}

export async function handler(event: unknown, _context?: Context): Promise<SesDisposition> {
  const parsed = SesReceiptEvent.safeParse(event);
  if (!parsed.success) {
    const { issues, message } = ValidationError.fromZod(parsed.error);
    throw new ValidationError(issues, `InboundMail expects an SES receipt event: ${message}`);
  }
  await receiveInboundMail(parsed.data);
  return { disposition: 'CONTINUE' };
}
