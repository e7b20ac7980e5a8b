// DynamoDB expressions evaluated in memory, for the unit tests' stand-in tables: conditions
// (comparisons, attribute_exists/not_exists/type, begins_with, AND/OR/NOT, nested paths) and SET,
// REMOVE and ADD updates (values, paths, if_not_exists, + and -, ADD of a number), so the tests
// exercise the real conditional logic of the handlers rather than canned answers.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import dynaliteValidations from 'dynalite/validations/index.js';

const { validateExpressions } = dynaliteValidations;

export type Item = Record<string, unknown>;

/** The error DynamoDB's client throws when a write's condition does not hold. */
export const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** An attribute by its (possibly nested, `#a.#b`) path, or undefined. */
export function readPath(item: Item | undefined, path: string, names: Record<string, string>): unknown {
  let value: unknown = item;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Item)[names[part] ?? part];
  }
  return value;
}

/** Splits at the commas outside parentheses: `SET a = if_not_exists(b, :z) + :one, c = :d`. */
function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts;
}

/** The right of a SET: `:v`, a path, `if_not_exists(path, :v)`, or two of them added or subtracted. */
function updateValue(
  expression: string,
  item: Item | undefined,
  names: Record<string, string>,
  values: Item,
) {
  const term = (text: string): unknown => {
    const t = text.trim();
    const fallback = /^if_not_exists\(\s*([^,]+?)\s*,\s*(:\w+)\s*\)$/.exec(t);
    if (fallback) return readPath(item, fallback[1] as string, names) ?? values[fallback[2] as string];
    return t.startsWith(':') ? values[t] : readPath(item, t, names);
  };
  const sum = /^(.+?)\s*([+-])\s*(:\w+)$/s.exec(expression.trim());
  if (!sum) return term(expression);
  const [left, right] = [term(sum[1] as string), term(sum[3] as string)];
  if (typeof left !== 'number' || typeof right !== 'number') {
    throw new Error(`arithmetic on a missing or non-number operand in ${expression}`);
  }
  return sum[2] === '+' ? left + right : left - right;
}

