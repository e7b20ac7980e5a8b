// The auditor dashboard as a view for templates/pages/app-dashboard.html: each chart's geometry
// worked out here, so the template only draws (and Mustache escapes) it, with the words a screen
// reader hears, the caption a reader sees and the table beneath. Pure: unit-tested with plain data.

import { STANCES } from '../shared/model/stances.js';
import { formatUkLongDate } from '../shared/uk-dates.js';
import { ENDINGS, type Ending, STAGES, type Stage } from '../stats/fields.js';
import type { MonthFigures, OverdueReviews } from '../stats/figures.js';
import { histogramTotal, MAX_DAY_BUCKET, medianDays, mergeHistograms } from '../stats/histogram.js';
import { monthLabel, monthShort } from '../stats/months.js';

/** Every chart is drawn on this width; the page scales it, so text stays legible at 390 px. */
const W = 480;
const ENDING_LABELS: Record<Ending, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
};
const STANCE_NAMES: Record<(typeof STANCES)[number], string> = {
  support: 'Support',
  concerns: 'Concerns',
  object: 'Object',
  unclassified: 'Unclassified',
};
const STAGE_LABELS: Record<Stage, string> = {
  scoringToMailed: 'Scoring to mailed',
  mailedToClosed: 'Mailed to closed',
  closedToDecision: 'Closed to decision',
};

