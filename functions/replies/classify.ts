// Reads a consultee's stance from the new text of a reply and its subject (SPEC §5): a keyword
// (SUPPORT, CONCERNS, OBJECT) on the first line or in the subject, else the consultee's own words.
// Anything unclear or mixed is 'unclassified' and left for a person to read: a guessed stance
// would be counted, an unclassified one is only ever triaged.
import type { Stance } from '../shared/model/consultation.js';

type Counted = Exclude<Stance, 'unclassified'>;

const KEYWORD = '(support|concerns?|object(?:ions?)?)';
/** The keyword as the first word of a line, after any bullet, quote mark or emphasis. */
const LEADING_KEYWORD = new RegExp(String.raw`^[\s"'“‘*_(\[{•·\-–—]*${KEYWORD}\b(.*)$`, 'iu');
/** A second, different keyword right after the first ("SUPPORT / OBJECT", "support or object"): a list, not a stance. */
const LISTED_KEYWORD = new RegExp(
  String.raw`^[\s\p{P}\p{S}]*(?:(?:or|and|nor)\s+)?[\s\p{P}\p{S}]*${KEYWORD}\b`,
  'iu',
);
/** The keyword closing the subject: "Re: Consultation on ANPR [DPIA-2026-0001] - OBJECT". */
const TRAILING_KEYWORD = new RegExp(String.raw`[\-–—:|/]\s*${KEYWORD}[\s.!]*$`, 'iu');
const SUBJECT_PREFIX =
  /^\s*(?:(?:re|aw|fw|fwd|wg|sv|vs|antw|antwort|rif|tr|ref|r)\s*(?:\[\d+\])?\s*:|\[[^\]]*\]|\(dpia-[^)]*\))\s*/iu;
const REFERENCE = /[[(]\s*dpia-[\w-]*\s*[\])]/giu;
const KEYWORD_WORD = new RegExp(String.raw`\b${KEYWORD}\b`, 'iu');
const GREETING =
  /^(?:to whom it may concern|(?:dear|hi|hello|hey|good (?:morning|afternoon|evening|day)|greetings)\b[^.!?\n]{0,50})[,.!:]?$/iu;
/** "Dear Councillor Jones," and the like: passed over when looking for the first line's keyword. */
const isGreeting = (line: string): boolean =>
  GREETING.test(line) && !KEYWORD_WORD.test(line.replace(/^to whom it may concern/iu, ''));

const stanceOfKeyword = (word: string): Counted => {
  const w = word.toLowerCase();
  return w.startsWith('support') ? 'support' : w.startsWith('concern') ? 'concerns' : 'object';
};

/** The stance a line states with a leading keyword; undefined when it states none (or lists several). */
function keywordStance(line: string): Counted | undefined {
  const match = LEADING_KEYWORD.exec(line);
  if (!match) return undefined;
  const stance = stanceOfKeyword(match[1] ?? '');
  const listed = LISTED_KEYWORD.exec(match[2] ?? '');
  if (listed && stanceOfKeyword(listed[1] ?? '') !== stance) return undefined;
  return stance;
}

function subjectStance(subject: string): Counted | undefined {
  let rest = subject.replace(/\s+/g, ' ');
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    rest = rest.replace(SUBJECT_PREFIX, '');
  }
  rest = rest.replace(REFERENCE, ' ').trim();
  const leading = keywordStance(rest);
  if (leading) return leading;
  const trailing = TRAILING_KEYWORD.exec(rest);
  return trailing ? stanceOfKeyword(trailing[1] ?? '') : undefined;
}

/**
 * The consultee's own words, in the order they are tried: words consumed by an earlier pattern are
 * blanked, so "no objection" is read once as support and never again as an objection.
 */
