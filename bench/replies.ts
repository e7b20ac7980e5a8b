// Reply classification (issue 16): how the reader does on the labelled corpus of real-client
// replies, on the whole corpus and on the held-out fifth never used for tuning. Precision of
// counted stances (a wrong counted stance is the worst outcome), the share of stance-stating
// replies left unclassified, and the confusion matrix (in results.json and printed by the README).
import { confusionTable, readCorpus, score } from '../test/fixtures/replies/corpus/evaluate.js';
import { type BenchResult, check } from './support/result.js';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function benchReplies(): Promise<BenchResult[]> {
  const readings = await readCorpus();
  const sets = [
    { label: 'whole corpus', readings, precisionGoal: 1 },
    { label: 'held-out fifth', readings: readings.filter((r) => r.entry.heldOut), precisionGoal: 0.99 },
  ];
  return sets.flatMap(({ label, readings: set, precisionGoal }) => {
    const s = score(set);
    const data = { ...s, confusionMarkdown: confusionTable(s.confusion) };
    return [
      {
        name: `reply classification, ${label}: precision`,
        figure: s.precision * 100,
        unit: '% of counted stances',
        goal: precisionGoal === 1 ? '100%' : `>= ${precisionGoal * 100}%`,
        pass: s.precision >= precisionGoal,
        detail: `${s.countedRight} of ${s.counted} counted stances right, ${s.replies} replies`,
        checks: [check(`${label}: every reply's kind read right`, s.wrongKind === 0, `${s.wrongKind} wrong`)],
        data,
      },
      {
        name: `reply classification, ${label}: unclassified`,
        figure: s.unclassifiedShare * 100,
        unit: '% of stated stances',
        goal: '<= 10%',
        pass: s.unclassifiedShare <= 0.1,
        detail: `${s.statingUnclassified} of ${s.stating} stance-stating replies left for a person (${percent(s.unclassifiedShare)})`,
      },
    ];
  });
}
