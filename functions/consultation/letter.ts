// The consultation letter (SPEC §5), modelled on the force's letter to councillors in the seed
// documents: this module turns a proposal and one consultee into the view that
// templates/consultation/ renders. The view is built from an allow-list of fields, never by
// spreading the proposal, because the site (description and coordinates) is restricted: national
// policy is not to disclose fixed camera locations, so only the public area may reach a consultee.
import type { PressingNeed } from '../shared/model/need.js';
import type { ProposalInput, Retention, Site } from '../shared/model/proposal.js';
import { type CameraType, type FactorKey, MAX_RATING } from '../shared/model/proposal-terms.js';
import type { ProposalRecord } from '../shared/store/proposals.js';
import { type RenderedMessage, renderMessage } from '../shared/templates.js';
import { type ConsulteeForLetter, type LetterHead, letterHead } from './letter-head.js';

/** What the letter says about one camera type. Plain text: the HTML template escapes it. */
export interface CameraWording {
  /** Short name used in running text and the subject ("the use of ANPR in Tenterden"). */
  short: string;
  /** What is proposed ("We are considering the use of new ANPR cameras in Tenterden"). */
  proposal: string;
  /** What the stored data is called in the access rules ("ANPR data", "drone footage"). */
  data: string;
  why: string[];
  how: string[];
  /** Where the data is kept, before the retention periods are stated. */
  storage: string;
  /** How this type is deployed, before the non-disclosure policy. */
  deployment: string;
}