const NEG = String.raw`(?:\bnot|n't|\bnever|\bcannot|\bunable to|\bno longer)\b`;
/** Words that may stand between a negation and what it negates: "not have any real concerns". */
const FILLER = String.raw`(?:\s+(?:have|has|had|any|real|major|see|think|there|is|are|was|were|be|been|feel|the|a|an|much|particular|significant|serious|strong|further|i|we|my|our|got|raise|raised|really|at|all|personally|particularly|too|very|overly|unduly|hold|share))*`;
const PHRASES: ReadonlyArray<readonly [RegExp, Counted | null]> = [
  // Idioms that contain a keyword but say nothing about the proposal.
  [/\bto whom it may concern\b/g, null],
  [/\bas far as [\w\s']{1,30} concerned\b/g, null],
  [/\bthank(s| you) for (your|the) support\b/g, null],
  [/\bif you have any (questions|concerns)\b/g, null],
  // The letter's own list of keywords, copied: "SUPPORT / CONCERNS / OBJECT".
  [new RegExp(String.raw`\b${KEYWORD}(?:\s*(?:[/,|]|\bor\b|\band\b)\s*${KEYWORD})+\b`, 'g'), null],
  // Support negated: an objection.
  [
    new RegExp(
      String.raw`${NEG}\s+(?:be\s+|been\s+|fully\s+|wholly\s+|able\s+to\s+|in\s+a\s+position\s+to\s+)*support(?:ive)?\b`,
      'g',
    ),
    'object',
  ],
  [/\bnot (in favou?r|supportive)\b/g, 'object'],
  [/\b(no|without) support\b/g, 'object'],
  [
    new RegExp(
      String.raw`${NEG}\s+(?:very\s+|at\s+all\s+)?(?:happy|content|comfortable|satisfied) with\b`,
      'g',
    ),
    'concerns',
  ],
  // An objection, concern or worry negated: support.
  [
    /\b(no|not any|without any|without|never had any|nor any)\s+(real\s+|major\s+|particular\s+|significant\s+|further\s+|serious\s+)?(objections?|concerns?|reservations?|worries|issues?|problems?)\b/g,
    'support',
  ],
  [/\bno (reason|grounds|need) to (object|oppose|be concerned|worry)\b/g, 'support'],
  [
    new RegExp(
      String.raw`${NEG}${FILLER}\s+(?:objections?|object(?:ing)?|concerns?|concerned|reservations?|worried|opposed|against)\b`,
      'g',
    ),
    'support',
  ],
  // Support.
  [/\b(happy|pleased|glad|delighted|willing|content) to (support|endorse)\b/g, 'support'],
  [
    /\b(i|we|i'd|we'd)(\s+(would|do|fully|strongly|wholeheartedly|whole-heartedly|therefore|also|certainly|definitely|totally|entirely|all))*\s+(support|endorse)\b/g,
    'support',
  ],
  [
    /\b(fully|strongly|wholeheartedly|totally|entirely|completely|unanimously) support(s|ed|ive)?\b/g,
    'support',
  ],
  [/\b(resolved|agreed|voted|decided|minded) to support\b/g, 'support'],
  [
    /\b(council|committee|members|association|partnership|group|residents)(\s+(would|does|do|therefore|also))*\s+supports?\b/g,
    'support',
  ],
  [/\bin (favour|favor|support)\b/g, 'support'],
  [/\bsupportive\b/g, 'support'],
  [/\b(happy|content|comfortable|satisfied) with (this|the|it)\b/g, 'support'],
  // Objection.
  [/\b(i|we|strongly|must|hereby|therefore|formally|would|do|firmly)\s+object\b/g, 'object'],
  [/\bobject(s|ing)? (to|against)\b/g, 'object'],
  [/\bobjections?\b/g, 'object'],
  [/\boppos(e|ed|es|ing|ition)\b/g, 'object'],
  [
    /\b(am|are|is|i'm|we're|be|remain|remains)\s+(very\s+|firmly\s+|strongly\s+|totally\s+|completely\s+)?against\b/g,
    'object',
  ],
  [/\bagainst (this|it|the (proposal|camera|cameras|scheme|installation|plan|idea|use))\b/g, 'object'],
  // Concerns: only the writer's own ("I have some concerns", "our main worry"), or concerns about the
  // proposal itself. "Vehicle crime is a real concern here" explains a view; it is not one.
  [
    /\b(i|we|i'm|we're|i've|we've|i'd|we'd)\b(\s+[\w']+){0,4}?\s+(concerns?|concerned|worried|worries|reservations?|doubts)\b/g,
    'concerns',
  ],
  [/\b(my|our)\s+(\w+\s+)?(concerns?|worry|worries|reservations?|doubts)\b/g, 'concerns'],
  [
    /\b(concerns?|concerned|worried|worries|reservations?|doubts)\s+(about|regarding|over|around|with|that)\s+(the\s+|this\s+|its\s+|a\s+)?(privacy|data|retention|access|camera|cameras|proposal|scheme|location|siting|surveillance|anpr|how|who|whether|what|where|why)\b/g,
    'concerns',
  ],
  [/\bworried\b/g, 'concerns'],
  [/\breservations\b/g, 'concerns'],
  [/\b(further|more|additional) (information|details|clarification)\b/g, 'concerns'],
];

function freeTextStance(text: string): Stance {
  let rest = text.toLowerCase().replace(/[’‘`]/g, "'");
  const found = new Set<Counted>();
  for (const [pattern, stance] of PHRASES) {
    rest = rest.replace(pattern, (match) => {
      if (stance) found.add(stance);
      return ' '.repeat(match.length);
    });
  }
  if (found.size === 1) return [...found][0] as Counted;
  // An objection explains itself with concerns; that is still an objection. Every other mix is unclear.
  if (found.size === 2 && found.has('object') && found.has('concerns')) return 'object';
  return 'unclassified';
}

/**
 * The stance of a reply from its subject and its new text (quoted history already removed; any
 * line still starting with ">" is ignored here too). Pure: the same input always gives the same stance.
 */
export function classifyStance(subject: string, text: string): Stance {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('>'));
  const first = lines.find((line) => !isGreeting(line));
  const fromFirstLine = first === undefined ? undefined : keywordStance(first);
  if (fromFirstLine) return fromFirstLine;
  const fromSubject = subjectStance(subject);
  if (fromSubject) return fromSubject;
  return freeTextStance(lines.join('\n'));
}
