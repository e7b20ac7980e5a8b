import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText, NAMED_ENTITIES } from '../../functions/replies/html-text.js';

describe('htmlToText', () => {
  // Each rule with the markup a mail client sends and the text a reader should get from it.
  it.each<[rule: string, cases: [html: string, text: string][]]>([
    [
      'puts blocks on lines of their own: paragraphs apart, divs and <br> on the next line',
      [
        ['<div>SUPPORT</div><div><br></div><div>Jo</div>', 'SUPPORT\n\nJo'],
        ['<p>One</p><p>Two<br>Three</p>', 'One\n\nTwo\nThree'],
        ['SUPPORT<br/>one<BR>two<br />three', 'SUPPORT\none\ntwo\nthree'],
        ['<h2>Reasons</h2><div>It helps.</div>', 'Reasons\n\nIt helps.'],
      ],
    ],
    [
      'collapses whitespace outside <pre> and keeps it inside',
      [
        ['<p>  SUPPORT \n  spread\n  over   lines </p>\n\n<p>next</p>', 'SUPPORT spread over lines\n\nnext'],
        ['<pre>SUPPORT\n  indented\nline</pre><p>after</p>', 'SUPPORT\n  indented\nline\n\nafter'],
        ['<b>bold</b> <i>it</i><span>a</span>b', 'bold itab'],
      ],
    ],
    [
      'marks quoted history with "> ", nested quotes with one more',
      [
        [
          '<div>SUPPORT</div><blockquote><p>On Mon wrote:</p><blockquote><p>OBJECT</p></blockquote></blockquote>',
          'SUPPORT\n\n> On Mon wrote:\n>\n> > OBJECT',
        ],
        ['<blockquote>Question?</blockquote><div>Yes.</div>', '> Question?\n\nYes.'],
      ],
    ],
    [
      'writes list items one a line, numbered in an ordered list',
      [
        [
          '<p>CONCERNS:</p><ul><li>retention</li><li>access</li></ul><ol><li>one<li>two</ol>',
          'CONCERNS:\n\n* retention\n* access\n\n1. one\n2. two',
        ],
      ],
    ],
    [
      'separates table cells and rows',
      [
        [
          '<table><tr><td>SUPPORT</td><td>yes</td></tr><tr><th>a</th><td>b</td></tr></table>',
          'SUPPORT yes\na b',
        ],
      ],
    ],
    [
      'shows a web link after its text, and a link that is its own text or a mail address once',
      [
        ['See <a href="https://example.org/x">the page</a>.', 'See the page [https://example.org/x].'],
        ['<a href="https://example.org/">https://example.org/</a>', 'https://example.org/'],
        ['<a href="mailto:a@b.example">a@b.example</a>', 'a@b.example'],
      ],
    ],
    [
      'reads sloppy markup: quoted ">", upper case, unclosed tags, a bare "<"',
      [
        ['<p title="a > b">SUPPORT</p>', 'SUPPORT'],
        ['<HTML><BODY><P>SUPPORT</P><BLOCKQUOTE>OBJECT</BLOCKQUOTE></BODY></HTML>', 'SUPPORT\n\n> OBJECT'],
        ['<p>SUPPORT<p>second<br>third<blockquote>OBJECT', 'SUPPORT\n\nsecond\nthird\n\n> OBJECT'],
        ['If a < b, SUPPORT', 'If a < b, SUPPORT'],
        ['', ''],
      ],
    ],
  ])('%s', (_rule, cases) => {
    for (const [html, text] of cases) expect(htmlToText(html), html).toBe(text);
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
