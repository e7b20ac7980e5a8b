// What every mail to a consultee about a consultation says of it, the letter and its reminder
// alike: the reference, the public area, the consultee, the camera type's short name, the
// deadline, where to reply and who writes. An allow-list: never the restricted site. Apart from
// letter.ts, whose camera wording (6 KiB of prose) only the letter itself needs.
import { DEFAULTS, ENV } from '../shared/config.js';
import type { Consultee } from '../shared/model/consultee.js';
import { CAMERA_SHORT_NAMES, type CameraType } from '../shared/model/proposal-terms.js';
import type { ProposalRecord } from '../shared/store/proposals.js';
import { formatUkDateTime } from '../shared/uk-dates.js';

export const SENDER_TEAM = 'Camera DPIA Team';

export interface LetterHead {
  reference: string;
  publicArea: string;
  consultee: { name: string; organisation: string | null };
  camera: { short: string };
  deadline: string;
  replyAddress: string;
  sender: { team: string; address: string };
}

export interface ProposalForLetterHead {
  reference: ProposalRecord['reference'];
  input: { cameraType: CameraType; publicArea: string; responseDeadline: string };
}

export type ConsulteeForLetter = Pick<Consultee, 'name'> & { organisation?: string | undefined };

export function letterHead(
  proposal: ProposalForLetterHead,
  consultee: ConsulteeForLetter,
  replyAddress: string,
  senderAddress: string = process.env[ENV.senderAddress] || DEFAULTS.senderAddress,
): LetterHead {
  const { input } = proposal;
  return {
    reference: proposal.reference,
    publicArea: input.publicArea,
    consultee: { name: consultee.name, organisation: consultee.organisation ?? null },
    camera: { short: CAMERA_SHORT_NAMES[input.cameraType] },
    deadline: formatUkDateTime(input.responseDeadline),
    replyAddress,
    sender: { team: SENDER_TEAM, address: senderAddress },
  };
}
