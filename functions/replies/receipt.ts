import '../shared/model/zod-messages.js';
import type { SesReceiptRecord } from '../shared/ses-event.js';
import type { ParsedReply } from './parse.js';

/** `consult+<32 hex>@…`: the per-consultee Reply-To address of the consultation mail. */
const TOKEN_ADDRESS = /^consult\+([0-9a-f]{32})@/i;

/**
 * Reply tokens, most trusted first: the envelope recipients the receipt rule matched, then, for a
 * bounce only, the Reply-To of the bounced consultation mail quoted inside it.
 */
export function tokenCandidates(recipients: string[], parsed: ParsedReply): string[] {
  const addresses = [...recipients, ...(parsed.bounce?.originalAddresses ?? [])];
  const tokens = addresses.flatMap((address) => {
    const token = TOKEN_ADDRESS.exec(address.trim())?.[1];
    return token ? [token.toLowerCase()] : [];
  });
  return [...new Set(tokens)];
}

/**
 * SES's verdicts on the sender: DMARC FAIL, or SPF FAIL with no passing DKIM signature. GRAY (the
 * sender's domain publishes no policy) and PROCESSING_FAILED hold nothing back: many councils
 * publish no DMARC policy, and their councillors' replies must still count.
 */
export function authenticationFailed(receipt: {
  spfVerdict: { status: string };
  dkimVerdict: { status: string };
  dmarcVerdict: { status: string };
}): boolean {
  if (receipt.dmarcVerdict.status === 'FAIL') return true;
  return receipt.spfVerdict.status === 'FAIL' && receipt.dkimVerdict.status !== 'PASS';
}

export const UNREADABLE_COMMENT =
  '(This message could not be read: its structure is malformed or nested too deeply. The raw message is kept; open the evidence pack to read it.)';

/** What SES read of the headers, for a message the parser refused: a response to read by hand. */
export function fromSesHeaders(mail: SesReceiptRecord['ses']['mail']): ParsedReply {
  const from = mail.commonHeaders.from?.[0] ?? mail.source;
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return {
    messageId: mail.commonHeaders.messageId ?? null,
    from: address.trim().toLowerCase(),
    fromName: '',
    to: [],
    cc: [],
    subject: mail.commonHeaders.subject ?? '',
    date: null,
    text: '',
    kind: 'response',
    bounce: null,
  };
}
