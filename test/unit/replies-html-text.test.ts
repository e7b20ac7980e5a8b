import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText, NAMED_ENTITIES } from '../../functions/replies/html-text.js';

describe('htmlToText', () => {
  it('puts blocks on lines of their own: paragraphs apart, divs and <br> on the next line', () => {
    expect(htmlToText('<div>SUPPORT</div><div><br></div><div>Jo</div>')).toBe('SUPPORT\n\nJo');
    expect(htmlToText('<p>One</p><p>Two<br>Three</p>')).toBe('One\n\nTwo\nThree');
    expect(htmlToText('SUPPORT<br/>one<BR>two<br />three')).toBe('SUPPORT\none\ntwo\nthree');
    expect(htmlToText('<h2>Reasons</h2><div>It helps.</div>')).toBe('Reasons\n\nIt helps.');
  });

  it('collapses whitespace outside <pre> and keeps it inside', () => {
    expect(htmlToText('<p>  SUPPORT \n  spread\n  over   lines </p>\n\n<p>next</p>')).toBe(
      'SUPPORT spread over lines\n\nnext',
    );
    expect(htmlToText('<pre>SUPPORT\n  indented\nline</pre><p>after</p>')).toBe(
      'SUPPORT\n  indented\nline\n\nafter',
    );
    expect(htmlToText('<b>bold</b> <i>it</i><span>a</span>b')).toBe('bold itab');
  });

  it('marks quoted history with "> ", nested quotes with one more', () => {
    expect(
      htmlToText(
        '<div>SUPPORT</div><blockquote><p>On Mon wrote:</p><blockquote><p>OBJECT</p></blockquote></blockquote>',
      ),
    ).toBe('SUPPORT\n\n> On Mon wrote:\n>\n> > OBJECT');
    expect(htmlToText('<blockquote>Question?</blockquote><div>Yes.</div>')).toBe('> Question?\n\nYes.');
  });

  it('writes list items one a line, numbered in an ordered list', () => {
    expect(
      htmlToText('<p>CONCERNS:</p><ul><li>retention</li><li>access</li></ul><ol><li>one<li>two</ol>'),
    ).toBe('CONCERNS:\n\n* retention\n* access\n\n1. one\n2. two');
  });

  it('separates table cells and rows', () => {
    expect(
      htmlToText('<table><tr><td>SUPPORT</td><td>yes</td></tr><tr><th>a</th><td>b</td></tr></table>'),
    ).toBe('SUPPORT yes\na b');
  });

  it('shows nothing of the head, styles, scripts, comments and Outlook conditional markup', () => {
    const html = [
      '<!DOCTYPE html><html><head><title>OBJECT</title><meta charset="utf-8">',
      '<style>p { font-family: Calibri } /* OBJECT */</style>',
      '<!--[if gte mso 9]><xml><o:OfficeDocumentSettings>OBJECT</o:OfficeDocumentSettings></xml><![endif]-->',
      '</head><body><script>var x = "<p>OBJECT</p>";</script>',
      '<p class=MsoNormal><![if !supportLists]>SUPPORT<![endif]><o:p></o:p></p></body></html>',
    ].join('\n');
    expect(htmlToText(html)).toBe('SUPPORT');
  });

  it('shows a web link after its text, and a link that is its own text or a mail address once', () => {
    expect(htmlToText('See <a href="https://example.org/x">the page</a>.')).toBe(
      'See the page [https://example.org/x].',
    );
    expect(htmlToText('<a href="https://example.org/">https://example.org/</a>')).toBe(
      'https://example.org/',
    );
    expect(htmlToText('<a href="mailto:a@b.example">a@b.example</a>')).toBe('a@b.example');
  });

  it('reads sloppy markup: quoted ">", upper case, unclosed tags, a bare "<"', () => {
    expect(htmlToText('<p title="a > b">SUPPORT</p>')).toBe('SUPPORT');
    expect(htmlToText('<HTML><BODY><P>SUPPORT</P><BLOCKQUOTE>OBJECT</BLOCKQUOTE></BODY></HTML>')).toBe(
      'SUPPORT\n\n> OBJECT',
    );
    expect(htmlToText('<p>SUPPORT<p>second<br>third<blockquote>OBJECT')).toBe(
      'SUPPORT\n\nsecond\nthird\n\n> OBJECT',
    );
    expect(htmlToText('If a < b, SUPPORT')).toBe('If a < b, SUPPORT');
    expect(htmlToText('')).toBe('');
  });

  it('gives back any text written into a paragraph, whitespace collapsed', () => {
    const escapeHtml = (text: string) =>
      text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const shown = text.replace(/[ \t\n\r\f]+/g, ' ').trim();
        expect(htmlToText(`<p>${escapeHtml(text)}</p>`).trim()).toBe(shown);
      }),
    );
  });

  it('stays linear on pathological markup', () => {
    for (const html of [
      '<'.repeat(500_000),
      '<a href="https://x.example">y</a>'.repeat(40_000),
      '<a x="'.repeat(100_000),
      '<style>'.repeat(100_000),
      `<blockquote>${'x'.repeat(200_000)}`,
      '<td>'.repeat(200_000),
    ]) {
      const started = Date.now();
      htmlToText(html);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hexadecimal references, each once', () => {
    expect(decodeEntities('I&rsquo;m &ldquo;happy&rdquo; &ndash; caf&eacute; &pound;5 &euro;5')).toBe(
      'I’m “happy” – café £5 €5',
    );
    expect(decodeEntities('&#233; &#x2019; &#X2013; &amp;lt;')).toBe('é ’ – &lt;');
  });

  it('reads &#128;–&#159; as the windows-1252 characters old HTML means by them', () => {
    expect(decodeEntities('don&#146;t &#150; &#147;x&#148; &#128;')).toBe('don’t – “x” €');
  });

  it('leaves unknown names, and names without their semicolon, as written', () => {
    expect(decodeEntities('&unknown; a&copy=1 &amp')).toBe('&unknown; a&copy=1 &amp');
    expect(decodeEntities('&#0; &#xD800; &#1114112;')).toBe('\ufffd \ufffd \ufffd');
  });

  it('maps the Latin-1 names to their code points in order', () => {
    expect(NAMED_ENTITIES.get('nbsp')).toBe('\u00a0');
    expect(NAMED_ENTITIES.get('iquest')).toBe('¿');
    expect(NAMED_ENTITIES.get('Agrave')).toBe('À');
    expect(NAMED_ENTITIES.get('times')).toBe('×');
    expect(NAMED_ENTITIES.get('szlig')).toBe('ß');
    expect(NAMED_ENTITIES.get('divide')).toBe('÷');
    expect(NAMED_ENTITIES.get('yuml')).toBe('ÿ');
  });
});