export interface DashboardInput {
  months: MonthFigures[];
  overdue: OverdueReviews;
  /** The UK day reviews are overdue before. */
  today: string;
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
const percent = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((part / whole) * 100) : null;
const percentText = (value: number | null): string => (value === null ? 'no data' : `${value}%`);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** "under 1 day", "1 day", "2.5 days", "365 days or more" (the last bucket is open-ended). */
export function formatDays(days: number | null): string {
  if (days === null) return 'no data';
  if (days >= MAX_DAY_BUCKET) return `${MAX_DAY_BUCKET} days or more`;
  if (days === 0) return 'under 1 day';
  return days === 1 ? '1 day' : `${days} days`;
}

/** A round top for an axis (1, 2 or 5 times a power of ten) at or above `max`, and its ticks. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (max <= 0) return { top: ticks, step: 1 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const wholeStep = Math.max(1, step);
  return { top: Math.ceil(max / wholeStep) * wholeStep, step: wholeStep };
}

/** Month labels under the columns: every month when they fit, else every 2nd, 3rd or 6th. */
function monthAxis(months: string[], x: (i: number) => number) {
  const every = months.length <= 12 ? 1 : months.length <= 18 ? 2 : months.length <= 24 ? 3 : 6;
  let lastYear = '';
  return months.flatMap((month, i) => {
    if ((months.length - 1 - i) % every !== 0) return [];
    // The year under the first label and under the first label of each new year.
    const year = month.slice(0, 4);
    const label = { x: x(i), label: monthShort(month), year: year === lastYear ? '' : year };
    lastYear = year;
    return [label];
  });
}

function yGrid(top: number, step: number, y: (v: number) => number, suffix = '') {
  const lines = [];
  for (let v = 0; v <= top; v += step)
    lines.push({ y: round1(y(v)), ty: round1(y(v) + 4), label: `${v}${suffix}` });
  return lines;
}

/**
 * A chart with a column per month, `height` high, its plot `left` from the edge and `yTop` at the
 * top of its scale: the geometry, and the parts of the view every such chart has.
 */
function monthFrame(months: MonthFigures[], height: number, left: number, yTop: number) {
  const right = 8;
  const top = 12;
  const bottom = 44;
  const plotW = W - left - right;
  const plotH = height - top - bottom;
  const slot = plotW / Math.max(1, months.length);
  const barW = round1(Math.max(4, Math.min(36, slot * 0.7)));
  const xCentre = (i: number) => round1(left + slot * (i + 0.5));
  const y = (v: number) => top + plotH - (v / yTop) * plotH;
  const x1 = W - right;
  return {
    barW,
    xCentre,
    y,
    top,
    plotH,
    x1,
    view: {
      width: W,
      height,
      plot: { x0: left, x1, y0: top + plotH },
      axis: monthAxis(
        months.map((m) => m.month),
        xCentre,
      ).map((a) => ({ ...a, ly: top + plotH + 16, yy: top + plotH + 32 })),
      emptyX: W / 2,
      emptyY: top + plotH / 2,
    },
  };
}

function decisionsChart(months: MonthFigures[]) {
  const totals = months.map((m) => sum(ENDINGS.map((e) => m.endings[e])));
  const scale = niceScale(Math.max(0, ...totals));
  const { barW, xCentre, y, view } = monthFrame(months, 250, 36, scale.top);
  const columns = months.map((m, i) => {
    let base = 0;
    const segments = ENDINGS.filter((e) => m.endings[e] > 0).map((ending) => {
      const y0 = y(base);
      base += m.endings[ending];
      const y1 = y(base);
      return { ending, x: round1(xCentre(i) - barW / 2), y: round1(y1), w: barW, h: round1(y0 - y1) };
    });
    return { segments };
  });
  const totalsByEnding = Object.fromEntries(
    ENDINGS.map((e) => [e, sum(months.map((m) => m.endings[e]))]),
  ) as Record<Ending, number>;
  const total = sum(totals);
  const busiest = months.reduce<{ month: string; total: number } | null>(
    (best, m, i) =>
      (totals[i] ?? 0) > (best?.total ?? 0) ? { month: m.month, total: totals[i] ?? 0 } : best,
    null,
  );
  const period = periodText(months);
  const summary =
    total === 0
      ? `No decisions, expiries or withdrawals ${period}.`
      : `${plural(total, 'ending')} ${period}: ${ENDINGS.map((e) => `${totalsByEnding[e]} ${e}`).join(', ')}.` +
        (busiest ? ` The busiest month was ${monthLabel(busiest.month)} with ${busiest.total}.` : '');
  return {
    ...view,
    grid: yGrid(scale.top, scale.step, y),
    columns,
    empty: total === 0,
    summary,
    legend: ENDINGS.map((e) => ({ ending: e, label: ENDING_LABELS[e] })),
    rows: months.map((m, i) => ({
      month: monthLabel(m.month),
      approved: m.endings.approved,
      rejected: m.endings.rejected,
      insufficient: m.rejectedInsufficient,
      expired: m.endings.expired,
      withdrawn: m.endings.withdrawn,
      total: totals[i] ?? 0,
    })),
    totals: {
      ...totalsByEnding,
      insufficient: sum(months.map((m) => m.rejectedInsufficient)),
      total,
    },
  };
}

function responseChart(months: MonthFigures[]) {
  const { barW, xCentre, y, top, plotH, x1, view } = monthFrame(months, 230, 44, 100);
  const mailed = sum(months.map((m) => m.consulteesMailed));
  const responded = sum(months.map((m) => m.consulteesResponded));
  const closed = sum(months.map((m) => m.consultationsClosed));
  const overall = percent(responded, mailed);
  const rates = months.map((m) => percent(m.consulteesResponded, m.consulteesMailed));
  const bars = rates.flatMap((rate, i) =>
    rate === null
      ? []
      : [
          {
            x: round1(xCentre(i) - barW / 2),
            y: round1(y(rate)),
            w: barW,
            h: round1(plotH - (y(rate) - top)),
          },
        ],
  );
  const measured = rates.filter((r): r is number => r !== null);
  const period = periodText(months);
  const summary =
    overall === null
      ? `No consultation closed ${period}.`
      : `Overall, ${responded} of ${plural(mailed, 'consultee')} mailed responded in time (${overall}%) across ${plural(closed, 'consultation')} closed ${period}.` +
        (measured.length > 1
          ? ` By month of closing the rate ranged from ${Math.min(...measured)}% to ${Math.max(...measured)}%.`
          : '');
  return {
    ...view,
    grid: yGrid(100, 25, y, '%'),
    bars,
    overall:
      overall === null
        ? null
        : { y: round1(y(overall)), ty: round1(y(overall) - 5), x: x1, label: `Overall ${overall}%` },
    empty: overall === null,
    summary,
    overallText: percentText(overall),
    rows: months.map((m, i) => ({
      month: monthLabel(m.month),
      closed: m.consultationsClosed,
      mailed: m.consulteesMailed,
      responded: m.consulteesResponded,
      rate: percentText(rates[i] ?? null),
    })),
    totals: { closed, mailed, responded, rate: percentText(overall) },
  };
}

/** Horizontal bars, one per row: a label on the left, the value after the bar. */
function hbars(
  rows: { key: string; label: string; value: number; text: string }[],
  max: number,
  labelW: number,
) {
  const rowH = 34;
  const barH = 20;
  const valueW = 96;
  const plotW = W - labelW - valueW;
  return {
    width: W,
    height: rows.length * rowH + 8,
    rows: rows.map((r, i) => {
      const w = max > 0 ? round1((r.value / max) * plotW) : 0;
      const y = 4 + i * rowH;
      return {
        ...r,
        ly: y + barH / 2 + 5,
        lx: labelW - 8,
        x: labelW,
        y,
        w,
        h: barH,
        tx: round1(labelW + w + 6),
      };
    }),
    axisX: labelW,
    axisY1: rows.length * rowH,
  };
}

function stanceChart(months: MonthFigures[]) {
  const tally = Object.fromEntries(STANCES.map((s) => [s, sum(months.map((m) => m.tally[s]))])) as Record<
    (typeof STANCES)[number],
    number
  >;
  const total = sum(STANCES.map((s) => tally[s]));
  const shares = STANCES.map((s) => ({ stance: s, count: tally[s], share: percent(tally[s], total) }));
  const chart = hbars(
    shares.map((s) => ({
      key: s.stance,
      label: STANCE_NAMES[s.stance],
      value: s.share ?? 0,
      text: s.share === null ? '' : `${s.share}% (${s.count})`,
    })),
    100,
    112,
  );
  const period = periodText(months);
  return {
    ...chart,
    empty: total === 0,
    summary:
      total === 0
        ? `No counted replies in consultations closed ${period}.`
        : `Of ${plural(total, 'counted reply', 'counted replies')} in consultations closed ${period}: ` +
          `${shares.map((s) => `${STANCE_NAMES[s.stance].toLowerCase()} ${s.share}%`).join(', ')}.`,
    table: shares.map((s) => ({
      label: STANCE_NAMES[s.stance],
      count: s.count,
      share: percentText(s.share),
    })),
    total,
  };
}

function stageChart(months: MonthFigures[]) {
  const stages = STAGES.map((stage) => {
    const histogram = mergeHistograms(months.map((m) => m.stages[stage]));
    const median = medianDays(histogram);
    return { stage, median, measured: histogramTotal(histogram) };
  });
  const scale = niceScale(Math.max(1, ...stages.map((s) => s.median ?? 0)));
  const chart = hbars(
    stages.map((s) => ({
      key: s.stage,
      label: STAGE_LABELS[s.stage],
      value: s.median ?? 0,
      text: s.median === null ? 'no data' : formatDays(s.median),
    })),
    scale.top,
    150,
  );
  const period = periodText(months);
  return {
    ...chart,
    empty: stages.every((s) => s.median === null),
    summary: `Median days in each stage, for stages that ended ${period}: ${stages
      .map(
        (s) =>
          `${STAGE_LABELS[s.stage].toLowerCase()} ${formatDays(s.median)}${s.measured > 0 ? ` (${plural(s.measured, 'proposal')})` : ''}`,
      )
      .join('; ')}.`,
    table: stages.map((s) => ({
      label: STAGE_LABELS[s.stage],
      median: formatDays(s.median),
      measured: s.measured,
    })),
  };
}

function periodText(months: MonthFigures[]): string {
  const first = months[0]?.month;
  const last = months.at(-1)?.month;
  if (!first || !last) return '';
  return first === last ? `in ${monthLabel(first)}` : `from ${monthLabel(first)} to ${monthLabel(last)}`;
}

export function dashboardView(input: DashboardInput) {
  const { months, overdue } = input;
  const decisions = decisionsChart(months);
  const response = responseChart(months);
  const stances = stanceChart(months);
  const stages = stageChart(months);
  const overdueCount = `${overdue.more ? 'at least ' : ''}${overdue.count.toLocaleString('en-GB')}`;
  return {
    period: periodText(months),
    headline: [
      { label: 'Decisions and other endings', value: decisions.totals.total.toLocaleString('en-GB') },
      { label: 'Responded in time', value: response.overallText },
      {
        label: 'Median, closed to decision',
        value: stages.table.find((s) => s.label === STAGE_LABELS.closedToDecision)?.median ?? 'no data',
      },
      { label: 'Reviews overdue', value: overdueCount },
    ],
    decisions,
    response,
    stances,
    stages,
    overdue: {
      count: overdueCount,
      noun: overdue.count === 1 && !overdue.more ? 'approved installation' : 'approved installations',
      today: formatUkLongDate(input.today),
      oldest: overdue.oldest.map((o) => ({
        ...o,
        reviewDateText: formatUkLongDate(o.reviewDate.slice(0, 10)),
        href: `/app/proposals/${encodeURIComponent(o.proposalId)}`,
      })),
      hasOldest: overdue.oldest.length > 0,
    },
  };
}
