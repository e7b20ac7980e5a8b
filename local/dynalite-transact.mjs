// TransactWriteItems for dynalite, which lacks it: all of a transaction's items are locked
// (dynalite's own per-item locks, so no other write interleaves), every condition is checked, and
// then either every item is written through dynalite's own PutItem/UpdateItem/DeleteItem actions,
// or none is and the answer is TransactionCanceledException with one CancellationReason per item,
// as DynamoDB answers. A ClientRequestToken seen in the last 10 minutes answers success again
// without writing (DynamoDB's idempotent retry). Plain JavaScript, loaded by dynamodb-worker.mjs.
//
// Not emulated: TransactionConflict (writes queue on the locks instead), ReturnValuesOnCondition-
// CheckFailure's item, consumed capacity, the 4 MB aggregate limit. An item that fails while it is
// written (after every condition held: an update expression invalid for the stored item, an item
// over 400 KB) answers a ValidationException with the other items written.
import { createHash } from 'node:crypto';

const TARGET = 'DynamoDB_20120810.TransactWriteItems';
const MAX_ITEMS = 100;
const TOKEN_MS = 10 * 60 * 1000;
const KINDS = { Put: 'putItem', Update: 'updateItem', Delete: 'deleteItem', ConditionCheck: 'deleteItem' };

/**
 * Wraps dynalite: `dynalite(options)` with its store captured, and the returned server answering
 * TransactWriteItems itself (everything else goes to dynalite as before).
 */
export function dynaliteWithTransactions(require, options) {
  const db = require('dynalite/db');
  const validations = require('dynalite/validations');
  const actions = {};
  const checks = {};
  for (const name of new Set(Object.values(KINDS))) {
    actions[name] = require(`dynalite/actions/${name}`);
    checks[name] = require(`dynalite/validations/${name}`);
  }
  const create = db.create;
  let store;
  db.create = (opts) => {
    store = create(opts);
    return store;
  };
  let server;
  try {
    server = require('dynalite')(options);
  } finally {
    db.create = create;
  }
  const [dynaliteHandler] = server.listeners('request');
  server.removeAllListeners('request');
  const tokens = new Map();
  server.on('request', (req, res) => {
    if (req.headers['x-amz-target'] !== TARGET || req.method !== 'POST') return dynaliteHandler(req, res);
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      transact({ db, validations, actions, checks, store, tokens }, body).then(
        (answer) => send(res, 200, answer),
        (error) => {
          if (error?.statusCode) return send(res, error.statusCode, error.body);
          send(res, 500, {
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: String(error),
          });
        },
      );
    });
  });
  return server;
}

function send(res, status, data) {
  const body = JSON.stringify(data);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/x-amz-json-1.0');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

const failure = (type, message) =>
  Object.assign(new Error(message), { statusCode: 400, body: { __type: type, message } });
const validation = (message) => failure('com.amazon.coral.validate#ValidationException', message);

async function transact(env, body) {
  const { db, validations, checks, store, tokens } = env;
  let input;
  try {
    input = JSON.parse(body);
  } catch {
    throw failure('com.amazon.coral.service#SerializationException', 'the body is not JSON');
  }
  const items = input?.TransactItems;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ITEMS) {
    throw validation(`TransactItems must hold 1 to ${MAX_ITEMS} items`);
  }
  const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
  const digest = createHash('sha256').update(JSON.stringify(items)).digest('hex');
  const now = Date.now();
  for (const [key, seen] of tokens) if (now - seen.at > TOKEN_MS) tokens.delete(key);
  if (token && tokens.has(token)) {
    if (tokens.get(token).digest !== digest) {
      throw failure(
        'com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException',
        'The request uses the same client token as a previous, but non-identical request.',
      );
    }
    return {};
  }

  // Each item as the request of its own action, validated as dynalite validates that action.
  const ops = [];
  for (const entry of items) {
    const kinds = Object.keys(entry ?? {}).filter((k) => k in KINDS);
    if (kinds.length !== 1)
      throw validation('each TransactItem must hold exactly one of Put, Update, Delete, ConditionCheck');
    const kind = kinds[0];
    if (kind === 'ConditionCheck' && !entry.ConditionCheck.ConditionExpression) {
      throw validation('ConditionCheck requires a ConditionExpression');
    }
    const { ReturnValuesOnConditionCheckFailure: _ignored, ...request } = entry[kind];
    const action = KINDS[kind];
    let data;
    try {
      data = validations.checkTypes(request, checks[action].types);
      validations.checkValidations(data, checks[action].types, checks[action].custom, store);
    } catch (error) {
      if (error.statusCode) throw error;
      throw validation(String(error.message ?? error));
    }
    const table = await new Promise((resolve, reject) =>
      store.getTable(data.TableName, (error, found) => (error ? reject(error) : resolve(found))),
    );
    const invalid = kind === 'Put' ? db.validateItem(data.Item, table) : db.validateKey(data.Key, table);
    if (invalid) throw invalid;
    const key = db.createKey(kind === 'Put' ? data.Item : data.Key, table);
    ops.push({ kind, action, data, table, key });
  }
  const ids = new Set();
  for (const op of ops) {
    const id = `${op.data.TableName}\u0000${op.key}`;
    if (ids.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
    ids.add(id);
  }

  const tables = [...new Set(ops.map((op) => op.data.TableName))].sort();
  return withLocks(store, tables, ops, async () => {
    // Locked: no other write comes between these reads and the writes below, so they go in parallel.
    const olds = await Promise.all(
      ops.map(
        (op) =>
          new Promise((resolve, reject) =>
            store
              .getItemDb(op.data.TableName)
              .get(op.key, (error, item) =>
                error && error.name !== 'NotFoundError' ? reject(error) : resolve(item),
              ),
          ),
      ),
    );
    const reasons = ops.map((op, i) =>
      db.checkConditional(op.data, olds[i])
        ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }
        : { Code: 'None' },
    );
    const cancelled = reasons.some((r) => r.Code !== 'None');
    if (cancelled) {
      const error = new Error('Transaction cancelled');
      error.statusCode = 400;
      error.body = {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: reasons,
      };
      throw error;
    }
    // Every condition holds and no other write can come between: write them, each through its action.
    const held = heldStore(store, tables);
    await Promise.all(
      ops
        .filter((op) => op.kind !== 'ConditionCheck')
        .map(
          (op) =>
            new Promise((resolve, reject) =>
              env.actions[op.action](held, op.data, (error) => (error ? reject(error) : resolve())),
            ),
        ),
    );
    if (token) tokens.set(token, { digest, at: Date.now() });
    return {};
  });
}

/** Runs `work` holding the locks of every op's item, table by table in name order (no deadlock). */
function withLocks(store, tables, ops, work) {
  const [table, ...rest] = tables;
  if (table === undefined) return work();
  const keys = ops.filter((op) => op.data.TableName === table).map((op) => op.key);
  return new Promise((resolve, reject) => {
    store.getItemDb(table).lock(keys, (release) => {
      const done = release((error, value) => (error ? reject(error) : resolve(value)));
      withLocks(store, rest, ops, work).then(
        (value) => done(null, value),
        (error) => done(error),
      );
    });
  });
}

/** The store as the actions see it while the transaction holds its items' locks: locking passes through. */
function heldStore(store, tables) {
  const dbs = new Map(
    tables.map((name) => {
      const itemDb = store.getItemDb(name);
      return [name, Object.assign(Object.create(itemDb), { lock: (_key, exec) => exec((cb) => cb) })];
    }),
  );
  return Object.assign(Object.create(store), {
    getItemDb: (name) => dbs.get(name) ?? store.getItemDb(name),
  });
}
