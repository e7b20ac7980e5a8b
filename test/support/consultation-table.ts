// The consultation tasks' table for unit tests (SendConsultation): an in-memory stand-in for the one
// table, installed on the DynamoDB document client mock of the test that uses it.
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { type Item, transactUpdates, updateItem } from './expressions.js';

// biome-ignore lint/suspicious/noExplicitAny: the document client's stub, whatever its command types.
type DocumentStub = AwsStub<any, any, DynamoDBDocumentClient['config']>;

export const PROPOSAL_ID = 'p-123';
export const DEADLINE = '2026-12-15T17:00:00Z';
export const SITE = {
  description: 'Zanzibarquux lay-by beside the Qwertyfield Lane gatepost',
  latitude: 51.0686,
  longitude: 0.6862,
};

/** An in-memory stand-in for the one table, just faithful enough for these tasks' writes. */
export class FakeTable {
  proposal: Item;
  consultees = new Map<string, Item>();
  tokens = new Map<string, Item>();
  events: Item[] = [];
  /** Makes the consultee Query answer with items as they were before any marker was set. */
  staleConsulteeList = false;
  private readonly original: Item[];

  constructor(status: string, emails: string[], marked: Record<string, string> = {}) {
    this.proposal = {
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
      consultation: {
        deadline: DEADLINE,
        mailed: 0,
        responded: 0,
        late: 0,
        bounced: 0,
        tally: { support: 0, concerns: 0, object: 0, unclassified: 0 },
        closedAt: null,
      },
      collectTaskToken: null,
    };
    for (const email of emails) {
      this.consultees.set(`CONSULTEE#${email}`, {
        PK: `PROPOSAL#${PROPOSAL_ID}`,
        SK: `CONSULTEE#${email}`,
        type: 'consultee',
        name: `Cllr ${email}`,
        email,
        status: 'pending',
        stance: null,
        respondedAt: null,
        late: false,
        senderMismatch: false,
        comment: null,
        mailMarker: marked[email] ?? null,
        replyId: null,
        mailedAt: null,
      });
    }
    this.original = [...this.consultees.values()].map((c) => structuredClone(c));
  }

  consultee(email: string): Item {
    return this.consultees.get(`CONSULTEE#${email}`) as Item;
  }

  install(ddb: DocumentStub) {
    ddb.on(GetCommand).callsFake(async () => ({ Item: structuredClone(this.proposal) }));
    ddb.on(QueryCommand).callsFake(async (input: { ExpressionAttributeValues: Item }) => {
      const consultees = this.staleConsulteeList ? this.original : [...this.consultees.values()];
      const items =
        input.ExpressionAttributeValues[':prefix'] === 'CONSULTEE#'
          ? consultees
          : [this.proposal, ...consultees];
      return { Items: structuredClone(items) };
    });
    ddb.on(BatchWriteCommand).callsFake(async (input: BatchWriteCommandInput) => {
      const requests = Object.values(input.RequestItems ?? {}).flat();
      if (requests.length > 25) throw new Error('BatchWriteItem takes at most 25 items');
      for (const request of requests) {
        const item = request.PutRequest?.Item as Item;
        if (!String(item.PK).startsWith('TOKEN#')) throw new Error(`unexpected batch put ${item.PK}`);
        this.tokens.set(String(item.PK), structuredClone(item));
      }
      return {};
    });
    ddb.on(PutCommand).callsFake(async (input: { Item: Item }) => {
      const { PK, SK } = input.Item as { PK: string; SK: string };
      if (PK.startsWith('TOKEN#')) this.tokens.set(PK, structuredClone(input.Item));
      else if (SK.startsWith('EVENT#')) this.events.push(structuredClone(input.Item));
      else throw new Error(`unexpected put ${PK} ${SK}`);
      return {};
    });
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      const key = input.Key as { SK: string };
      const item = key.SK === 'META' ? this.proposal : this.consultees.get(key.SK);
      if (!item) throw new Error(`unexpected update ${key.SK}`);
      const { next, output } = updateItem(item, input);
      if (key.SK === 'META') this.proposal = next;
      else this.consultees.set(key.SK, next);
      return output;
    });
    ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) =>
      transactUpdates(
        input,
        (key) => this.consultees.get(String(key.SK)),
        (key, next) => this.consultees.set(String(key.SK), next),
      ),
    );
  }
}
