// The monthly reviews digest (issue 14): every manager on the list gets one mail a month naming the
// approved installations whose review is overdue or due in the next 60 days, so none is missed. On
// AWS a scheduled rule invokes it on the 1st; locally `dpia reviews digest` runs the same handler.
// It names reference, title, camera type and public area: never the site.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { listReviewsDue } from '../decisions/store.js';
import { publicBaseUrl } from '../review/link.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { ENV } from '../shared/config.js';
import { tableName } from '../shared/env.js';
import { ConfigurationError } from '../shared/errors.js';
import { sha256hex } from '../shared/hash.js';
import { digestKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { sendMail } from '../shared/mailer.js';
import { EmailAddress } from '../shared/model/email.js';
import { conditionHeld } from '../shared/store/conditions.js';
import { findProposal } from '../shared/store/proposals.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkLongDate, ukMonth } from '../shared/uk-dates.js';

/** How far ahead the digest looks (issue 14). */
export const DIGEST_DAYS_AHEAD = 60;
const PAGE = 100;

export interface DigestItem {
  reference: string;
  title: string;
  cameraType: string;
  publicArea: string;
  reviewDate: string;
  reviewDateText: string;
  daysOverdue: number;
  href: string;
  startReviewHref: string;
}

export interface DigestResult {
  month: string;
  overdue: number;
  dueSoon: number;
  sent: number;
  alreadySent: number;
}

/** The managers who get the digest: DPIA_REVIEW_DIGEST_TO, comma-separated, each a valid address. */
export function digestRecipients(value = process.env[ENV.reviewDigestTo]): string[] {
  const addresses = (value ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const address of addresses) {
    if (!EmailAddress.safeParse(address).success) {
      throw new ConfigurationError(
        `${ENV.reviewDigestTo} holds "${address}", which is not an e-mail address.`,
      );
    }
  }
  return [...new Set(addresses.map((a) => a.toLowerCase()))];
}

export async function sendReviewDigest(
  now = new Date(),
  recipients = digestRecipients(),
): Promise<DigestResult> {
  const month = ukMonth(now);
  const today = now.toISOString().slice(0, 10);
  const horizon = new Date(now.getTime() + DIGEST_DAYS_AHEAD * 86_400_000).toISOString().slice(0, 10);
  const items = await dueBy(horizon, today);
  const overdue = items.filter((i) => i.daysOverdue > 0);
  const dueSoon = items.filter((i) => i.daysOverdue <= 0);
  const result: DigestResult = {
    month,
    overdue: overdue.length,
    dueSoon: dueSoon.length,
    sent: 0,
    alreadySent: 0,
  };
  if (recipients.length === 0) {
    log.warn('reviews digest: no recipients configured', { month });
    return result;
  }
  const view = {
    month: formatUkLongDate(`${month}-01`).replace(/^1 /, ''),
    horizon: formatUkLongDate(horizon),
    daysAhead: DIGEST_DAYS_AHEAD,
    overdue,
    dueSoon,
    hasOverdue: overdue.length > 0,
    hasDueSoon: dueSoon.length > 0,
    nothingDue: items.length === 0,
    reviewsUrl: `${publicBaseUrl().replace(/\/+$/, '')}/app/proposals?status=approved`,
  };
  const message = renderMessage('review-digest', view);
  for (const to of recipients) {
    const key = digestKey(month, sha256hex(to));
    if (!(await claim(key, now))) {
      result.alreadySent++;
      continue;
    }
    try {
      await sendMail({ to, ...message });
    } catch (error) {
      await markDigest(key, 'released');
      throw error;
    }
    await markDigest(key, 'sent');
    result.sent++;
  }
  log.info('reviews digest', { ...result });
  return result;
}

/** Every approval due on or before `horizon`, soonest first, with what the installation is. */
async function dueBy(horizon: string, today: string): Promise<DigestItem[]> {
  const base = publicBaseUrl().replace(/\/+$/, '');
  const items: DigestItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await listReviewsDue({ before: horizon, limit: PAGE, cursor });
    for (const decision of page.items) {
      const proposal = await findProposal(decision.proposalId);
      if (!proposal || !decision.reviewDate) continue;
      items.push({
        reference: decision.reference,
        title: proposal.input.title,
        cameraType: proposal.input.cameraType,
        publicArea: proposal.input.publicArea,
        reviewDate: decision.reviewDate,
        reviewDateText: formatUkLongDate(decision.reviewDate),
        daysOverdue: Math.round((Date.parse(today) - Date.parse(decision.reviewDate)) / 86_400_000),
        href: `${base}/app/proposals/${encodeURIComponent(proposal.proposalId)}`,
        startReviewHref: `${base}/app/proposals/new?reviewOf=${encodeURIComponent(proposal.proposalId)}`,
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** This month's digest to one recipient, once: a second run (a retry, a rerun) sends nothing. */
async function claim(key: ReturnType<typeof digestKey>, now: Date): Promise<boolean> {
  return conditionHeld(
    dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...key, type: 'digest', state: 'sending', claimedAt: now.toISOString() },
        // A released claim (SES refused the mail) may be taken again; a sent or sending one not.
        ConditionExpression: 'attribute_not_exists(PK) OR #state = :released',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':released': 'released' },
      }),
    ),
  );
}

/**
 * `sent` once the mail went; `released` when SES refused it, so that the claim goes and the next
 * run (or the rule's retry) sends it.
 */
async function markDigest(key: ReturnType<typeof digestKey>, state: 'sent' | 'released'): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: state === 'sent' ? 'SET #state = :state' : 'SET #state = :state REMOVE claimedAt',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':state': state },
    }),
  );
}
