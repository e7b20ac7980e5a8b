// Sending e-mail through SES (the v1 SendEmail API, which the local SES emulator also serves).
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { ses } from './clients/ses.js';
import { ENV } from './config.js';
import { requiredEnv } from './env.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
}

/** Sends one message; returns the SES message id. */
export async function sendMail(mail: OutgoingMail): Promise<string> {
  const out = await ses.send(
    new SendEmailCommand({
      Source: requiredEnv(ENV.senderAddress),
      Destination: { ToAddresses: [mail.to] },
      ...(mail.replyTo ? { ReplyToAddresses: [mail.replyTo] } : {}),
      Message: {
        Subject: { Data: mail.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
      },
    }),
  );
  return out.MessageId ?? '';
}
