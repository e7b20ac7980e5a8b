// After each unit test, every command its handler sent to the mocked DynamoDB is held to the rules
// DynamoDB applies to expressions (dynalite's validator, through checkPlaceholders: syntax, the 573
// reserved words used bare, unused or undefined placeholders), whichever stand-in answered it: a
// canned `resolves({})` would otherwise let an expression the real table refuses pass.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach } from 'vitest';
import { checkPlaceholders, type Item } from './expressions.js';

const EXPRESSION_FIELDS = [
  'UpdateExpression',
  'ConditionExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
] as const;

/** The parts of a command's input that carry their own expressions (a transaction's items). */
function expressionParts(input: Item): Item[] {
  const items = input.TransactItems;
  if (Array.isArray(items)) return items.flatMap((item) => Object.values(item as Item) as Item[]);
  const batch = input.RequestItems;
  if (batch && typeof batch === 'object' && !Array.isArray(batch)) {
    return Object.values(batch as Item).filter((v): v is Item => !Array.isArray(v) && typeof v === 'object');
  }
  return [input];
}

/** What DynamoDB would refuse among the commands sent to the stub so far, one line per command. */
export function expressionProblems(ddb: AwsClientStub<DynamoDBDocumentClient>): string[] {
  return ddb.calls().flatMap((call) => {
    const command = call.args[0] as unknown as { constructor: { name: string }; input: Item };
    return expressionParts(command.input).flatMap((part) => {
      const expressions = Object.fromEntries(
        EXPRESSION_FIELDS.filter((f) => part[f] !== undefined).map((f) => [f, part[f]]),
      );
      try {
        checkPlaceholders(expressions);
        return [];
      } catch (error) {
        return [`${command.constructor.name} ${JSON.stringify(expressions)}: ${(error as Error).message}`];
      }
    });
  });
}

/** Fails the test, naming the command, when any command sent during it breaks DynamoDB's rules. */
export function refuseWhatDynamoRefuses(ddb: AwsClientStub<DynamoDBDocumentClient>): void {
  afterEach(() => {
    const problems = expressionProblems(ddb);
    if (problems.length) throw new Error(`DynamoDB would refuse:\n${problems.join('\n')}`);
  });
}

const READS = new Set(['GetCommand', 'QueryCommand', 'ScanCommand', 'BatchGetCommand']);

/** The writes sent to the stub so far, by command name: `[]` where a test expects nothing changed. */
export function writesSent(ddb: AwsClientStub<DynamoDBDocumentClient>): string[] {
  return ddb
    .calls()
    .map((call) => (call.args[0] as object).constructor.name)
    .filter((name) => !READS.has(name));
}

/** The document client mocked, every command sent to it held to DynamoDB's rules after each test. */
export function mockDocumentClient(): AwsClientStub<DynamoDBDocumentClient> {
  const ddb = mockClient(DynamoDBDocumentClient);
  refuseWhatDynamoRefuses(ddb);
  return ddb;
}
