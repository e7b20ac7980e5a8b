// The proposal's fixed terms: camera types, grounds, limits and the twelve guiding principles.
// Plain data, apart from the zod schemas in proposal.ts (which re-exports them), so that a function
// that only names a camera type or prints the principles does not bundle the proposal schema.

export const CAMERA_TYPES = ['ANPR', 'CCTV', 'BWV', 'DRONE', 'SPEED', 'OTHER'] as const;
export type CameraType = (typeof CAMERA_TYPES)[number];

export const FACTOR_KEYS = ['nationalSecurity', 'seriousCrime', 'localCrime', 'communityConfidence'] as const;
export type FactorKey = (typeof FACTOR_KEYS)[number];

export const MAX_CONSULTEES = 500;

export const MAX_RATING = 5;
export const EVIDENCE_MIN = 20;
export const EVIDENCE_MAX = 4000;

/** The national standard from the seed letter: twelve months stored, 90 days of normal access. */
export const DEFAULT_RETENTION = { localDays: 365, nationalDays: 365, standardAccessDays: 90 } as const;

/** The 12 guiding principles of the Surveillance Camera Code of Practice, as the checklist names them. */
export const GUIDING_PRINCIPLES = [
  'Use for a specified purpose in pursuit of a legitimate aim and a pressing need',
  'Take into account the effect on individuals and their privacy, with regular reviews',
  'As much transparency as possible, including a published contact point for access and complaints',
  'Clear responsibility and accountability for all activities, including images and information',
  'Clear rules, policies and procedures in place before use, communicated to all who need them',
  'No more images and information stored than strictly required, deleted once their purpose is met',
  'Access to retained images restricted, with clearly defined rules on who may gain access and why',
  'Operators follow approved operational, technical and competency standards',
  'Images and information subject to appropriate security measures against unauthorised access',
  'Effective review and audit that legal requirements, policies and standards are complied with',
  'Used in the most effective way to support public safety and law enforcement, with evidential value',
  'Any reference database used for matching is accurate and kept up to date',
] as const;

/** How running text names each camera type ("the use of ANPR in Tenterden"); the letter's wording uses it too. */
export const CAMERA_SHORT_NAMES: Record<CameraType, string> = {
  ANPR: 'ANPR',
  CCTV: 'CCTV',
  BWV: 'body worn video',
  DRONE: 'police drones',
  SPEED: 'speed detection cameras',
  OTHER: 'surveillance cameras',
};
