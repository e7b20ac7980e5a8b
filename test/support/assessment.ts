// A proposal input split in two: what opening a proposal needs, and the assessment (issue 19) a
// manager completes while the consultation runs.

type AssessmentKey =
  | 'risks'
  | 'checklist'
  | 'screening'
  | 'legalRegime'
  | 'lawfulBasis'
  | 'dataCategories'
  | 'recipients';

type Split<T> = { opened: Omit<T, AssessmentKey>; assessment: Pick<T, AssessmentKey & keyof T> };

/** `opened`: the input without its assessment; `assessment`: the risks, principles and the rest. */
export function splitAssessment<T extends object>(input: T): Split<T> {
  const { risks, checklist, screening, legalRegime, lawfulBasis, dataCategories, recipients, ...opened } =
    input as Record<string, unknown>;
  const assessment = { risks, checklist, screening, legalRegime, lawfulBasis, dataCategories, recipients };
  // The rest and the seven picked are exactly Omit and Pick of T, which TypeScript cannot see.
  return { opened, assessment } as unknown as Split<T>;
}
