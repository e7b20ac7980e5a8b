// The DPIA document (SPEC 11): HTML and PDF render time and size for a proposal with 500 consultees
// and 500 replies (the partition built in memory and rendered directly, as the handlers do once
// they have read it), the peak memory of the PDF (this process and Chromium's, which is what a
// Lambda's memory must hold), and one real HTTP fetch of each through the local stack.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { renderDpia, SECTION_HEADINGS } from '../functions/dpia/document.js';
import { renderPdf } from '../functions/dpia/pdf.js';
import { startScratchStack } from '../local/scratch.js';
import { dpiaFixture, PLANTED } from '../test/support/dpia.js';
import { proposalInput } from '../test/support/stack.js';
import { type BenchOptions, type BenchResult, check, median } from './support/result.js';
import { benchDataDir } from './support/stack.js';

const LAMBDA_RESPONSE_MB = 6;

export async function benchDpia({ quick }: BenchOptions): Promise<BenchResult[]> {
  const size = quick ? 50 : 500;
  const runs = quick ? 2 : 5;
  const sources = dpiaFixture({ consultees: size, replies: size });

  const htmlTimes: number[] = [];
  let html = '';
  let reference = '';
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const rendered = renderDpia(sources, 'full');
    htmlTimes.push(performance.now() - t);
    html = rendered.html;
    reference = rendered.view.reference;
  }
  const publicHtml = renderDpia(sources, 'public').html;

  const pdfTimes: number[] = [];
  let pdf: Buffer = Buffer.alloc(0);
  let peakRss = 0;
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    const sampler = sampleRss();
    const t = performance.now();
    pdf = await renderPdf(html, { reference, status: 'Approved', draft: false, edition: 'full' });
    pdfTimes.push(performance.now() - t);
    peakRss = Math.max(peakRss, sampler.stop());
  }

  const http = await oneHttpFetch();
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const headingsInOrder = SECTION_HEADINGS.every((h, i) => {
    const at = html.indexOf(h);
    return at > 0 && (i === 0 || at > html.indexOf(SECTION_HEADINGS[i - 1] as string));
  });
  const leaked = Object.entries(PLANTED).filter(([, value]) => publicHtml.includes(value));
  return [
    {
      name: 'dpia document: HTML',
      figure: median(htmlTimes),
      unit: 'ms',
      detail: `${size} consultees and replies: ${mb(Buffer.byteLength(html)).toFixed(2)} MB of HTML (public edition ${mb(Buffer.byteLength(publicHtml)).toFixed(2)} MB); one real GET /proposals/{id}/dpia on the local stack ${http.htmlMs.toFixed(0)} ms`,
      checks: [
        check('the seven ICO steps are in order', headingsInOrder),
        check(
          'the public edition holds none of the planted strings',
          leaked.length === 0,
          leaked.map(([k]) => k).join(', '),
        ),
        check('the HTTP fetch answers 200 with the document', http.htmlOk),
      ],
      data: { htmlTimes, bytes: Buffer.byteLength(html) },
    },
    {
      name: 'dpia document: PDF',
      figure: median(pdfTimes),
      unit: 'ms',
      detail: `${size} consultees and replies: ${mb(pdf.length).toFixed(2)} MB, peak RSS ${peakRss.toFixed(0)} MB (Node and Chromium together); one real GET /proposals/{id}/dpia.pdf ${http.pdfMs.toFixed(0)} ms`,
      goal: `<= ${LAMBDA_RESPONSE_MB} MB inline (else a presigned URL)`,
      pass: (pdf.length / 3) * 4 <= LAMBDA_RESPONSE_MB * 1024 * 1024,
      checks: [
        check('the PDF is a PDF', pdf.subarray(0, 5).toString() === '%PDF-'),
        check('the HTTP fetch answers 200 with a PDF', http.pdfOk),
      ],
      data: { pdfTimes, bytes: pdf.length, peakRssMB: peakRss },
    },
  ];
}

/** One proposal through the real HTTP API (still consulting: the document is a draft then). */
async function oneHttpFetch() {
  const scratch = await startScratchStack('bench-dpia', benchDataDir());
  process.send?.({ tempDir: scratch.dataDir });
  try {
    const { client } = scratch;
    const created = await client.api<{ proposalId: string }>(
      'manager',
      'POST',
      '/proposals',
      proposalInput({ consultees: 5 }),
    );
    const id = created.body.proposalId;
    await client.waitForStatus(id, ['consulting']);
    const headers = { authorization: `Bearer ${await client.token('manager')}` };
    let t = performance.now();
    const page = await fetch(`${client.apiUrl}/proposals/${id}/dpia`, { headers });
    const htmlOk = page.status === 200 && (await page.text()).includes('DRAFT - not yet decided');
    const htmlMs = performance.now() - t;
    t = performance.now();
    const printed = await fetch(`${client.apiUrl}/proposals/${id}/dpia.pdf`, { headers });
    const pdfOk =
      printed.status === 200 &&
      Buffer.from(await printed.arrayBuffer())
        .subarray(0, 5)
        .toString() === '%PDF-';
    return { htmlOk, htmlMs, pdfOk, pdfMs: performance.now() - t };
  } finally {
    await scratch.close();
  }
}

/**
 * Samples the resident memory of this process and every process below it (Chromium's browser,
 * renderer and GPU processes) every 25 ms, from /proc: the sum is what one Lambda would hold.
 */
function sampleRss(): { stop(): number } {
  let peak = 0;
  const sample = () => {
    const total = [process.pid, ...descendants(process.pid)].reduce((sum, pid) => sum + rssMB(pid), 0);
    peak = Math.max(peak, total);
  };
  sample();
  const timer = setInterval(sample, 25);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

function descendants(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function rssMB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
