// Fixed terms written once: a record from each term to its label, whose keys, in the order
// written, are the terms (for z.enum and for lists on pages).

/** The keys of a labels record, in the order written, as a non-empty tuple z.enum takes. */
export function termsOf<Term extends string>(labels: Record<Term, string>): readonly [Term, ...Term[]] {
  return Object.keys(labels) as [Term, ...Term[]];
}
