// The metadata of the objects the local S3 writes (their stored headers and MD5), in one
// append-only journal beside the buckets instead of a metadata file per object (issue 17): a PUT
// then creates one file, its content, where it created two. Creating files is most of what the
// local S3 costs this machine's disk (ext4 with no journal looks over every inode freed in the last
// minutes before it hands out a new one), and a reply's raw mail is a PUT.
//
// A line is `{"b":bucket,"k":key,"m":{metadata,md5}}` (the object's, written before its content
// is put in place), `{"b":bucket,"k":key,"d":1}` (forgotten: deleted, or its metadata written as
// s3rver writes it) or `{"b":bucket,"D":1}` (the bucket deleted). On open the journal is read and
// a line a crash cut short is cut off; it is rewritten with what is live, on open or as it grows,
// only once it holds more than REWRITE_AFTER lines and more than twice as many as are live (a
// rewrite on every start read and wrote a line for every object a long-lived stack ever kept).
import { closeSync, openSync, writeSync } from 'node:fs';
import { mendedJsonLines, replaceFile } from './journal-file.mjs';

const REWRITE_AFTER = 10_000;

export class MetadataJournal {
  /** Metadata by bucket, then key. */
  #buckets = new Map();
  #path;
  #fd;
  #lines = 0;
  #live = 0;

  constructor(path) {
    this.#path = path;
    const entries = mendedJsonLines(path);
    for (const entry of entries) this.#apply(entry);
    this.#lines = entries.length;
    if (this.#stale()) this.#rewrite();
    else this.#fd = openSync(path, 'a');
  }

  get(bucket, key) {
    return this.#buckets.get(bucket)?.get(key);
  }

  set(bucket, key, metadata) {
    this.#append({ b: bucket, k: key, m: metadata });
  }

  delete(bucket, key) {
    if (this.get(bucket, key) !== undefined) this.#append({ b: bucket, k: key, d: 1 });
  }

  deleteBucket(bucket) {
    if (this.#buckets.has(bucket)) this.#append({ b: bucket, D: 1 });
  }

  close() {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #apply(entry) {
    if (typeof entry?.b !== 'string') return;
    if (entry.D) {
      this.#live -= this.#buckets.get(entry.b)?.size ?? 0;
      this.#buckets.delete(entry.b);
      return;
    }
    if (typeof entry.k !== 'string') return;
    let keys = this.#buckets.get(entry.b);
    const had = keys?.has(entry.k) ?? false;
    if (entry.d) {
      if (had) {
        keys.delete(entry.k);
        this.#live--;
      }
      return;
    }
    if (!keys) {
      keys = new Map();
      this.#buckets.set(entry.b, keys);
    }
    keys.set(entry.k, entry.m);
    if (!had) this.#live++;
  }

  #append(entry) {
    this.#apply(entry);
    if (this.#fd === undefined) throw new Error('s3: the metadata journal is closed');
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    this.#lines++;
    if (this.#stale()) this.#rewrite();
  }

  /** Mostly lines that later ones overwrote: worth replacing with what is live. */
  #stale() {
    return this.#lines > REWRITE_AFTER && this.#lines > 2 * this.#live;
  }

  /** The journal becomes what is live, replaced whole. */
  #rewrite() {
    this.close();
    const lines = [];
    for (const [b, keys] of this.#buckets)
      for (const [k, m] of keys) lines.push(`${JSON.stringify({ b, k, m })}\n`);
    replaceFile(this.#path, lines.join(''));
    this.#fd = openSync(this.#path, 'a');
    this.#lines = lines.length;
  }
}
