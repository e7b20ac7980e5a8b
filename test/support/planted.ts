// A site and people with names nobody else uses, planted in a proposal so that a test can find them
// where they belong (the full DPIA document) and find none of them where they must not be (the
// public edition, the logs).
import { proposalInput } from './stack.js';

export interface Planted {
  site: string;
  latitude: number;
  longitude: number;
  consultee: string;
  consulteeEmail: string;
  approver: string;
  approverEmail: string;
  dpo: string;
  dpoEmail: string;
}

interface Person {
  name: string;
  email: string;
}

/**
 * proposalInput's proposal with two consultees and a DPO, its site, first consultee, approver and
 * DPO the planted ones; the second consultee stays the example's.
 */
export function plantedProposal(planted: Planted, tag: string) {
  const input = proposalInput({ consultees: 2, tag, dpo: true });
  input.site = { description: planted.site, latitude: planted.latitude, longitude: planted.longitude };
  const [first, second] = input.consultees as [Person, Person];
  first.name = planted.consultee;
  first.email = planted.consulteeEmail;
  input.approver = { name: planted.approver, email: planted.approverEmail };
  input.dpo = { name: planted.dpo, email: planted.dpoEmail };
  return { input, first, second };
}

/** Every planted string, by what it is: what a text that must leak nothing may not contain. */
export const plantedStrings = (planted: Planted): [string, string][] =>
  Object.entries(planted).map(([what, value]) => [what, String(value)]);
