// dynalite's UpdateItem with the item copied along the paths it changes instead of deep-cloned
// whole (issue 17). The proposal item (some 50 KB with its consultees' count entries) is updated
// on every counted reply; dynalite deep-cloned all of it, then walked all of it again to check its
// size, for one count entry and a few counters. Here only the objects on an updated path are copied
// (the rest is shared with the stored version, which nobody mutates: see dynalite-cache.mjs), and
// the size of each map is remembered per map object, so an unchanged map is never measured twice.
//
// Everything else is dynalite 4.0.0's actions/updateItem.js (Apache-2.0), unchanged: the lock, the
// condition, the update expression applied by its own rules, the 400 KB limit, the return values,
// the indexes. AttributeUpdates (the legacy API), and paths through a name that Object.prototype
// holds (`constructor`, `__proto__`), take dynalite's deep clone as before. Plain JavaScript,
// installed by dynamodb-worker.mjs before dynalite loads its actions.
import { createRequire } from 'node:module';

/**
 * Puts this UpdateItem in place of dynalite's for every later `require('dynalite/actions/updateItem')`
 * (dynalite's own action table and dynalite-transact.mjs). Returns false when dynalite's module no
 * longer looks as expected (then nothing is changed).
 */
export function installDynaliteUpdate(require) {
  const path = require.resolve('dynalite/actions/updateItem');
  const original = require(path);
  const module = require.cache[path];
  if (typeof original !== 'function' || !module || original.copiesPaths) return false;
  const dynaliteRequire = createRequire(path);
  const db = dynaliteRequire('../db');
  const Big = dynaliteRequire('big.js');
  if (typeof db.checkConditional !== 'function' || typeof db.updateIndexes !== 'function') return false;
  const updateItem = makeUpdateItem(db, Big);
  updateItem.copiesPaths = true;
  module.exports = updateItem;
  return true;
}

