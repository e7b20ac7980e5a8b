// What the reminder tests share: the reminder mails a consultee or approver got, a delivery failure
// report for a consultee, and the state of a reminder execution on the local stack.
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { LocalStackClient, SentMail } from '../../local/client.js';

export const isReminder = (mail: SentMail): boolean => mail.subject.startsWith('Reminder:');

/** The reminders (and only the reminders) a person got for a proposal. */
export async function remindersTo(client: LocalStackClient, address: string, reference: string) {
  return (await client.mailTo(address, reference)).filter(isReminder);
}

/** A Postfix-style delivery failure for the consultation mail to `email`, sent to its Reply-To. */
export function bounceOf(email: string, replyTo: string, reference: string): string {
  const boundary = 'B0unce.1796645701/mail-out.example';
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mail-out.example>',
    `To: ${replyTo}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString()}`,
    `Message-Id: <${Date.now()}.${Math.random().toString(36).slice(2)}@mail-out.example>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `<${email}>: 550 5.1.1 Recipient address rejected: User unknown`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail-out.example',
    '',
    `Final-Recipient: rfc822; ${email}`,
    'Action: failed',
    'Status: 5.1.1',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: DPIA Team <dpia@camera-dpia.test>',
    `Reply-To: ${replyTo}`,
    `To: ${email}`,
    `Subject: Consultation [${reference}]`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** `<proposalId>-consultees`, `<proposalId>-approver-<reviewId>` on the reminder state machine. */
export async function reminderExecution(sfn: SFNClient, reminderStateMachineArn: string, name: string) {
  const executionArn = `${reminderStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}