/** A small recursive-descent reader of DynamoDB condition expressions. */
export function evaluate(
  expression: string,
  item: Item | undefined,
  names: Record<string, string>,
  values: Item,
): boolean {
  const tokens = expression.match(/\(|\)|,|<>|<=|>=|=|<|>|[#:]?[A-Za-z_]\w*(?:\.#?[A-Za-z_]\w*)*/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (expected !== undefined && token?.toUpperCase() !== expected) {
      throw new Error(`expected ${expected} at ${at} in ${expression}`);
    }
    return token ?? '';
  };
  const operand = (token: string): unknown =>
    token.startsWith(':') ? values[token] : readPath(item, token, names);
  const typeOf = (value: unknown): string =>
    value === null
      ? 'NULL'
      : typeof value === 'string'
        ? 'S'
        : typeof value === 'number'
          ? 'N'
          : typeof value === 'boolean'
            ? 'BOOL'
            : Array.isArray(value)
              ? 'L'
              : 'M';

  const factor = (): boolean => {
    const token = take();
    if (token === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token.toUpperCase() === 'NOT') return !factor();
    const fn = token.toLowerCase();
    if (['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with'].includes(fn)) {
      take('(');
      const value = operand(take());
      let argument: unknown;
      if (peek() === ',') {
        take(',');
        argument = operand(take());
      }
      take(')');
      if (fn === 'attribute_exists') return value !== undefined;
      if (fn === 'attribute_not_exists') return value === undefined;
      if (fn === 'attribute_type') return value !== undefined && typeOf(value) === argument;
      return typeof value === 'string' && typeof argument === 'string' && value.startsWith(argument);
    }
    const left = operand(token);
    const op = take();
    if (op.toUpperCase() === 'IN') {
      take('(');
      const candidates = [operand(take())];
      while (peek() === ',') {
        take(',');
        candidates.push(operand(take()));
      }
      take(')');
      return left !== undefined && candidates.some((c) => JSON.stringify(c) === JSON.stringify(left));
    }
    const right = operand(take());
    if (left === undefined || right === undefined) return false;
    if (op === '=') return JSON.stringify(left) === JSON.stringify(right);
    if (op === '<>') return JSON.stringify(left) !== JSON.stringify(right);
    if (typeOf(left) !== typeOf(right) || !['S', 'N'].includes(typeOf(left))) return false;
    const [a, b] = [left as string | number, right as string | number];
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  };
  const and = (): boolean => {
    let value = factor();
    while (peek()?.toUpperCase() === 'AND') {
      take();
      value = factor() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek()?.toUpperCase() === 'OR') {
      take();
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (at !== tokens.length) throw new Error(`unread tokens in ${expression}`);
  return result;
}

/** True when the update's condition holds for the item (absent: undefined). */
export function conditionHolds(
  item: Item | undefined,
  input: {
    ConditionExpression?: string | undefined;
    ExpressionAttributeNames?: Record<string, string> | undefined;
    ExpressionAttributeValues?: Item | undefined;
  },
): boolean {
  if (!input.ConditionExpression) return true;
  return evaluate(
    input.ConditionExpression,
    item,
    input.ExpressionAttributeNames ?? {},
    (input.ExpressionAttributeValues ?? {}) as Item,
  );
}

/** An update expression's SET assignments, REMOVE paths and ADD actions, in the order written. */
function clauses(expression: string): { SET: string[]; REMOVE: string[]; ADD: string[] } {
  const found = { SET: [] as string[], REMOVE: [] as string[], ADD: [] as string[] };
  for (const [, verb, body] of expression.matchAll(
    /\b(SET|REMOVE|ADD)\s+([\s\S]*?)(?=\s+(?:SET|REMOVE|ADD)\s|$)/g,
  )) {
    found[verb as keyof typeof found].push(...splitTopLevel(body as string));
  }
  return found;
}

/**
 * The item after the update's SET, REMOVE and ADD (every value read from the item as it was, as
 * DynamoDB does).
 */
export function applyUpdate(current: Item | undefined, input: UpdateCommandInput): Item {
  const next = structuredClone(current ?? { ...input.Key });
  const names = input.ExpressionAttributeNames ?? {};
  const values = (input.ExpressionAttributeValues ?? {}) as Item;
  const { SET: set, REMOVE: remove, ADD: add } = clauses(input.UpdateExpression ?? '');
  const assignments = set.map((assignment) => {
    const [path, value] = assignment.split(/\s*=\s*(.*)/s) as [string, string];
    return { path, value: updateValue(value, current, names, values) };
  });
  for (const { path, value } of assignments) {
    // A nested path such as #c.#tally sets a field inside a map attribute.
    const parts = path.split('.').map((part) => names[part] ?? part);
    const last = parts.pop() as string;
    let target: Item = next;
    for (const part of parts) {
      // As DynamoDB: a path into a map the item does not have is refused, not created.
      if (target[part] === null || typeof target[part] !== 'object') {
        throw Object.assign(
          new Error('The document path provided in the update expression is invalid for update'),
          { name: 'ValidationException' },
        );
      }
      target = target[part] as Item;
    }
    target[last] = structuredClone(value);
  }
  for (const path of remove) {
    const parts = path.split('.').map((part) => names[part] ?? part);
    const last = parts.pop() as string;
    const target = parts.reduce<Item | undefined>((item, part) => item?.[part] as Item | undefined, next);
    if (target && typeof target === 'object') delete target[last];
  }
  // ADD of a number to a top-level attribute, which starts at 0 when the item has none (the
  // counters); ADD to a set, or into a map, is not emulated and says so.
  for (const addition of add) {
    const [path, value] = addition.trim().split(/\s+/) as [string, string];
    const name = names[path] ?? path;
    const amount = values[value];
    const before = current?.[name] ?? 0;
    if (path.includes('.') || typeof amount !== 'number' || typeof before !== 'number') {
      throw new Error(`only ADD of a number to a top-level number is emulated here: ${addition}`);
    }
    next[name] = before + amount;
  }
  return next;
}

/**
 * DynamoDB's ValidationException for what DynamoDB itself refuses in an expression: a syntax error,
 * any of its 573 reserved words used bare, a placeholder no expression uses or one never defined.
 * The check is dynalite's own validator (the local stack's DynamoDB), so the unit fakes refuse
 * exactly what the local table refuses instead of a hand-kept subset.
 */
export function checkPlaceholders(input: {
  UpdateExpression?: string | undefined;
  ConditionExpression?: string | undefined;
  ProjectionExpression?: string | undefined;
  KeyConditionExpression?: string | undefined;
  FilterExpression?: string | undefined;
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Item | undefined;
}): void {
  const { ExpressionAttributeValues: values, ...rest } = input;
  const request = {
    ...rest,
    ...(values && { ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }) }),
  };
  const message = validateExpressions(request);
  if (message) throw Object.assign(new Error(message), { name: 'ValidationException' });
}

