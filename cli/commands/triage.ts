// dpia triage ID: the replies a manager must look at (unclassified, or from another address), and
// the two decisions on them: set a reply's stance, or accept a reply from another address. Both
// take a reason, recorded in the proposal's timeline.
import { type ApiOptions, callApi, explainError } from '../api.js';
import { CliError } from '../errors.js';

export interface TriageOptions extends ApiOptions {
  reply?: string;
  stance?: string;
  accept?: boolean;
  reason?: string;
}

interface Reply {
  replyId: string;
  kind: string;
  consulteeEmail: string | null;
  receivedAt: string;
  stance: string | null;
  stanceReason?: string | null;
  readStance?: string;
  late: boolean;
  senderMismatch: boolean;
  from?: string;
  acceptedBy?: string;
  comment: string;
}

interface Detail {
  reference: string;
  consultation: {
    consultees: { name: string; email: string; replyId: string | null; stance: string | null }[];
    replies: Reply[];
  };
}

const SHORT = 12;

export async function triageCommand(id: string, options: TriageOptions): Promise<string> {
  const path = `/proposals/${encodeURIComponent(id)}`;
  const response = await callApi(options, 'manager', 'GET', path);
  if (response.status !== 200) throw explainError(response);
  const detail = response.body as Detail;
  const responses = detail.consultation.replies.filter((r) => r.kind === 'response');
  if (!options.reply) {
    if (options.stance || options.accept)
      throw new CliError(['Name the reply with --reply ID (see dpia triage ID).']);
    return listing(detail, responses);
  }
  const matches = responses.filter((r) => r.replyId.startsWith(options.reply ?? ''));
  if (matches.length !== 1) {
    throw new CliError([
      matches.length === 0
        ? `Proposal ${detail.reference} has no reply ${options.reply}.`
        : `More than one reply starts with ${options.reply}: give more of its id.`,
    ]);
  }
  const reply = matches[0] as Reply;
  if (!options.reason)
    throw new CliError(['Give a reason with --reason "...": it is recorded in the timeline.']);
  if (options.accept === Boolean(options.stance)) {
    throw new CliError(['Give either --stance support|concerns|object|unclassified or --accept.']);
  }
  const target = `${path}/replies/${encodeURIComponent(reply.replyId)}/${options.accept ? 'accept' : 'stance'}`;
  const body = options.accept
    ? { reason: options.reason }
    : { stance: options.stance, reason: options.reason };
  const done = await callApi(options, 'manager', 'POST', target, body);
  if (done.status !== 200) throw explainError(done);
  if (options.accept)
    return `Accepted reply ${reply.replyId.slice(0, SHORT)}: it now counts (${reply.stance ?? 'unclassified'}).`;
  const result = done.body as { changed: boolean; counted: boolean; stance: string; readStance: string };
  if (!result.changed)
    return `Reply ${reply.replyId.slice(0, SHORT)} already has the stance ${result.stance}; nothing changed.`;
  return `Reply ${reply.replyId.slice(0, SHORT)}: stance ${result.stance} (read as ${result.readStance})${result.counted ? '; the tally is updated' : '; not counted yet'}.`;
}

function listing(detail: Detail, responses: Reply[]): string {
  if (responses.length === 0) return `${detail.reference}: no replies yet.`;
  const name = (email: string | null) =>
    detail.consultation.consultees.find((c) => c.email.toLowerCase() === email?.toLowerCase())?.name ??
    email ??
    '?';
  const counted = new Set(detail.consultation.consultees.map((c) => c.replyId));
  const needs = (r: Reply) =>
    (r.senderMismatch && !r.late && !r.acceptedBy) || (r.stance === 'unclassified' && counted.has(r.replyId));
  const lines = [
    `${detail.reference}: ${responses.filter(needs).length} of ${responses.length} replies to triage`,
  ];
  for (const r of responses) {
    const flags = [
      needs(r) ? 'TRIAGE' : '',
      counted.has(r.replyId) ? 'counted' : '',
      r.late ? 'late' : '',
      r.senderMismatch && !r.acceptedBy ? `from another address: ${r.from ?? '?'}` : '',
      r.acceptedBy ? `accepted by ${r.acceptedBy}` : '',
    ].filter(Boolean);
    lines.push(
      `  ${r.replyId.slice(0, SHORT)}  ${name(r.consulteeEmail)}  ${r.stance ?? '-'}${r.readStance ? ` (read as ${r.readStance})` : ''}  [${flags.join(', ')}]`,
      `      why: ${r.stanceReason ?? '-'}`,
      `      comment: ${r.comment.replace(/\s+/g, ' ').slice(0, 160) || '(empty)'}`,
    );
  }
  lines.push(
    'Set a stance:  dpia triage ID --reply REPLY --stance support|concerns|object|unclassified --reason "..."',
    'Accept a reply from another address:  dpia triage ID --reply REPLY --accept --reason "..."',
  );
  return lines.join('\n');
}