function makeUpdateItem(db, Big) {
  const sizes = new WeakMap();

  return function updateItem(store, data, cb) {
    store.getTable(data.TableName, (err, table) => {
      if (err) return cb(err);

      const invalidKey = db.validateKey(data.Key, table);
      if (invalidKey != null) return cb(invalidKey);

      const invalidUpdate = db.validateUpdates(data.AttributeUpdates, data._updates, table);
      if (invalidUpdate != null) return cb(invalidUpdate);

      const itemDb = store.getItemDb(data.TableName);
      const key = db.createKey(data.Key, table);

      itemDb.lock(key, (release) => {
        cb = release(cb);

        itemDb.get(key, (err, oldItem) => {
          if (err && err.name !== 'NotFoundError') return cb(err);

          const invalid = db.checkConditional(data, oldItem);
          if (invalid != null) return cb(invalid);

          const returnObj = {};
          let item = data.Key;
          const paths = data._updates ? data._updates.paths : Object.keys(data.AttributeUpdates || {});

          if (oldItem) {
            item =
              data._updates && pathsAreOwn(data._updates.sections)
                ? copyAlong(oldItem, data._updates.sections)
                : deepClone(oldItem);
            if (data.ReturnValues === 'ALL_OLD') {
              returnObj.Attributes = oldItem;
            } else if (data.ReturnValues === 'UPDATED_OLD') {
              returnObj.Attributes = db.mapPaths(paths, oldItem);
            }
          }

          err = data._updates
            ? applyUpdateExpression(data._updates.sections, table, item)
            : applyAttributeUpdates(data.AttributeUpdates, table, item);
          if (err) return cb(err);

          if (itemSize(item) > store.options.maxItemSize)
            return cb(db.validationError('Item size to update has exceeded the maximum allowed size'));

          if (data.ReturnValues === 'ALL_NEW') {
            returnObj.Attributes = item;
          } else if (data.ReturnValues === 'UPDATED_NEW') {
            returnObj.Attributes = db.mapPaths(paths, item);
          }

          returnObj.ConsumedCapacity = db.addConsumedCapacity(data, false, oldItem, item);

          db.updateIndexes(store, table, oldItem, item, (err) => {
            if (err) return cb(err);

            itemDb.put(key, item, (err) => {
              if (err) return cb(err);
              cb(null, returnObj);
            });
          });
        });
      });
    });
  };

  // db.itemSize, with each map's size kept per map object (maps are not changed once stored).
  function itemSize(item, compress, addMetaSize, rangeKey) {
    let rangeKeySize = 0;
    let size = 0;
    for (const attr of Object.keys(item)) {
      const s = valSizeWithStorage(item[attr], compress && attr !== rangeKey);
      if (compress && attr === rangeKey) {
        rangeKeySize = s;
        continue;
      }
      size += s + (compress ? 1 : attr.length);
    }
    return !addMetaSize ? size : 2 + size + (1 + Math.floor((1 + size) / 3072)) * (18 + rangeKeySize);
  }

  function valSizeWithStorage(itemAttr, compress) {
    const type = Object.keys(itemAttr)[0];
    const val = itemAttr[type];
    const size = valSize(val, type, compress);
    if (!compress) return size;
    switch (type) {
      case 'S':
        return size + (size < 128 ? 1 : size < 16384 ? 2 : 3);
      case 'B':
      case 'N':
        return size + 1;
      case 'SS':
      case 'BS':
      case 'NS':
        return size + val.length + 1;
      case 'NULL':
        return 0;
      case 'BOOL':
        return 1;
      default:
        return size;
    }
  }

  function valSize(val, type, compress) {
    switch (type) {
      case 'S':
        return val.length;
      case 'B':
        return Buffer.from(val, 'base64').length;
      case 'N': {
        const n = new Big(val);
        const numDigits = n.c.length;
        if (numDigits === 1 && n.c[0] === 0) return 1;
        return 1 + Math.ceil(numDigits / 2) + (numDigits % 2 || n.e % 2 ? 0 : 1) + (n.s === -1 ? 1 : 0);
      }
      case 'SS':
        return val.reduce((sum, x) => sum + valSize(x, 'S'), 0);
      case 'BS':
        return val.reduce((sum, x) => sum + valSize(x, 'B'), 0);
      case 'NS':
        return val.reduce((sum, x) => sum + valSize(x, 'N'), 0);
      case 'NULL':
      case 'BOOL':
        return 1;
      case 'L':
        return 3 + val.reduce((sum, v) => sum + 1 + valSizeWithStorage(v, compress), 0);
      case 'M': {
        if (compress) return 3 + Object.keys(val).length + itemSize(val, compress);
        let size = sizes.get(val);
        if (size === undefined) {
          size = 3 + Object.keys(val).length + itemSize(val, false);
          sizes.set(val, size);
        }
        return size;
      }
    }
  }

  function applyAttributeUpdates(updates, _table, item) {
    for (const attr in updates) {
      const update = updates[attr];
      if (update.Action === 'PUT' || update.Action == null) {
        item[attr] = update.Value;
      } else if (update.Action === 'ADD') {
        if (update.Value.N) {
          if (item[attr] && !item[attr].N) return db.validationError('Type mismatch for attribute to update');
          if (!item[attr]) item[attr] = { N: '0' };
          item[attr].N = new Big(item[attr].N).plus(update.Value.N).toFixed();
        } else {
          const type = Object.keys(update.Value)[0];
          if (item[attr] && !item[attr][type])
            return db.validationError('Type mismatch for attribute to update');
          if (!item[attr]) item[attr] = {};
          if (!item[attr][type]) item[attr][type] = [];
          const val =
            type === 'L'
              ? update.Value[type]
              : update.Value[type].filter((a) => !~item[attr][type].indexOf(a));
          item[attr][type] = item[attr][type].concat(val);
        }
      } else if (update.Action === 'DELETE') {
        if (update.Value) {
          const type = Object.keys(update.Value)[0];
          if (item[attr] && !item[attr][type])
            return db.validationError('Type mismatch for attribute to update');
          if (item[attr]?.[type]) {
            item[attr][type] = item[attr][type].filter((val) => !~update.Value[type].indexOf(val));
            if (!item[attr][type].length) delete item[attr];
          }
        } else {
          delete item[attr];
        }
      }
    }
  }

  function applyUpdateExpression(sections, table, item) {
    const toSquash = [];
    for (const section of sections) {
      if (section.type === 'set') {
        section.val = resolveValue(section.val, item);
        if (typeof section.val === 'string') {
          return db.validationError(section.val);
        }
      }
    }
    for (const section of sections) {
      const parent = db.mapPath(section.path.slice(0, -1), item);
      const attr = section.path[section.path.length - 1];
      if (parent == null || (typeof attr === 'number' ? parent.L : parent.M) == null) {
        return db.validationError(
          'The document path provided in the update expression is invalid for update',
        );
      }
      let existing = parent.M ? parent.M[attr] : parent.L[attr];
      const alreadyExists = existing != null;
      if (section.type === 'remove') {
        deleteFromParent(parent, attr);
      } else if (section.type === 'delete') {
        if (alreadyExists && Object.keys(existing)[0] !== section.attrType) {
          return db.validationError('An operand in the update expression has an incorrect data type');
        }
        if (alreadyExists) {
          existing[section.attrType] = existing[section.attrType].filter(
            (val) => !~section.val[section.attrType].indexOf(val),
          );
          if (!existing[section.attrType].length) {
            deleteFromParent(parent, attr);
          }
        }
      } else if (section.type === 'add') {
        if (alreadyExists && Object.keys(existing)[0] !== section.attrType) {
          return db.validationError('An operand in the update expression has an incorrect data type');
        }
        if (section.attrType === 'N') {
          if (!existing) existing = { N: '0' };
          existing.N = new Big(existing.N).plus(section.val.N).toFixed();
        } else {
          if (!existing) existing = {};
          if (!existing[section.attrType]) existing[section.attrType] = [];
          existing[section.attrType] = existing[section.attrType].concat(
            section.val[section.attrType].filter((a) => !~existing[section.attrType].indexOf(a)),
          );
        }
        if (!alreadyExists) {
          addToParent(parent, attr, existing, toSquash);
        }
      } else if (section.type === 'set') {
        if (section.path.length === 1) {
          const err = db.traverseIndexes(table, (indexAttr, type) => {
            if (section.path[0] === indexAttr && section.val[type] == null) {
              return db.validationError(
                'The update expression attempted to update the secondary index key to unsupported type',
              );
            }
          });
          if (err) return err;
        }
        addToParent(parent, attr, section.val, toSquash);
      }
    }
    for (const obj of toSquash) obj.L = obj.L.filter(Boolean);
  }

  // The two operands of + and - (numbers) or list_append (lists), in order, each resolved and of
  // the type the operation needs; or the error message, as dynalite words it.
  function operands(args, item, type) {
    const resolved = [];
    for (const arg of args) {
      const value = resolveValue(arg, item);
      if (typeof value === 'string') return value;
      if (value[type] == null) return 'An operand in the update expression has an incorrect data type';
      resolved.push(value);
    }
    return resolved;
  }

  function resolveValue(val, item) {
    if (Array.isArray(val)) {
      val = db.mapPath(val, item);
    } else if (val.type === 'add' || val.type === 'subtract') {
      const ops = operands(val.args, item, 'N');
      if (typeof ops === 'string') return ops;
      val = { N: new Big(ops[0].N)[val.type === 'add' ? 'plus' : 'minus'](ops[1].N).toFixed() };
    } else if (val.type === 'function' && val.name === 'if_not_exists') {
      val = db.mapPath(val.args[0], item) || resolveValue(val.args[1], item);
    } else if (val.type === 'function' && val.name === 'list_append') {
      const ops = operands(val.args, item, 'L');
      if (typeof ops === 'string') return ops;
      return { L: ops[0].L.concat(ops[1].L) };
    }
    return val || 'The provided expression refers to an attribute that does not exist in the item';
  }
}

