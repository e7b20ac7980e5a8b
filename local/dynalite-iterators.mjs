// dynalite 4 leaks one LevelDB iterator per Query and Scan (issue 15). Its stream wrapper
// (db/index.js, createValueStream/createKeyStream) closes the abstract-level iterator in destroy()
// by calling `iterator.return()`, but abstract-level 3 iterators have no return() (only close()
// and an async generator behind Symbol.asyncIterator), so nothing is ever closed: each iterator
// stays attached to the db with its native state (a LevelDB snapshot pinning memtables and
// tables, its read buffers) until the db closes. 12,000 Queries grew the stack's RSS by ~240 MB
// while GetItem (no iterator) stayed flat.
// The fix: give the iterator classes the return() dynalite expects, as an alias of close(), in the
// copy of abstract-level that dynalite loads. close() is idempotent and waits for a read in flight.
// Loaded only in dynalite's worker thread (own module registry), so nothing else sees it. Remove
// when dynalite closes its iterators itself (then the prototype has return() and this is a no-op).
import { createRequire } from 'node:module';

/**
 * Adds `return()` (= close()) to the iterator classes of the abstract-level that dynalite uses.
 * Returns the number of classes patched (0 when they already have a return()).
 */
export function closeDynaliteIterators() {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  const fromClassic = createRequire(fromLevel.resolve('classic-level'));
  const abstractLevel = fromClassic('abstract-level');
  let patched = 0;
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const prototype = abstractLevel[name]?.prototype;
    if (!prototype || typeof prototype.return === 'function') continue;
    Object.defineProperty(prototype, 'return', {
      configurable: true,
      writable: true,
      value: function closeOnReturn() {
        return this.close();
      },
    });
    patched++;
  }
  return patched;
}