export const CAMERA_WORDING: Record<CameraType, CameraWording> = {
  ANPR: {
    short: 'ANPR',
    proposal: 'new Automatic Number Plate Recognition (ANPR) cameras',
    data: 'ANPR data',
    why: [
      'ANPR technology is used to help detect, deter and disrupt criminality at a local, force, regional and national level: from volume crime and organised crime, which often involves travelling criminals, to more serious threats to public safety such as terrorism.',
      'Alongside our crime objectives we also use ANPR to support road safety, in particular against high-risk offenders who drive while disqualified, under the influence of alcohol or drugs, or without insurance.',
    ],
    how: [
      'As a vehicle passes a police-monitored ANPR camera, its registration number is read and instantly checked against records of vehicles of interest. Police officers can then intercept and stop the vehicle, check it for evidence and, where necessary, make arrests. Used in this way, ANPR has proved important in detecting a wide range of offences.',
      'The vehicle movement data is also stored, so that it can be analysed as part of crime investigations. ANPR evidence is frequently used in court as part of the criminal justice process.',
    ],
    storage:
      'ANPR data is stored locally in computer-based systems and is also shared with the police National ANPR Data Centre (NADC).',
    deployment:
      'ANPR cameras are used at fixed locations and in police vehicles, which give a mobile capability where it will best help to detect, deter and disrupt criminality.',
  },
  CCTV: {
    short: 'CCTV',
    proposal: 'new Closed Circuit Television (CCTV) cameras',
    data: 'CCTV recordings',
    why: [
      'CCTV helps us to prevent and detect crime and disorder, to protect people and property, and to keep public places safe. Recorded images help officers respond to incidents quickly and identify those responsible.',
      'Visible cameras also reassure the public and deter offending where crime or anti-social behaviour is a known problem.',
    ],
    how: [
      'CCTV cameras record images of a defined public area. Recordings are reviewed when an incident is reported or investigated and, where they show an offence, they can be used as evidence in court.',
      'Cameras are set up to cover public areas only and, wherever possible, to avoid looking into private homes and gardens.',
    ],
    storage:
      'CCTV recordings are stored locally on secure police systems; recordings needed for an investigation may also be held on national police systems.',
    deployment:
      'CCTV cameras are installed at fixed locations where they will best help to prevent and detect crime.',
  },
  BWV: {
    short: 'body worn video',
    proposal: 'Body Worn Video (BWV) cameras worn by officers',
    data: 'body worn video footage',
    why: [
      'Body worn video is used to capture evidence and to record police attendance at incidents. It has helped to reduce the need for victims and witnesses to attend court, and has been shown to reduce the number of assaults on police officers.',
      'An accurate record of what officers saw and did also supports transparency and public confidence in policing.',
    ],
    how: [
      'Officers wear a small, visible camera on their uniform. They switch it on when they attend an incident or use their police powers, and tell people that they are recording whenever it is practical to do so.',
      'At the end of each shift, recordings are uploaded to a secure evidence system. Footage that is not needed as evidence is deleted automatically at the end of the retention period.',
    ],
    storage:
      'Body worn video footage is stored locally on a secure evidence system; footage needed for an investigation may also be held on national police systems.',
    deployment:
      'Body worn video cameras are worn by officers on duty rather than installed at fixed locations; any fixed supporting equipment is kept in secure police premises.',
  },
  DRONE: {
    short: 'police drones',
    proposal: 'police drones (remotely piloted aircraft)',
    data: 'drone footage',
    why: [
      'Drones give officers a view from the air quickly and at low cost. We use them to search for missing and vulnerable people, to support officers at serious incidents, road collisions and public events, and to gather evidence of crime.',
      'A drone can often do in minutes what would otherwise need many officers or a helicopter, so that officers can return to other duties sooner.',
    ],
    how: [
      'Drones are flown by trained and qualified police pilots in line with Civil Aviation Authority rules. Their cameras record only while the drone is deployed on a specific task.',
      'Footage is reviewed after each flight: anything needed as evidence is kept, and the rest is deleted.',
    ],
    storage:
      'Drone footage is stored locally on a secure evidence system; footage needed for an investigation may also be held on national police systems.',
    deployment:
      'Drones are deployed from police vehicles to wherever they are needed; any regular launch sites are chosen for safety.',
  },
  SPEED: {
    short: 'speed detection cameras',
    proposal: 'speed detection cameras',
    data: 'speed camera images',
    why: [
      'Speed detection cameras help to reduce the number of people killed and seriously injured on our roads. They are used where there is a history of collisions, evidence of speeding, or concern from the community.',
      'They are used for law enforcement only, not as a general surveillance tool.',
    ],
    how: [
      "Our speed detection cameras are 'type approved' by the Home Office under section 20 of the Road Traffic Offenders Act 1988. They capture and keep an image only when an offence, such as excess speed, is detected.",
      'The images are used to process the offence and, where needed, as evidence in court.',
    ],
    storage:
      'Images of detected offences are stored locally on the secure systems used to process road traffic offences; where needed they may also be held on national police systems.',
    deployment:
      'Speed detection cameras are used at fixed sites and in marked vehicles, at locations chosen to meet these road safety objectives.',
  },
  OTHER: {
    short: 'surveillance cameras',
    proposal: 'new surveillance cameras',
    data: 'camera recordings',
    why: [
      'Surveillance cameras help us to prevent and detect crime, protect the public and gather evidence, in line with the Surveillance Camera Code of Practice.',
      'We use them only where there is a pressing need that cannot reasonably be met in a less intrusive way.',
    ],
    how: [
      'The cameras record images of a defined public area. Recordings are reviewed when an incident is reported or investigated and may be used as evidence in court.',
    ],
    storage:
      'Recordings are stored locally on secure police systems; recordings needed for an investigation may also be held on national police systems.',
    deployment: 'Cameras are placed where they will best help to prevent and detect crime.',
  },
};

/** The four factors of the privacy impact review, named as the seed letter names them. */
export const FACTOR_NAMES: Record<FactorKey, string> = {
  nationalSecurity: 'National security and counter terrorism',
  seriousCrime: 'Serious, organised and major crime',
  localCrime: 'Local crime patterns',
  communityConfidence: 'Community confidence and reassurance, crime prevention and reduction',
};

/** Every ground a score can show: the four factors, and major crime (policy 2026.2, Appendix A). */
export const GROUND_NAMES: Record<FactorKey | 'majorCrime', string> = {
  ...FACTOR_NAMES,
  majorCrime: 'Major crime',
};

/**
 * The pressing need in words, as the pages and the document show it: each ground with its rating
 * out of the maximum (and as a bar's width in %), its weight, the points it adds and its evidence.
 */
