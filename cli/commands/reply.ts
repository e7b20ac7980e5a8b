// dpia reply: answer a consultation e-mail as a consultee would, with a real message over SMTP to
// the Reply-To address the consultation mail carried (found in the local SES store). Local only.
import { LocalStackClient, NoConsultationMailError } from '../../local/client.js';
import { resolveLocalConfig } from '../../local/config.js';
import { callApi, explainError } from '../api.js';
import { CliError, EXIT_FAILURE } from '../errors.js';
import { proposalPath } from '../lookup.js';

export interface ReplyOptions {
  from: string;
  stance: string;
}

const STANCES = ['support', 'concerns', 'object'];

export async function replyCommand(id: string, words: string[], options: ReplyOptions): Promise<string> {
  const stance = options.stance.toLowerCase();
  if (!STANCES.includes(stance)) throw new CliError([`--stance must be one of: ${STANCES.join(', ')}`]);
  const detail = await callApi({}, 'manager', 'GET', await proposalPath(id, {}, 'manager'));
  if (detail.status !== 200) throw explainError(detail);
  const reference = (detail.body as { reference: string }).reference;
  const client = new LocalStackClient(resolveLocalConfig());
  try {
    await client.replyAsConsultee(options.from, reference, stance.toUpperCase(), words.join(' ').trim());
  } catch (error) {
    // The local stack being down (StackUnreachableError) is explained once, in cli/main.ts.
    if (error instanceof NoConsultationMailError) {
      throw new CliError(
        [
          `No consultation mail for ${error.reference} reached ${error.address}: reply from an address it was sent to (dpia mail --reference ${error.reference} lists them).`,
        ],
        EXIT_FAILURE,
      );
    }
    throw error;
  }
  return `Reply sent for ${reference} (${stance}) from ${options.from}`;
}
