// The consultation tasks' table for unit tests (SendConsultation): the one table in memory, seeded
// with a proposal and its consultees, installed on the document client mock of the test using it.
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from './expressions.js';
import { type DocumentStub, MemoryTable } from './memory-table.js';
import { mailedConsultee, openConsultation } from './records.js';

export const PROPOSAL_ID = 'p-123';
export const DEADLINE = '2026-12-15T17:00:00Z';
export const SITE = {
  description: 'Zanzibarquux lay-by beside the Qwertyfield Lane gatepost',
  latitude: 51.0686,
  longitude: 0.6862,
};

/** The one table in memory (memory-table.ts), seeded with a proposal and its consultees. */
export class FakeTable extends MemoryTable {
  /** Makes the consultee Query answer with items as they were before any marker was set. */
  staleConsulteeList = false;
  private readonly original: Item[];

  constructor(status: string, emails: string[], marked: Record<string, string> = {}) {
    super();
    this.put({
      PK: `PROPOSAL#${PROPOSAL_ID}`,
      SK: 'META',
      proposalId: PROPOSAL_ID,
      reference: 'DPIA-2026-0001',
      status,
      input: {
        title: 'ANPR - Zanzibarquux approach',
        cameraType: 'ANPR',
        publicArea: 'Tenterden',
        site: SITE,
        justification: {
          nationalSecurity: { rating: 2, evidence: 'A secondary route named in regional intelligence.' },
          seriousCrime: { rating: 4, evidence: '41 rural burglaries linked to vehicles from outside.' },
          localCrime: { rating: 4, evidence: 'Vehicle crime in the town rose 23% year on year.' },
          communityConfidence: { rating: 3, evidence: 'Parish councils raised rural crime repeatedly.' },
        },
        retention: { localDays: 365, nationalDays: 365, standardAccessDays: 90 },
        consultees: emails.map((email) => ({ name: `Cllr ${email}`, email })),
        responseDeadline: DEADLINE,
        approver: { name: 'Ch Supt B', email: 'b@police.example' },
      },
      pressingNeed: null,
      consultation: openConsultation(DEADLINE),
      collectTaskToken: null,
    });
    for (const email of emails) {
      this.put({
        PK: `PROPOSAL#${PROPOSAL_ID}`,
        SK: `CONSULTEE#${email}`,
        type: 'consultee',
        ...mailedConsultee(email, {
          name: `Cllr ${email}`,
          status: 'pending',
          mailMarker: (marked[email] as 'sending' | 'sent' | undefined) ?? null,
          mailedAt: null,
        }),
      });
    }
    this.original = this.ofPrefix('CONSULTEE#').map((c) => structuredClone(c));
  }

  get proposal(): Item {
    return this.get(`PROPOSAL#${PROPOSAL_ID}`, 'META') as Item;
  }

  consultee(email: string): Item {
    return this.get(`PROPOSAL#${PROPOSAL_ID}`, `CONSULTEE#${email}`) as Item;
  }

  /** The reply tokens stored, by their key. */
  get tokens(): Map<string, Item> {
    return new Map(this.where('TOKEN#').map((item) => [String(item.PK), item]));
  }

  /** The proposal's timeline, in the order written. */
  get events(): Item[] {
    return this.ofPrefix('EVENT#');
  }

  override install(ddb: DocumentStub): this {
    super.install(ddb);
    ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
      const prefix = input.ExpressionAttributeValues?.[':prefix'];
      const items = this.staleConsulteeList && prefix === 'CONSULTEE#' ? this.original : this.query(input);
      return { Items: structuredClone(items) };
    });
    return this;
  }
}
