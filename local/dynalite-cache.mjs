// A write-through cache of decoded items in front of dynalite's LevelDB (issue 17). dynalite
// reads an item from LevelDB and JSON-decodes it on every GetItem, and again inside every PutItem,
// UpdateItem and DeleteItem (for the condition and the old image): for a proposal item of some
// 50 KB (its consultees and count entries) that decoding, the LevelDB read on the thread pool and
// the garbage they leave were most of what the emulated DynamoDB spent per reply.
// Here the item tables' get() answers from memory when it can; put(), del() and batch() still go
// to LevelDB first-hand (what is on disk is unchanged) and update the cache as they are issued.
// Safe because dynalite never mutates an item it read (UpdateItem deep-clones before applying),
// serialises the writes of one key with its item lock, and only JSON-encodes what it answers.
// Queries and Scans read LevelDB's iterators directly, as before. Two more costs of the same kind:
// every request read the table's description from LevelDB (now kept, as JSON text, so a caller
// changing its copy changes nothing), and an item written to the table and to indexes projecting
// ALL attributes (the proposal item is in two) was JSON-encoded once per copy (now once).
// Loaded only in dynalite's worker thread (own module registry), so nothing else sees it.
import { createRequire } from 'node:module';

/** Items kept decoded: the hot ones (a consultation's proposal item) stay, the rest come and go. */
export const CACHED_ITEMS = 500;

const ABSENT = Symbol('absent');

/**
 * Makes every item table of the dynalite stores created from now on cache its items.
 * Returns false when dynalite's store no longer looks as expected (then nothing is changed).
 */
export function cacheDynaliteItems(maxItems = CACHED_ITEMS) {
  const dbModule = createRequire(createRequire(import.meta.url).resolve('dynalite'))('./db');
  if (typeof dbModule.create !== 'function' || dbModule.create.cachesItems) return false;
  const create = dbModule.create;
  const cachingCreate = function cachingCreate(...args) {
    const store = create.apply(this, args);
    if (
      typeof store.getItemDb !== 'function' ||
      typeof store.getIndexDb !== 'function' ||
      typeof store.tableDb?.get !== 'function' ||
      typeof store.db?.valueEncoding !== 'function'
    ) {
      throw new Error('dynalite: unexpected store (no getItemDb, getIndexDb, tableDb or db)');
    }
    const encodeOnce = encodingOnce(store.db.valueEncoding());
    const getItemDb = store.getItemDb;
    const wrapped = new Map();
    store.getItemDb = (name) => {
      const itemDb = getItemDb(name);
      let cached = wrapped.get(itemDb);
      if (!cached) {
        cached = cachingItemDb(itemDb, maxItems, encodeOnce);
        wrapped.set(itemDb, cached);
      }
      return cached;
    };
    const getIndexDb = store.getIndexDb;
    store.getIndexDb = (...names) => {
      const indexDb = getIndexDb(...names);
      let once = wrapped.get(indexDb);
      if (!once) {
        once = Object.create(indexDb);
        once.put = (key, value, callback) => {
          encodeOnce(value);
          indexDb.put(key, value, callback);
        };
        wrapped.set(indexDb, once);
      }
      return once;
    };
    cacheTableDescriptions(store.tableDb);
    readSynchronously(store.db);
    return store;
  };
  cachingCreate.cachesItems = true;
  dbModule.create = cachingCreate;
  return true;
}

/**
 * Lets `encodeOnce(item)` mark an item as written as it is (dynalite writes a fresh object for each
 * new version of an item): the encoding then JSON-encodes it once however many copies are written.
 */
function encodingOnce(encoding) {
  if (typeof encoding?.encode !== 'function') throw new Error('dynalite: its db has no value encoding');
  const encode = encoding.encode;
  const written = new WeakMap();
  encoding.encode = (value) => {
    if (value === null || typeof value !== 'object') return encode(value);
    const text = written.get(value);
    if (text === null) {
      const encoded = stringifyItem(value);
      written.set(value, encoded);
      return encoded;
    }
    return text ?? encode(value);
  };
  return (value) => {
    if (value !== null && typeof value === 'object' && !written.has(value)) written.set(value, null);
  };
}

/**
 * Reads what the cache does not hold with LevelDB's synchronous get: a key read for the first time
 * (a new reply's conditional put finds nothing there) is answered from LevelDB's memory table or
 * block cache in microseconds, where the asynchronous get cost a hop to the thread pool and back,
 * a promise and the wake-up of a pool thread. Answered on a later turn, as before; anything the
 * synchronous get cannot do (a database not open, a store without it) goes the asynchronous way.
 */
function readSynchronously(db) {
  const get = db.get;
  if (typeof get !== 'function' || typeof db.getSync !== 'function') {
    throw new Error('dynalite: its db has no get or getSync');
  }
  db.get = function getNow(key, callback) {
    if (typeof callback !== 'function' || db.status !== 'open') return get.call(this, key, callback);
    let value;
    try {
      value = db.getSync(key);
    } catch {
      return get.call(this, key, callback);
    }
    setImmediate(callback, null, value);
  };
}

/** A map with at least this many entries is encoded from its entries' remembered texts. */
const BIG_MAP = 16;
/** The JSON text of each value of a large map, and of the map, by object (stored values are not changed). */
const texts = new WeakMap();