export function needInWords(need: PressingNeed, justification: ProposalInput['justification']) {
  return {
    score: need.score,
    band: need.band,
    policyVersion: need.policyVersion,
    factors: need.factors.map((f) => ({
      key: f.factor,
      name: GROUND_NAMES[f.factor],
      rating: f.rating,
      maxRating: MAX_RATING,
      width: Math.round((f.rating / MAX_RATING) * 100),
      weight: f.weight,
      weightPercent: Math.round(f.weight * 100),
      points: f.contribution,
      evidence: justification[f.factor as FactorKey]?.evidence?.trim() || null,
    })),
  };
}

const FACTOR_ORDER: readonly FactorKey[] = [
  'nationalSecurity',
  'seriousCrime',
  'localCrime',
  'communityConfidence',
];

const NO_EVIDENCE = 'Not relied on for this proposal.';

/** Everything templates/consultation/ may show; nothing else reaches the template. */
export interface ConsultationView extends LetterHead {
  camera: CameraWording;
  retention: {
    /** "The data is stored locally and nationally for a period of twelve months." */
    stored: string;
    standardAccess: string;
    /** Null when normal access already lasts as long as the data is kept. */
    extendedAccess: { longest: string } | null;
  };
  factors: { name: string; evidence: string }[];
}

export interface ProposalForLetter {
  reference: ProposalRecord['reference'];
  input: Pick<
    ProposalInput,
    'cameraType' | 'publicArea' | 'site' | 'justification' | 'retention' | 'responseDeadline'
  >;
}

export { type ConsulteeForLetter, SENDER_TEAM } from './letter-head.js';

export function consultationView(
  proposal: ProposalForLetter,
  consultee: ConsulteeForLetter,
  replyAddress: string,
  senderAddress?: string,
): ConsultationView {
  const { input } = proposal;
  return {
    ...letterHead(proposal, consultee, replyAddress, senderAddress),
    camera: CAMERA_WORDING[input.cameraType],
    retention: retentionView(input.retention),
    factors: FACTOR_ORDER.map((key) => ({
      name: FACTOR_NAMES[key],
      evidence: withoutSite(input.justification[key].evidence?.trim() || NO_EVIDENCE, input.site),
    })),
  };
}

export function renderConsultation(
  proposal: ProposalForLetter,
  consultee: ConsulteeForLetter,
  replyAddress: string,
  senderAddress?: string,
): RenderedMessage {
  return renderMessage('consultation', consultationView(proposal, consultee, replyAddress, senderAddress));
}

export function retentionView(retention: Retention): ConsultationView['retention'] {
  const local = durationPhrase(retention.localDays);
  const national = durationPhrase(retention.nationalDays);
  const longestDays = Math.max(retention.localDays, retention.nationalDays);
  return {
    stored:
      retention.localDays === retention.nationalDays
        ? `The data is stored locally and nationally for a period of ${local}, and is then deleted.`
        : `The data is stored locally for a period of ${local} and nationally for a period of ${national}, and is then deleted.`,
    standardAccess: durationPhrase(retention.standardAccessDays),
    extendedAccess:
      retention.standardAccessDays < longestDays ? { longest: durationPhrase(longestDays) } : null,
  };
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/**
 * A retention period as a reader would say it: 365 days is "twelve months" (the seed letter's
 * words), whole years are years, and anything else stays in days ("90 days") because turning
 * days into months would round a legal limit.
 */
export function durationPhrase(days: number): string {
  if (days === 365) return 'twelve months';
  if (days > 0 && days % 365 === 0) {
    const years = days / 365;
    return `${NUMBER_WORDS[years] ?? String(years)} years`;
  }
  return days === 1 ? '1 day' : `${days} days`;
}

const WITHHELD = '[location withheld]';

/**
 * Evidence is public justification, but a manager may quote the restricted site in it by
 * mistake; the letter must still never carry the site, so such quotes are withheld here.
 * Coordinates are caught in any decimal formatting that points within about 100 m of the site.
 */
export function withoutSite(text: string, site: Site): string {
  let out = text;
  const description = site.description.trim();
  if (description.length > 0) {
    out = out.replace(new RegExp(escapeRegExp(description), 'gi'), WITHHELD);
  }
  return out.replace(/[-+]?\d{1,3}\.\d{3,}/g, (number) => {
    const value = Number(number);
    const near = (coordinate: number) => Math.abs(Math.abs(value) - Math.abs(coordinate)) < 0.001;
    return near(site.latitude) || near(site.longitude) ? WITHHELD : number;
  });
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
