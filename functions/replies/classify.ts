// Reads a consultee's stance from the new text of a reply and its subject (SPEC §5): a keyword
// (SUPPORT, CONCERNS, OBJECT) on the first line or in the subject, else the consultee's own words.
// Anything unclear or mixed is 'unclassified' and left for a person to read: a guessed stance
// would be counted, an unclassified one is only ever triaged. Every reading says which rule or
// phrase decided it (`reason`), shown to the manager beside the stance.
import type { Stance } from '../shared/model/consultation.js';

/** A stance and the rule or phrase that decided it, in words a manager can check. */
export interface StanceReading {
  stance: Stance;
  reason: string;
}

type Counted = Exclude<Stance, 'unclassified'>;

/** The three keywords, and the Welsh words a bilingual reply puts beside them. */
const KEYWORD = '(support|concerns?|object(?:ions?)?|cefnogi|cefnogaf|gwrthwynebu|gwrthwynebaf|pryderon)';
/** The keyword as the first word of a line, after any bullet, quote mark, emphasis or emoji. */
const LEADING_KEYWORD = new RegExp(
  String.raw`^[\s"'“‘*_(\[{•·\-–—\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}]*${KEYWORD}\b(.*)$`,
  'iu',
);
const NONE_AFTER_KEYWORD = /^\s*[:\-–—=]?\s*(?:none|nil|no|n\/a|not any)\b/iu;
/** What may follow a keyword on a line below the first for the line to be a stated stance: "Support from the school." */
const SHORT_KEYWORD_REST = /^(?:\s*[.!:,;\-–—)]*\s*$|\s*[.!:,;\-–—]|\s+from\s+(?:me|us|the\s+\w+)\b)/iu;
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
  if (w.startsWith('support') || w.startsWith('cefnog')) return 'support';
  return w.startsWith('concern') || w.startsWith('pryder') ? 'concerns' : 'object';
};

/** The stance a line states with a leading keyword; undefined when it states none (or lists several). */
function keywordStance(line: string, restMustBeShort = false): Counted | undefined {
  const match = LEADING_KEYWORD.exec(line);
  if (!match) return undefined;
  if (restMustBeShort && !SHORT_KEYWORD_REST.test(match[2] ?? '')) return undefined;
  // "Objections: none", "Concerns - nil": the keyword answered in the negative, read as words below.
  if (NONE_AFTER_KEYWORD.test(match[2] ?? '')) return undefined;
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
  // Deciding later, or asking which: the keywords named, no stance taken.
  [/\bwhether (?:to |we |they |it |i |you )?(?:\w+ ){0,3}(support|object|oppose)\w*\b/g, null],
  [
    /\b(support|object)(s|ed|ing)? (the|a|our|its) (neighbourhood|police|policing|officers?|team|road safety)\b/g,
    null,
  ],
  // The letter's own list of keywords, copied: "SUPPORT / CONCERNS / OBJECT".
  [new RegExp(String.raw`\b${KEYWORD}(?:\s*(?:[/,|]|\bor\b|\band\b)\s*${KEYWORD})+\b`, 'g'), null],
  // "Objections: none", "Concerns - nil": no objection, no concern.
  [/\b(objections?|concerns?)\s*[:\-–—=]?\s*(none|nil|not any)\b/g, 'support'],
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
  [/\b(resolved|agreed|voted|decided|minded) to support\b/gi, 'support'],
  [/\b(he|she|they)\s+(fully\s+|strongly\s+)?supports?\b/g, 'support'],
  [/\b(he|she|they|who)\s+(strongly\s+|formally\s+)?objects?\b/g, 'object'],
  [
    /\b(council|committee|members|association|partnership|group|residents|watch|trust|chamber|governors)(\s+(would|does|do|therefore|also|fully|welcomes the proposal and|welcomes the proposal and fully))*\s+supports?\b/g,
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

/**
 * Sentences that take no stance whatever words they use: questions ("Will objections be
 * published?"), conditions ("If ... we would object"), and plans to answer later. They are left
 * out of the free-text reading; the reason says so when nothing else is left.
 */
const HYPOTHETICAL =
  /^(?:if|unless|should|once|when)\b|\bonly\s+(?:\w+\s+)?if\b|\bwould\b[^.]*\bif\b|\bif\b[^.]*\bwould\b/u;
const DEFERRED =
  /\b(?:will|shall|'ll)\s+(?:send|come back|reply|respond|let you know|write|decide|get back)\b|\bnot (?:yet )?decided\b/u;

interface Sentence {
  text: string;
  skipped?: 'a question' | 'a condition' | 'a plan to answer later';
}

function sentences(text: string): Sentence[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/u)
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t): Sentence => {
      if (t.endsWith('?')) return { text: t, skipped: 'a question' };
      if (HYPOTHETICAL.test(t)) return { text: t, skipped: 'a condition' };
      if (DEFERRED.test(t)) return { text: t, skipped: 'a plan to answer later' };
      return { text: t };
    });
}

