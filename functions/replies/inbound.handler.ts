// The InboundMail Lambda, invoked by the SES receipt rule (and by the local SMTP server) with the
// receipt event; the message itself is read from S3 by the use case.
import middy from '@middy/core';
import { ValidationError } from '../shared/errors.js';
import { SesReceiptEvent } from '../shared/ses-event.js';
import { receiveInboundMail } from './inbound.js';

/** Read by SES only for a RequestResponse invocation: let the rule's other actions run. */
export interface SesDisposition {
  disposition: 'CONTINUE';
}

export const handler = middy(async (event: unknown): Promise<SesDisposition> => {
  const parsed = SesReceiptEvent.safeParse(event);
  if (!parsed.success) {
    const { issues, message } = ValidationError.fromZod(parsed.error);
    throw new ValidationError(issues, `InboundMail expects an SES receipt event: ${message}`);
  }
  await receiveInboundMail(parsed.data);
  return { disposition: 'CONTINUE' };
});