/** What an UpdateItem returns for its ReturnValues: the whole item, or only the paths it set or added to. */
export function returnValues(next: Item, input: UpdateCommandInput): { Attributes?: Item } {
  if (input.ReturnValues === 'ALL_NEW') return { Attributes: structuredClone(next) };
  if (input.ReturnValues !== 'UPDATED_NEW') return {};
  const names = input.ExpressionAttributeNames ?? {};
  const attributes: Item = {};
  const { SET, ADD } = clauses(input.UpdateExpression ?? '');
  const paths = [
    ...SET.map((assignment) => assignment.split(/\s*=\s*/)[0] as string),
    ...ADD.map((addition) => addition.trim().split(/\s+/)[0] as string),
  ];
  for (const path of paths) {
    const parts = path.split('.').map((part) => names[part] ?? part);
    let source: unknown = next;
    let target = attributes;
    parts.forEach((part, i) => {
      source = (source as Item | undefined)?.[part];
      if (i === parts.length - 1) target[part] = structuredClone(source);
      else {
        target[part] ??= {};
        target = target[part] as Item;
      }
    });
  }
  return { Attributes: attributes };
}

/**
 * One UpdateItem against the item as it is (undefined: absent), as DynamoDB answers it: refuses an
 * unused or reserved name, throws ConditionalCheckFailedException when the condition fails, and
 * gives the item to store and the command's output.
 */
export function updateItem(
  current: Item | undefined,
  input: UpdateCommandInput,
): { next: Item; output: { Attributes?: Item } } {
  checkPlaceholders(input);
  if (!conditionHolds(current, input)) throw conditionFailed();
  const next = applyUpdate(current, input);
  return { next, output: returnValues(next, input) };
}

/**
 * A TransactWriteItems of updates and puts, as DynamoDB answers it: every condition checked against
 * the items as they stand, then all of them written (`write`) or none and
 * TransactionCanceledException with a reason per item. `read` gives the item at a key (undefined
 * when there is none).
 */
export function transactUpdates(
  input: TransactWriteCommandInput,
  read: (key: Item) => Item | undefined,
  write: (key: Item, next: Item) => void,
): Record<string, never> {
  const items = input.TransactItems ?? [];
  if (items.length > 100) throw new Error('TransactWriteItems takes at most 100 items');
  const results = items.map(({ Update, Put }) => {
    if (Put) {
      const item = Put.Item as Item;
      const key = { PK: item.PK, SK: item.SK };
      checkPlaceholders(Put);
      return { key, next: conditionHolds(read(key), Put) ? structuredClone(item) : undefined };
    }
    if (!Update) throw new Error('only Update and Put items are emulated here');
    const key = Update.Key as Item;
    try {
      return { key, next: updateItem(read(key), Update as UpdateCommandInput).next };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { key, next: undefined };
    }
  });
  if (results.some((r) => r.next === undefined)) {
    throw new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: results.map((r) =>
        r.next === undefined ? { Code: 'ConditionalCheckFailed' } : { Code: 'None' },
      ),
    });
  }
  for (const { key, next } of results) write(key, next as Item);
  return {};
}