const quoteOf = (phrase: string) => `"${phrase.trim().replace(/\s+/g, ' ')}"`;

function freeTextStance(text: string): StanceReading {
  const all = sentences(text.toLowerCase().replace(/[’‘`]/g, "'"));
  let rest = all
    .filter((s) => !s.skipped)
    .map((s) => s.text)
    .join('\n');
  const found = new Map<Counted, string[]>();
  for (const [pattern, stance] of PHRASES) {
    rest = rest.replace(pattern, (match) => {
      if (stance) found.set(stance, [...(found.get(stance) ?? []), match]);
      return ' '.repeat(match.length);
    });
  }
  const first = (stance: Counted) => quoteOf(found.get(stance)?.[0] ?? '');
  if (found.size === 1) {
    const [stance] = [...found.keys()] as [Counted];
    return { stance, reason: `the phrase ${first(stance)}` };
  }
  // An objection explains itself with concerns; that is still an objection. Every other mix is unclear.
  if (found.size === 2 && found.has('object') && found.has('concerns')) {
    return {
      stance: 'object',
      reason: `the phrase ${first('object')}, with ${first('concerns')} given as its reason`,
    };
  }
  if (found.size > 1) {
    const named = [...found.keys()].map((stance) => `${first(stance)} (${stance})`).join(' and ');
    return { stance: 'unclassified', reason: `more than one stance: ${named}` };
  }
  const skipped = all.find((s) => s.skipped && KEYWORD_WORD.test(s.text));
  if (skipped) {
    return {
      stance: 'unclassified',
      reason: `no stance taken: ${quoteOf(skipped.text.slice(0, 80))} is ${skipped.skipped}`,
    };
  }
  return { stance: 'unclassified', reason: 'no stance found in the subject or the new text' };
}

/**
 * The stance of a reply from its subject and its new text (quoted history already removed; any
 * line still starting with ">" is ignored here too), and why. `forwarded` is the new text of a
 * message the consultee forwarded, read only when their own words state no stance.
 * Pure: the same input always gives the same reading.
 */
export function readStance(subject: string, text: string, forwarded?: string): StanceReading {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('>'));
  const first = lines.find((line) => !isGreeting(line));
  const fromFirstLine = first === undefined ? undefined : keywordStance(first);
  if (fromFirstLine && first) {
    return { stance: fromFirstLine, reason: `the keyword on the first line: ${quoteOf(first.slice(0, 60))}` };
  }
  const fromSubject = subjectStance(subject);
  if (fromSubject) return { stance: fromSubject, reason: `the keyword in the subject: ${quoteOf(subject)}` };
  // A keyword opening a short line further down: an inline answer ("Support from the school.").
  const keywordLines = lines.filter((line) => keywordStance(line, true));
  const stances = new Set(keywordLines.map((line) => keywordStance(line, true)));
  const free = freeTextStance(lines.join('\n'));
  if (stances.size === 1 && keywordLines[0]) {
    const [stance] = [...stances] as [Counted];
    if (free.stance === stance || free.stance === 'unclassified') {
      return { stance, reason: `the keyword opening a line: ${quoteOf(keywordLines[0].slice(0, 60))}` };
    }
  }
  if (free.stance === 'unclassified' && forwarded !== undefined && !free.reason.startsWith('more than one')) {
    const inner = readStance('', forwarded);
    if (inner.stance !== 'unclassified') {
      return { stance: inner.stance, reason: `in the forwarded message: ${inner.reason}` };
    }
  }
  return free;
}

/** The stance alone (see readStance). */
export function classifyStance(subject: string, text: string): Stance {
  return readStance(subject, text).stance;
}