function deleteFromParent(parent, attr) {
  if (parent.M) {
    delete parent.M[attr];
  } else if (parent.L) {
    parent.L.splice(attr, 1);
  }
}

function addToParent(parent, attr, val, toSquash) {
  if (parent.M) {
    parent.M[attr] = val;
  } else if (parent.L) {
    if (attr > parent.L.length && !toSquash.includes(parent)) {
      toSquash.push(parent);
    }
    parent.L[attr] = val;
  }
}

// dynalite's deep clone of simple objects and arrays (maps without a prototype).
function deepClone(obj) {
  if (typeof obj !== 'object' || obj == null) return obj;
  if (Array.isArray(obj)) {
    const result = new Array(obj.length);
    for (let i = 0; i < obj.length; i++) result[i] = deepClone(obj[i]);
    return result;
  }
  const result = Object.create(null);
  for (const attr in obj) result[attr] = deepClone(obj[attr]);
  return result;
}

/** A name Object.prototype holds (`constructor`, `__proto__`) would read differently from a shared map. */
const inherited = (piece) => typeof piece === 'string' && piece in Object.prototype;

/** Whether no path of the update, nor of a value it reads, goes through such a name. */
function pathsAreOwn(sections) {
  const own = (node) => {
    if (Array.isArray(node)) {
      return node.every((piece) =>
        typeof piece === 'object' && piece !== null ? own(piece) : !inherited(piece),
      );
    }
    if (node !== null && typeof node === 'object' && Array.isArray(node.args)) return node.args.every(own);
    return true;
  };
  return sections.every((section) => own(section.path) && (section.type !== 'set' || own(section.val)));
}

/**
 * The item with every map or list on an updated path copied (without a prototype, as deepClone
 * makes them), and the value at the end of each path copied too (ADD and DELETE change it in
 * place). Everything off those paths is the stored item's own, shared.
 */
function copyAlong(oldItem, sections) {
  const item = Object.create(null);
  for (const attr in oldItem) item[attr] = oldItem[attr];
  const fresh = new Set();
  for (const section of sections) {
    let holder = item;
    for (const piece of section.path) {
      let value = holder[piece];
      if (value == null || typeof value !== 'object') break;
      if (!fresh.has(value)) {
        value = copyValue(value);
        fresh.add(value);
        holder[piece] = value;
      }
      if (value.M) holder = value.M;
      else if (value.L) holder = value.L;
      else break;
    }
  }
  return item;
}

/** One attribute value, its map or list copied one level deep. */
function copyValue(value) {
  const copy = Object.create(null);
  for (const type in value) {
    const inner = value[type];
    if (type === 'M') {
      const map = Object.create(null);
      for (const attr in inner) map[attr] = inner[attr];
      copy.M = map;
    } else if (Array.isArray(inner)) {
      copy[type] = inner.slice();
    } else {
      copy[type] = inner;
    }
  }
  return copy;
}
