// The one table in memory for unit tests, installed on a document-client mock: items by PK and SK,
// the condition and update expressions the code writes evaluated for real (expressions.ts), a Query
// by partition and sort-key prefix. A test reads and seeds it directly, and can make the next
// request fail as DynamoDB would (`failNext`: a throttle, a transaction conflict).
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import {
  checkPlaceholders,
  conditionFailed,
  conditionHolds,
  type Item,
  transactUpdates,
  updateItem,
} from './expressions.js';

// biome-ignore lint/suspicious/noExplicitAny: the document client's stub, whatever its command types.
export type DocumentStub = AwsStub<any, any, DynamoDBDocumentClient['config']>;

export type TableRequest =
  | { command: 'Get'; input: GetCommandInput }
  | { command: 'Put'; input: PutCommandInput }
  | { command: 'Update'; input: UpdateCommandInput }
  | { command: 'TransactWrite'; input: TransactWriteCommandInput }
  | { command: 'BatchWrite'; input: BatchWriteCommandInput }
  | { command: 'Query'; input: QueryCommandInput };

const id = (key: { PK?: unknown; SK?: unknown } | undefined): string =>
  `${String(key?.PK)}|${String(key?.SK)}`;

export class MemoryTable {
  items = new Map<string, Item>();
  private failures: ((request: TableRequest) => Error | undefined)[] = [];

  /**
   * Makes a coming request fail as DynamoDB would (a throttle, a transaction conflict): `failure`
   * is shown each request before it is applied, and the first error it returns is thrown instead;
   * then it is done. Several wait in the order given.
   */
  failNext(failure: (request: TableRequest) => Error | undefined): void {
    this.failures.push(failure);
  }

  put(item: Item): void {
    this.items.set(id(item), structuredClone(item));
  }

  /** The item at a key (`{ PK, SK }`, or the two as strings), undefined when there is none. */
  get(key: { PK: unknown; SK: unknown } | string, sk?: string): Item | undefined {
    return this.items.get(typeof key === 'string' ? id({ PK: key, SK: sk }) : id(key));
  }

  remove(key: { PK: unknown; SK: unknown }): void {
    this.items.delete(id(key));
  }

  /** Every item whose sort key starts with `prefix`, in every partition. */
  ofPrefix(prefix: string): Item[] {
    return [...this.items.values()].filter((item) => String(item.SK).startsWith(prefix));
  }

  /** Every item whose partition key starts with `prefix`. */
  where(prefix: string): Item[] {
    return [...this.items.values()].filter((item) => String(item.PK).startsWith(prefix));
  }

  /** What a Query of a partition (`:pk`), by sort-key prefix (`:prefix`) when it has one, finds. */
  query(input: QueryCommandInput): Item[] {
    const values = input.ExpressionAttributeValues ?? {};
    const prefix = typeof values[':prefix'] === 'string' ? values[':prefix'] : '';
    return [...this.items.values()].filter(
      (item) => item.PK === values[':pk'] && String(item.SK).startsWith(prefix),
    );
  }

  private check(request: TableRequest): void {
    for (const [i, failure] of this.failures.entries()) {
      const error = failure(request);
      if (!error) continue;
      this.failures.splice(i, 1);
      throw error;
    }
  }

  install(ddb: DocumentStub): this {
    ddb.on(GetCommand).callsFake(async (input: GetCommandInput) => {
      this.check({ command: 'Get', input });
      checkPlaceholders(input);
      const item = this.items.get(id(input.Key));
      return { Item: item ? structuredClone(item) : undefined };
    });
    ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
      this.check({ command: 'Put', input });
      const item = input.Item as Item;
      if (!conditionHolds(this.items.get(id(item)), input)) throw conditionFailed();
      this.put(item);
      return {};
    });
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      this.check({ command: 'Update', input });
      const key = id(input.Key);
      const current = this.items.get(key);
      const { next, output } = updateItem(current, input);
      this.items.set(key, next);
      return output;
    });
    ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => {
      this.check({ command: 'TransactWrite', input });
      return transactUpdates(
        input,
        (key) => this.items.get(id(key)),
        (key, next) => this.items.set(id(key), next),
      );
    });
    ddb.on(BatchWriteCommand).callsFake(async (input: BatchWriteCommandInput) => {
      this.check({ command: 'BatchWrite', input });
      const requests = Object.values(input.RequestItems ?? {}).flat();
      if (requests.length > 25) throw new Error('BatchWriteItem takes at most 25 items');
      for (const request of requests) this.put(request.PutRequest?.Item as Item);
      return {};
    });
    ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
      this.check({ command: 'Query', input });
      return { Items: structuredClone(this.query(input)) };
    });
    return this;
  }
}