/**
 * JSON.stringify(item), the same text, with each large map (`{ M: {...} }` of BIG_MAP entries or
 * more) put together from its entries' texts, each encoded once per object: an update copies only
 * what it changes (dynalite-update.mjs), so the proposal item's count entries, unchanged, are not
 * encoded again on every reply.
 */
export function stringifyItem(item) {
  if (Array.isArray(item) || typeof item.toJSON === 'function') return JSON.stringify(item);
  let text = '';
  for (const attr of Object.keys(item)) {
    const value = encodeValue(item[attr], false);
    if (value !== undefined) text += `${text === '' ? '' : ','}${JSON.stringify(attr)}:${value}`;
  }
  return `{${text}}`;
}

function encodeValue(value, remember) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const known = texts.get(value);
  if (known !== undefined) return known;
  const map = value.M;
  let text;
  if (
    map !== null &&
    typeof map === 'object' &&
    !Array.isArray(map) &&
    typeof map.toJSON !== 'function' &&
    typeof value.toJSON !== 'function' &&
    Object.keys(value).length === 1 &&
    Object.keys(map).length >= BIG_MAP
  ) {
    text = '';
    for (const attr of Object.keys(map)) {
      const entry = encodeValue(map[attr], true);
      if (entry !== undefined) text += `${text === '' ? '' : ','}${JSON.stringify(attr)}:${entry}`;
    }
    text = `{"M":{${text}}}`;
    remember = true;
  } else {
    text = JSON.stringify(value);
  }
  if (remember && text !== undefined) texts.set(value, text);
  return text;
}

/**
 * The table descriptions, kept as JSON text and decoded for each reader, as LevelDB would. A write
 * sets the text when it is issued (a later read must not see the older description: LevelDB may
 * answer a read issued meanwhile with it); a read from LevelDB is kept only when no write was in
 * flight when it began or issued while it ran.
 */
function cacheTableDescriptions(tableDb) {
  const texts = new Map();
  let writes = 0;
  let writing = 0;
  const get = tableDb.get;
  const put = tableDb.put;
  const del = tableDb.del;
  tableDb.get = (key, callback) => {
    const text = texts.get(key);
    if (text !== undefined) {
      queueMicrotask(() => callback(null, JSON.parse(text)));
      return;
    }
    const before = writes;
    const quiet = writing === 0;
    get(key, (error, value) => {
      if (!error && value && quiet && writes === before) texts.set(key, JSON.stringify(value));
      callback(error, value);
    });
  };
  tableDb.put = (key, value, callback) => {
    writes++;
    writing++;
    texts.set(key, JSON.stringify(value));
    put(key, value, (error) => {
      writing--;
      // Not on disk: the next read asks LevelDB.
      if (error) texts.delete(key);
      callback(error);
    });
  };
  tableDb.del = (key, callback) => {
    writes++;
    writing++;
    texts.delete(key);
    del(key, (error) => {
      writing--;
      callback(error);
    });
  };
}

/** The item db with get() served from memory; the object keeps dynalite's lock and streams. */
export function cachingItemDb(itemDb, maxItems, encodeOnce = () => undefined) {
  /** key -> decoded item, or ABSENT; in least-recently-used order (a Map keeps insertion order). */
  const items = new Map();
  /** Reads from LevelDB in flight, by key: a write meanwhile makes their answer too old to keep. */
  const reading = new Map();

  const remember = (key, value) => {
    items.delete(key);
    items.set(key, value);
    if (items.size > maxItems) items.delete(items.keys().next().value);
  };
  const written = (key, value) => {
    const read = reading.get(key);
    if (read) read.stale = true;
    remember(key, value);
  };
  const forget = (key) => {
    const read = reading.get(key);
    if (read) read.stale = true;
    items.delete(key);
  };
  const notFound = () => {
    const error = new Error('NotFound');
    error.name = 'NotFoundError';
    error.code = 'LEVEL_NOT_FOUND';
    error.notFound = true;
    return error;
  };

  const cached = Object.create(itemDb);
  cached.get = (key, callback) => {
    if (items.has(key)) {
      const value = items.get(key);
      remember(key, value);
      // Asynchronous, as LevelDB's answer would be.
      queueMicrotask(() => (value === ABSENT ? callback(notFound()) : callback(null, value)));
      return;
    }
    const read = reading.get(key) ?? { stale: false, waiting: [] };
    read.waiting.push(callback);
    if (read.waiting.length > 1) return;
    reading.set(key, read);
    itemDb.get(key, (error, value) => {
      reading.delete(key);
      if (!read.stale) {
        if (!error) remember(key, value);
        else if (error.name === 'NotFoundError') remember(key, ABSENT);
      }
      for (const waiting of read.waiting) waiting(error, value);
    });
  };
  cached.put = (key, value, callback) => {
    encodeOnce(value);
    written(key, value);
    itemDb.put(key, value, (error) => {
      // Not on disk: the next read asks LevelDB.
      if (error) forget(key);
      callback(error);
    });
  };
  cached.del = (key, callback) => {
    written(key, ABSENT);
    itemDb.del(key, (error) => {
      if (error) forget(key);
      callback(error);
    });
  };
  cached.batch = (operations, callback) => {
    for (const op of operations) {
      if (op.type === 'put') encodeOnce(op.value);
      written(op.key, op.type === 'put' ? op.value : ABSENT);
    }
    itemDb.batch(operations, (error) => {
      if (error) for (const op of operations) forget(op.key);
      callback(error);
    });
  };
  return cached;
}
