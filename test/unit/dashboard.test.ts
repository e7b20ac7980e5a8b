// The auditor dashboard's pure parts: the median read from day-bucket histograms, UK calendar
// months, the counter item read back, and the chart view model (what a reader sees and hears).
// Also: a failure to count is logged and never fails the lifecycle step that counted.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ukDay, ukMonth } from '../../functions/shared/uk-dates.js';
import { countDecision, countWithdrawal } from '../../functions/stats/counters.js';
import { emptyMonth, type MonthFigures, monthFromItem } from '../../functions/stats/figures.js';
import { dayBucket, MAX_DAY_BUCKET, medianDays } from '../../functions/stats/histogram.js';
import { recentMonths } from '../../functions/stats/months.js';
import { dashboardView, formatDays, niceScale } from '../../functions/web/dashboard-view.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { unitEnv } from '../support/unit-env.js';

const histogram = (entries: [number, number][]) => new Map(entries);

describe('the median from a histogram of whole days', () => {
  it('is the middle duration for an odd count, the mean of the middle two for an even one', () => {
    // 1, 2, 2, 9, 30 -> 2
    expect(
      medianDays(
        histogram([
          [1, 1],
          [2, 2],
          [9, 1],
          [30, 1],
        ]),
      ),
    ).toBe(2);
    // 1, 2, 9, 30 -> (2 + 9) / 2
    expect(
      medianDays(
        histogram([
          [30, 1],
          [2, 1],
          [9, 1],
          [1, 1],
        ]),
      ),
    ).toBe(5.5);
    // 4, 4, 4, 4 -> 4
    expect(medianDays(histogram([[4, 4]]))).toBe(4);
  });

  it('matches the median of the same durations listed one by one', () => {
    const durations = [0, 0, 3, 3, 3, 7, 12, 12, 40, 365, 365];
    const sorted = [...durations].sort((a, b) => a - b);
    const counts = new Map<number, number>();
    for (const d of durations) counts.set(d, (counts.get(d) ?? 0) + 1);
    expect(medianDays(counts)).toBe(sorted[Math.floor(sorted.length / 2)]);
    expect(medianDays(counts)).toBe(7);
  });

  it('has no median when nothing was measured, and ignores empty buckets', () => {
    expect(medianDays(new Map())).toBeNull();
    expect(medianDays(histogram([[3, 0]]))).toBeNull();
    expect(
      medianDays(
        histogram([
          [3, 0],
          [5, 1],
        ]),
      ),
    ).toBe(5);
  });

  it('buckets durations by whole days elapsed, a year or more in the last bucket', () => {
    expect(dayBucket('2026-05-01T10:00:00Z', '2026-05-01T22:00:00Z')).toBe(0);
    expect(dayBucket('2026-05-01T10:00:00Z', '2026-05-03T09:59:59Z')).toBe(1);
    expect(dayBucket('2026-05-01T10:00:00Z', '2026-05-03T10:00:00Z')).toBe(2);
    expect(dayBucket('2026-05-01T10:00:00Z', '2026-04-30T10:00:00Z')).toBe(0);
    expect(dayBucket('2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBe(MAX_DAY_BUCKET);
    expect(dayBucket('not a date', '2026-01-01T00:00:00Z')).toBeNull();
  });

  it('reads as a person would say it', () => {
    expect(formatDays(0)).toBe('under 1 day');
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(2.5)).toBe('2.5 days');
    expect(formatDays(365)).toBe('365 days or more');
    expect(formatDays(null)).toBe('no data');
  });
});

describe('UK calendar months', () => {
  it('puts an event just after midnight BST on the 1st in the new month', () => {
    expect(ukMonth('2026-05-31T23:30:00Z')).toBe('2026-06');
    expect(ukMonth('2026-12-31T23:30:00Z')).toBe('2026-12');
    expect(ukDay(new Date('2026-05-31T23:30:00Z'))).toBe('2026-06-01');
  });

  it('lists the last months oldest first, across a new year', () => {
    expect(recentMonths(new Date('2026-02-10T12:00:00Z'), 4)).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(recentMonths(new Date('2026-02-10T12:00:00Z'), 36)).toHaveLength(36);
  });
});

describe('a counter item read back', () => {
  it('takes the counts and histograms and ignores anything else', () => {
    const month = monthFromItem('2026-05', {
      PK: 'STATS',
      SK: 'MONTH#2026-05',
      approved: 3,
      rejected: 2,
      rejectedInsufficient: 1,
      expired: 1,
      consulteesMailed: 10,
      consulteesResponded: 7,
      stance_support: 4,
      stance_object: 3,
      days_closedToDecision_2: 2,
      days_closedToDecision_9: 1,
      days_nonsense_4: 5,
      withdrawn: -4,
    });
    expect(month.endings).toEqual({ approved: 3, rejected: 2, expired: 1, withdrawn: 0 });
    expect(month.rejectedInsufficient).toBe(1);
    expect(month.tally).toEqual({ support: 4, concerns: 0, object: 3, unclassified: 0 });
    expect([...month.stages.closedToDecision]).toEqual([
      [2, 2],
      [9, 1],
    ]);
    expect(monthFromItem('2026-06', undefined)).toEqual(emptyMonth('2026-06'));
  });
});

function month(name: string, over: Partial<MonthFigures> = {}): MonthFigures {
  return { ...emptyMonth(name), ...over };
}

const noOverdue = { count: 0, more: false, oldest: [] };

describe('the chart view model', () => {
  const months = [
    month('2026-03', {
      endings: { approved: 2, rejected: 1, expired: 0, withdrawn: 1 },
      rejectedInsufficient: 1,
      consultationsClosed: 2,
      consulteesMailed: 10,
      consulteesResponded: 5,
      tally: { support: 3, concerns: 1, object: 1, unclassified: 0 },
      stages: {
        scoringToMailed: new Map([[0, 2]]),
        mailedToClosed: new Map([[14, 2]]),
        closedToDecision: new Map([[3, 1]]),
      },
    }),
    month('2026-04'),
    month('2026-05', {
      endings: { approved: 5, rejected: 0, expired: 1, withdrawn: 0 },
      consultationsClosed: 1,
      consulteesMailed: 10,
      consulteesResponded: 9,
      tally: { support: 4, concerns: 2, object: 2, unclassified: 1 },
      stages: {
        scoringToMailed: new Map(),
        mailedToClosed: new Map([[7, 1]]),
        closedToDecision: new Map([[6, 1]]),
      },
    }),
  ];
  const view = dashboardView({ months, overdue: noOverdue, today: '2026-05-20' });

  it('says in words what each chart shows', () => {
    expect(view.period).toBe('from Mar 2026 to May 2026');
    expect(view.decisions.summary).toBe(
      '10 endings from Mar 2026 to May 2026: 7 approved, 1 rejected, 1 expired, 1 withdrawn. The busiest month was May 2026 with 6.',
    );
    expect(view.response.summary).toBe(
      'Overall, 14 of 20 consultees mailed responded in time (70%) across 3 consultations closed from Mar 2026 to May 2026. By month of closing the rate ranged from 50% to 90%.',
    );
    expect(view.stances.summary).toBe(
      'Of 14 counted replies in consultations closed from Mar 2026 to May 2026: support 50%, concerns 21%, object 21%, unclassified 7%.',
    );
    expect(view.stages.summary).toContain('mailed to closed 14 days (3 proposals)');
    expect(view.stages.summary).toContain('closed to decision 4.5 days (2 proposals)');
  });

  it('gives every month a table row, quiet months as zeros, and totals beneath', () => {
    expect(view.decisions.rows.map((r) => [r.month, r.total])).toEqual([
      ['Mar 2026', 4],
      ['Apr 2026', 0],
      ['May 2026', 6],
    ]);
    expect(view.decisions.totals).toMatchObject({ approved: 7, insufficient: 1, total: 10 });
    expect(view.response.rows.map((r) => r.rate)).toEqual(['50%', 'no data', '90%']);
    expect(view.response.totals.rate).toBe('70%');
    expect(view.stances.table.map((r) => r.share)).toEqual(['50%', '21%', '21%', '7%']);
  });

  it('stacks each month as tall as its total, on a round scale, with no bar for a month without data', () => {
    const [march, april, may] = view.decisions.columns;
    const height = (c: typeof march) => (c?.segments ?? []).reduce((s, x) => s + x.h, 0);
    expect(april?.segments).toEqual([]);
    expect(height(may) / height(march)).toBeCloseTo(6 / 4, 1);
    expect(march?.segments.map((s) => s.ending)).toEqual(['approved', 'rejected', 'withdrawn']);
    expect(view.decisions.grid.map((g) => g.label)).toEqual(['0', '2', '4', '6']);
    expect(view.response.bars).toHaveLength(2);
    expect(view.response.overall?.label).toBe('Overall 70%');
  });

  it('keeps every shape inside its drawing', () => {
    for (const chart of [view.decisions]) {
      for (const s of chart.columns.flatMap((c) => c.segments)) {
        expect(s.x).toBeGreaterThanOrEqual(0);
        expect(s.x + s.w).toBeLessThanOrEqual(chart.width);
        expect(s.y).toBeGreaterThanOrEqual(0);
        expect(s.y + s.h).toBeLessThanOrEqual(chart.height);
      }
    }
    for (const chart of [view.stances, view.stages]) {
      for (const r of chart.rows) expect(r.x + r.w).toBeLessThanOrEqual(chart.width);
    }
  });

  it('labels a long period every few months, always with the current one', () => {
    const long = recentMonths(new Date('2026-05-20T12:00:00Z'), 36).map((m) => month(m));
    const axis = dashboardView({ months: long, overdue: noOverdue, today: '2026-05-20' }).decisions.axis;
    expect(axis.length).toBeLessThanOrEqual(12);
    expect(axis.at(-1)?.label).toBe('May');
    expect(axis.map((a) => a.year).filter(Boolean)).toEqual(['2023', '2024', '2025', '2026']);
  });

  it('says so when there is nothing yet', () => {
    const empty = dashboardView({ months: [month('2026-05')], overdue: noOverdue, today: '2026-05-20' });
    expect(empty.decisions.empty).toBe(true);
    expect(empty.decisions.summary).toBe('No decisions, expiries or withdrawals in May 2026.');
    expect(empty.response.summary).toBe('No consultation closed in May 2026.');
    expect(empty.stages.table.map((s) => s.median)).toEqual(['no data', 'no data', 'no data']);
    expect(empty.headline.map((h) => h.value)).toEqual(['0', 'no data', 'no data', '0']);
  });

  it('shows overdue reviews as a count, "at least" when counting stopped at the cap', () => {
    const capped = dashboardView({
      months: [month('2026-05')],
      overdue: {
        count: 1000,
        more: true,
        oldest: [
          {
            decisionId: 'DEC-000004',
            proposalId: 'p-4',
            reference: 'DPIA-2025-0004',
            reviewDate: '2026-01-31',
          },
        ],
      },
      today: '2026-05-20',
    });
    expect(capped.overdue.count).toBe('at least 1,000');
    expect(capped.overdue.oldest[0]).toMatchObject({
      reviewDateText: '31 January 2026',
      href: '/app/proposals/p-4',
    });
  });

  it('picks round axis tops', () => {
    expect(niceScale(0)).toEqual({ top: 4, step: 1 });
    expect(niceScale(7)).toEqual({ top: 8, step: 2 });
    expect(niceScale(130)).toEqual({ top: 150, step: 50 });
  });
});

describe('a failure to count', () => {
  const ddb = mockDocumentClient();
  const proposal = {
    proposalId: 'p-9',
    reference: 'DPIA-2026-0009',
    createdAt: '2026-05-01T09:00:00Z',
    consultation: { closedAt: '2026-05-10T09:00:00Z' },
  };
  unitEnv({}, { each: true });
  beforeEach(() => {
    ddb.reset();
  });

  it('is logged with ids only and never thrown to the lifecycle step', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.stubEnv('DPIA_LOG_LEVEL', 'error');
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(countWithdrawal(proposal)).resolves.toBeUndefined();
    ddb.on(PutCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    await expect(
      countDecision(proposal, {
        outcome: 'approved',
        decidedAt: '2026-05-12T09:00:00Z',
        decidedBy: 'a@b.example',
      }),
    ).resolves.toBeUndefined();
    const lines = stderr.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    stderr.mockRestore();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'dashboard count failed',
        event: 'withdrawn',
        error: 'ThrottlingException',
        reference: 'DPIA-2026-0009',
      }),
      expect.objectContaining({ level: 'error', event: 'decided', error: 'InternalServerError' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('a@b.example');
  });
});
