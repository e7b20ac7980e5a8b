// The unit tests' stand-in tables refuse what DynamoDB refuses (issue 18): a handler whose
// expression the real table would reject must fail its unit test too, not only on AWS.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { expressionProblems } from '../support/dynamo-rules.js';
import { checkPlaceholders, updateItem } from '../support/expressions.js';

describe('the unit fakes validate expressions as DynamoDB does', () => {
  it('refuses any of the reserved words used bare, not only the common ones', () => {
    for (const word of ['comment', 'absolute', 'zone', 'Status']) {
      expect(() =>
        checkPlaceholders({ UpdateExpression: `SET ${word} = :v`, ExpressionAttributeValues: { ':v': 1 } }),
      ).toThrow(/reserved keyword/);
    }
  });

  it('refuses unused and undefined placeholders and syntax errors', () => {
    expect(() =>
      checkPlaceholders({
        UpdateExpression: 'SET #a = :v',
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
        ExpressionAttributeValues: { ':v': 1 },
      }),
    ).toThrow(/unused/);
    expect(() => checkPlaceholders({ ConditionExpression: 'attribute_exists(#a)' })).toThrow(/#a/);
    expect(() =>
      checkPlaceholders({ UpdateExpression: 'SET a = = :v', ExpressionAttributeValues: { ':v': 1 } }),
    ).toThrow(/Syntax error/);
  });

  it('accepts what the table accepts and applies it', () => {
    const { next } = updateItem(
      { pk: 'P#1', n: 1 },
      {
        TableName: 't',
        Key: { pk: 'P#1' },
        UpdateExpression: 'SET #n = #n + :one, #s = :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#n': 'n', '#s': 'status' },
        ExpressionAttributeValues: { ':one': 1, ':s': 'open' },
      },
    );
    expect(next).toEqual({ pk: 'P#1', n: 2, status: 'open' });
  });

  it('applies SET and REMOVE in one update, a nested path included, as DynamoDB does', () => {
    const { next } = updateItem(
      { pk: 'P#1', state: 'decided', decision: { by: 'x' }, m: { a: 1, b: 2 }, claimedAt: 'then' },
      {
        TableName: 't',
        Key: { pk: 'P#1' },
        UpdateExpression: 'SET #state = :open REMOVE #decision, #m.#a, claimedAt',
        ExpressionAttributeNames: { '#state': 'state', '#decision': 'decision', '#m': 'm', '#a': 'a' },
        ExpressionAttributeValues: { ':open': 'open' },
      },
    );
    expect(next).toEqual({ pk: 'P#1', state: 'open', m: { b: 2 } });
  });

  it('adds to a counter with ADD, from 0 on a new item, and answers UPDATED_NEW with it', () => {
    const add = {
      TableName: 't',
      Key: { pk: 'COUNTER#1' },
      UpdateExpression: 'SET #type = :type ADD #n :one',
      ExpressionAttributeNames: { '#type': 'type', '#n': 'n' },
      ExpressionAttributeValues: { ':type': 'counter', ':one': 1 },
      ReturnValues: 'UPDATED_NEW' as const,
    };
    const first = updateItem(undefined, add);
    expect(first.next).toEqual({ pk: 'COUNTER#1', type: 'counter', n: 1 });
    const second = updateItem(first.next, add);
    expect(second.next.n).toBe(2);
    expect(second.output).toEqual({ Attributes: { type: 'counter', n: 2 } });
  });
});

describe('every command a unit test sends to its mocked DynamoDB', () => {
  it('is checked, whatever canned answer the mock gave it', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(UpdateCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' }));
    await client.send(
      new UpdateCommand({
        TableName: 't',
        Key: { PK: 'P#1', SK: 'META' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'open' },
      }),
    );
    expect(expressionProblems(ddb)).toEqual([]);
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: 't',
              Key: { PK: 'P#1', SK: 'META' },
              UpdateExpression: 'SET status = :s',
              ExpressionAttributeValues: { ':s': 'open' },
            },
          },
        ],
      }),
    );
    expect(expressionProblems(ddb)).toEqual([
      expect.stringMatching(/^TransactWriteCommand .*reserved keyword/),
    ]);
    ddb.restore();
  });
});
