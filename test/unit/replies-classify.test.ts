// How a reply's stance is read (functions/replies/classify.ts): the word on the first line or in
// the subject, the phrases people use instead, any casing and punctuation of them (fast-check), and never the
// quoted letter once parse.ts has taken it off.
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { classifyStance } from '../../functions/replies/classify.js';
import { parseReply } from '../../functions/replies/parse.js';
import type { Stance } from '../../functions/shared/model/consultation.js';

const SUBJECT = 'Re: Consultation on the use of ANPR in Tenterden [DPIA-2026-0001]';

const build = (options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> =>
  new MailComposer(options).compile().build();

describe('classifyStance', () => {
  it.each<[string, string, Stance]>([
    [SUBJECT, 'SUPPORT', 'support'],
    [SUBJECT, 'support', 'support'],
    [SUBJECT, 'Support.', 'support'],
    [SUBJECT, '  *Support*', 'support'],
    [SUBJECT, 'OBJECT -\nthe location is wrong', 'object'],
    [SUBJECT, 'Objection.', 'object'],
    [SUBJECT, 'Concerns: who can see the data?', 'concerns'],
    [SUBJECT, 'concern', 'concerns'],
    [SUBJECT, 'Dear DPIA team,\n\nOBJECT\n\nWe think not.', 'object'],
    [SUBJECT, 'Support, but with concerns about retention', 'support'],
    ['Re: [DPIA-2026-0001] SUPPORT', '', 'support'],
    ['RE: AW: [DPIA-2026-0001] object', '', 'object'],
    ['SUPPORT - Re: Consultation on the use of ANPR in Tenterden [DPIA-2026-0001]', '', 'support'],
    [`${SUBJECT} - CONCERNS`, '', 'concerns'],
    ['Re: [DPIA-2026-0001] SUPPORT', 'OBJECT', 'object'],
    [SUBJECT, '', 'unclassified'],
    ['Re: Request for support', '', 'unclassified'],
    [SUBJECT, 'I have no objection to this proposal.', 'support'],
    [SUBJECT, 'No objections from the parish.', 'support'],
    [SUBJECT, 'Happy to support.', 'support'],
    [SUBJECT, 'I support the camera.', 'support'],
    [SUBJECT, 'We fully support it.', 'support'],
    [SUBJECT, 'The council is in favour.', 'support'],
    [SUBJECT, 'No concerns from me.', 'support'],
    [SUBJECT, 'I don\u2019t have any concerns.', 'support'],
    [SUBJECT, 'I am not opposed to this.', 'support'],
    [SUBJECT, 'We do not object.', 'support'],
    [SUBJECT, 'I do not support this.', 'object'],
    [SUBJECT, "I don't support it.", 'object'],
    [SUBJECT, 'I cannot support the scheme.', 'object'],
    [SUBJECT, 'I strongly object to the camera.', 'object'],
    [SUBJECT, 'I object.', 'object'],
    [SUBJECT, 'We oppose it.', 'object'],
    [SUBJECT, 'I am against this.', 'object'],
    [SUBJECT, 'No, I object.', 'object'],
    [SUBJECT, 'I strongly object. My main concern is privacy.', 'object'],
    [SUBJECT, 'I have some concerns about the retention period.', 'concerns'],
    [SUBJECT, 'Residents are worried about who sees the data.', 'concerns'],
    [SUBJECT, 'We have reservations.', 'concerns'],
    [SUBJECT, 'I would like further information first.', 'concerns'],
    [SUBJECT, 'Vehicle crime has been a worry for traders. No objection.', 'support'],
    [SUBJECT, 'I support it in principle but oppose this location.', 'unclassified'],
    [SUBJECT, 'I support it but have concerns about retention.', 'unclassified'],
    [SUBJECT, 'SUPPORT / CONCERNS / OBJECT', 'unclassified'],
    [SUBJECT, 'Support or object?', 'unclassified'],
    [SUBJECT, 'Thank you for the letter; I will read it at the weekend.', 'unclassified'],
    [SUBJECT, 'To whom it may concern,\n\nwe will discuss it on Monday.', 'unclassified'],
    [SUBJECT, '> SUPPORT\n> I support', 'unclassified'],
    [SUBJECT, 'Objections: none.', 'support'],
    [SUBJECT, 'Thanks for this.\nConcerns - nil', 'support'],
    [SUBJECT, 'Will objections be published?', 'unclassified'],
    [SUBJECT, 'If it is ever used for parking fines we would object.', 'unclassified'],
    [SUBJECT, 'Understood.\n\nSupport from the school.', 'support'],
    [SUBJECT, '👍 Support from me', 'support'],
  ])('%s | %j → %s', (subject, text, stance) => {
    expect(classifyStance(subject, text)).toBe(stance);
  });

  const KEYWORDS: ReadonlyArray<readonly [string, Stance]> = [
    ['support', 'support'],
    ['concerns', 'concerns'],
    ['concern', 'concerns'],
    ['object', 'object'],
    ['objection', 'object'],
  ];
  const keyword = fc
    .constantFrom(...KEYWORDS)
    .chain(([word, stance]) => fc.tuple(fc.mixedCase(fc.constant(word)), fc.constant(stance)));
  const punctuation = fc.constantFrom('', '.', '!', ':', ' -', ' \u2013', ',', ' .');
  const PHRASES = [
    'SUPPORT',
    'OBJECT - you object to it',
    'CONCERNS',
    'I have no objection.',
    'I do not support this.',
    'We strongly object.',
    'Happy to support.',
    'I have some concerns about retention.',
    'not opposed',
    'in favour',
    'I would like further information.',
    'Thank you for the letter.',
    'The camera is on the A28.',
    'Residents discussed it at length.',
    'Dear Sian,',
    'See you on Monday.',
  ];
  const phrase = fc.constantFrom(...PHRASES);
  const sentences = fc.array(phrase, { maxLength: 6 }).map((parts) => parts.join(' '));
  const paragraphs = fc.array(sentences, { maxLength: 4 }).map((lines) => lines.join('\n'));

  it('a keyword on the first line wins, whatever follows it and whatever the subject says', () => {
    fc.assert(
      fc.property(
        keyword,
        punctuation,
        fc.constantFrom('', '\n', '\n\n  \n', 'Dear DPIA team,\n\n'),
        fc.string(),
        fc.string(),
        ([word, stance], mark, before, after, subject) => {
          expect(classifyStance(subject, `${before}${word}${mark}\n${after}`)).toBe(stance);
        },
      ),
    );
  });

  it('does not depend on letter case', () => {
    fc.assert(
      fc.property(sentences, paragraphs, (subject, text) => {
        const stance = classifyStance(subject, text);
        expect(classifyStance(subject.toUpperCase(), text.toUpperCase())).toBe(stance);
        expect(classifyStance(subject.toLowerCase(), text.toLowerCase())).toBe(stance);
      }),
    );
  });

  it('is a pure function: the same input always gives the same stance', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (subject, text) => {
        expect(classifyStance(subject, text)).toBe(classifyStance(subject, text));
      }),
    );
  });

  it('never lets quoted text decide the stance (parse, then classify)', async () => {
    const quoteStyles = fc.constantFrom(
      (quoted: string) =>
        `On Mon, 7 Dec 2026 at 10:02, Kent Police DPIA Team <dpia@camera-dpia.test> wrote:\n\n${quoted
          .split('\n')
          .map((line) => `> ${line}`)
          .join('\n')}`,
      (quoted: string) =>
        `-----Original Message-----\nFrom: Kent Police DPIA Team <dpia@camera-dpia.test>\nSent: 07 December 2026 10:02\n\n${quoted}`,
      (quoted: string) =>
        `________________________________\nFrom: Kent Police DPIA Team <dpia@camera-dpia.test>\nSent: Monday, December 7, 2026 10:02 AM\nSubject: x\n\n${quoted}`,
    );
    await fc.assert(
      fc.asyncProperty(
        paragraphs,
        paragraphs,
        quoteStyles,
        fc.boolean(),
        async (written, quoted, style, bottomPosted) => {
          // Unmarked quotes (Outlook) only ever sit below the new text.
          const marked = style('').startsWith('On ');
          const body =
            bottomPosted && marked ? `${style(quoted)}\n\n${written}\n` : `${written}\n\n${style(quoted)}\n`;
          const raw = await build({
            from: 'Sian Jones <sian@example.org>',
            to: 'consult+0f4c2a9b7d1e3f5a6b8c9d0e1f2a3b4c@replies.camera-dpia.test',
            subject: SUBJECT,
            text: body,
          });
          const parsed = await parseReply(raw);
          expect(classifyStance(parsed.subject, parsed.text)).toBe(classifyStance(SUBJECT, written));
        },
      ),
      { numRuns: 60 },
    );
  });
});
