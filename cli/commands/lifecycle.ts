// dpia propose / status / decisions / audit verify: the HTTP API from the command line.
import { type ApiOptions, callApi, explainError } from '../api.js';
import { CliError, EXIT_FAILURE } from '../errors.js';
import { readJsonFile } from '../files.js';
import { proposalPath } from '../lookup.js';
import { count } from '../words.js';

/** `28d`, `36h`, `90m`, or an ISO 8601 date-time: the response deadline --deadline sets. */
export function deadlineFrom(value: string, now = new Date()): string {
  const relative = /^(\d{1,4})([dhm])$/.exec(value.trim());
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() + Number(relative[1]) * unit).toISOString();
  }
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value.trim()) || Number.isNaN(at)) {
    throw new CliError([
      `--deadline "${value}" is neither a time from now (28d, 36h, 90m) nor a date and time (2027-03-31T17:00:00Z).`,
    ]);
  }
  return new Date(at).toISOString();
}

export async function proposeCommand(
  file: string,
  options: ApiOptions & { deadline?: string },
): Promise<string> {
  const input = await readJsonFile(file);
  if (options.deadline !== undefined) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new CliError([`${file}: not a proposal (a JSON object is expected)`]);
    }
    (input as Record<string, unknown>).responseDeadline = deadlineFrom(options.deadline);
  }
  const response = await callApi(options, 'manager', 'POST', '/proposals', input);
  if (response.status !== 201) throw explainError(response);
  const { proposalId, reference, status } = response.body as {
    proposalId: string;
    reference: string;
    status: string;
  };
  return `${reference}  ${proposalId}  ${status}`;
}

/** dpia withdraw ID --reason TEXT: the reason is required here, as on the web page (issue 20). */
export async function withdrawCommand(
  id: string,
  options: ApiOptions & { reason?: string },
): Promise<string> {
  const reason = (options.reason ?? '').trim();
  if (reason === '') {
    throw new CliError([
      'Give the reason with --reason "...": it is sent to the consultees and the approver.',
    ]);
  }
  const response = await callApi(
    options,
    'manager',
    'POST',
    `${await proposalPath(id, options, 'manager')}/withdraw`,
    {
      reason,
    },
  );
  if (response.status !== 200) throw explainError(response);
  const w = response.body as { reference: string; notified: number };
  return `${w.reference} withdrawn; ${w.notified === 0 ? 'nobody outside the team had been told of it, so no mail was sent' : `${count(w.notified, 'person', 'people')} told by mail`}.`;
}

interface Detail {
  reference: string;
  title: string;
  status: string;
  publicArea: string;
  pressingNeed: { score: number; band: string; policyVersion: string } | null;
  consultation: {
    deadline: string;
    mailed: number;
    responded: number;
    late: number;
    bounced: number;
    tally: Record<string, number>;
    consultees: {
      name: string;
      email: string;
      status: string;
      stance: string | null;
      late: boolean;
      senderMismatch: boolean;
    }[];
  };
  decision: { decisionId: string; outcome: string; decidedBy: string; decidedAt: string } | null;
  timeline: { at: string; event: string; detail: string }[];
}

export async function statusCommand(id: string, options: ApiOptions & { json?: boolean }): Promise<string> {
  const response = await callApi(options, 'manager', 'GET', await proposalPath(id, options, 'manager'));
  if (response.status !== 200) throw explainError(response);
  if (options.json) return JSON.stringify(response.body, null, 2);
  const d = response.body as Detail;
  const c = d.consultation;
  const lines = [
    `${d.reference}  ${d.title}`,
    `Status: ${d.status}`,
    `Public area: ${d.publicArea}`,
    d.pressingNeed
      ? `Pressing need: ${d.pressingNeed.score}/100 ${d.pressingNeed.band} (policy ${d.pressingNeed.policyVersion})`
      : 'Pressing need: not scored yet',
    `Consultation: deadline ${c.deadline}; ${count(c.consultees.length, 'consultee')}: mailed ${c.mailed}, responded ${c.responded}, late ${c.late}, bounced ${c.bounced}`,
    `Tally: support ${c.tally.support ?? 0}, concerns ${c.tally.concerns ?? 0}, object ${c.tally.object ?? 0}, unclassified ${c.tally.unclassified ?? 0}`,
    ...c.consultees.map(
      (x) =>
        `  ${x.name.padEnd(34)} ${x.status.padEnd(10)} ${(x.stance ?? '-').padEnd(12)}${x.late ? ' late' : ''}${x.senderMismatch ? ' sender-mismatch' : ''}`,
    ),
    d.decision
      ? `Decision: ${d.decision.outcome} by ${d.decision.decidedBy} at ${d.decision.decidedAt} (${d.decision.decisionId})`
      : 'Decision: none yet',
    'Timeline:',
    ...d.timeline.map((t) => `  ${t.at}  ${t.event.padEnd(22)} ${t.detail}`),
  ];
  return lines.join('\n');
}

