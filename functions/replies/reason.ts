// Why a reply has its stance, in words for the consultee row and the timeline (issue 16).
import type { Reply } from '../shared/model/consultation.js';

/** A manager's correction when there is one, else the reader's rule or phrase. */
export function stanceReasonOf(reply: Pick<Reply, 'stanceReason' | 'reclassification'>): string | null {
  const r = reply.reclassification;
  if (r) return `corrected by ${r.by} from ${r.readStance} to ${r.stance}: ${r.reason}`;
  return reply.stanceReason ?? null;
}
