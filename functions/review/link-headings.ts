// The headings of a refused signed link's page, per kind of link: the approver's review link and
// the DPO's advice link, wherever they are refused (the link's page and form, its DPIA document).
export const REVIEW_LINK_HEADINGS: Readonly<Record<number, string>> = {
  400: 'Something is wrong with this request',
  403: 'This review link is not valid',
  404: 'Review not found',
  409: 'This proposal has already been decided',
  410: 'This review link is no longer valid',
  413: 'The form is too large',
  415: 'This form could not be read',
};

export const ADVICE_LINK_HEADINGS: Readonly<Record<number, string>> = {
  ...REVIEW_LINK_HEADINGS,
  403: 'This advice link is not valid',
  409: 'The advice on this proposal has already been given',
  410: 'This advice link is no longer valid',
};

export const LINK_HEADINGS = { review: REVIEW_LINK_HEADINGS, advice: ADVICE_LINK_HEADINGS } as const;
export type LinkKind = keyof typeof LINK_HEADINGS;