export async function decisionsCommand(
  options: ApiOptions & { from?: string; to?: string; outcome?: string; format?: string },
): Promise<string> {
  const format = options.format ?? 'table';
  if (!['table', 'json', 'csv'].includes(format)) throw new CliError([`--format must be table, json or csv`]);
  const query = new URLSearchParams();
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  if (options.outcome) query.set('outcome', options.outcome);
  if (format === 'csv') {
    query.set('format', 'csv');
    const response = await callApi(options, 'auditor', 'GET', `/decisions?${query}`, undefined, 'text/csv');
    if (response.status !== 200) throw explainError(response);
    return response.text.trimEnd();
  }
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    if (cursor) query.set('cursor', cursor);
    const response = await callApi(options, 'auditor', 'GET', `/decisions?${query}`);
    if (response.status !== 200) throw explainError(response);
    const page = response.body as { items: Record<string, unknown>[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  if (format === 'json') return JSON.stringify(items, null, 2);
  if (items.length === 0) return 'No decisions.';
  return [
    `${count(items.length, 'decision')}:`,
    `${'decision'.padEnd(12)} ${'reference'.padEnd(16)} ${'outcome'.padEnd(9)} ${'decided at'.padEnd(25)} decided by`,
    ...items.map(
      (d) =>
        `${String(d.decisionId).padEnd(12)} ${String(d.reference).padEnd(16)} ${String(d.outcome).padEnd(9)} ${String(d.decidedAt).padEnd(25)} ${String(d.decidedBy)}`,
    ),
  ].join('\n');
}

/** The evidence pack as the API gives it, pretty-printed for a file. */
export async function evidenceCommand(id: string, options: ApiOptions): Promise<string> {
  const response = await callApi(
    options,
    'auditor',
    'GET',
    `${await proposalPath(id, options, 'auditor')}/evidence`,
  );
  if (response.status !== 200) throw explainError(response);
  return JSON.stringify(response.body, null, 2);
}

/** Exit 0 when the chain is intact; exit 1 naming the first broken record. */

export async function auditVerifyCommand(options: ApiOptions): Promise<string> {
  const response = await callApi(options, 'auditor', 'GET', '/audit/verify');
  if (response.status !== 200) throw explainError(response);
  const verdict = response.body as {
    ok: boolean;
    checked: number;
    firstBroken?: string;
    reason?: string;
    head?: { sequence: number; hash: string } | null;
  };
  if (!verdict.ok) {
    throw new CliError(
      [
        `Decision chain BROKEN at ${verdict.firstBroken} (${count(verdict.checked, 'record')} intact before it)${verdict.reason ? `: ${verdict.reason}` : ''}.`,
      ],
      EXIT_FAILURE,
    );
  }
  const head = verdict.head ? ` Anchored head: ${verdict.head.sequence} ${verdict.head.hash}.` : '';
  return `Decision chain intact: ${count(verdict.checked, 'record')} checked.${head}`;
}

/** dpia redrive ID: resumes a failed lifecycle at the step that failed (issue 15). */
export async function redriveCommand(id: string, options: ApiOptions): Promise<string> {
  const response = await callApi(options, 'manager', 'POST', `/proposals/${encodeURIComponent(id)}/redrive`);
  if (response.status !== 200) throw explainError(response);
  const { reference, status, resumedAt } = response.body as {
    reference: string;
    status: string;
    resumedAt: string | null;
  };
  return `${reference}  resumed${resumedAt ? ` at ${resumedAt}` : ''}; status ${status}`;
}
