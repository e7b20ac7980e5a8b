// dynalite parses every request's condition, update and projection expressions with a PEG parser,
// which was most of the local DynamoDB's time under the consultation fan-out (100 claims in a
// transaction, the same expressions with other values). This keeps each parsed expression, keyed by
// its text, the *types* of its values and the *pattern* of its names, and hands out a copy with the
// request's own values and names put in. Expressions with BETWEEN (the parse compares its bounds)
// are parsed every time.
//
// Names: a parse reads a name only to look it up and to compare paths (two paths that overlap or
// conflict are refused), so an expression is parsed with stand-in names, one per distinct name, and
// keyed by which placeholders share a name: `#states.#key` with a different consultee's key each
// time (the reply path's count sync) is parsed once. attribute_type's type name (a value the parse
// checks) is keyed by its content. A name that also appears as a word of the text
// (it could overlap a literal path) is keyed by itself, as are all names of a key condition.
// Plain JavaScript, loaded by dynamodb-worker.mjs before dynalite serves its first request.

const VALUE = Symbol('expression attribute value');
/** Stand-in names start with a character no attribute name in a request can hold here. */
const NAME = '\u0000';
const LIMIT = 500;

/** Wraps the `parse` of dynalite's condition, update and projection parsers with the cache. */
export function cacheDynaliteParsers(require) {
  for (const name of ['conditionParser', 'updateParser', 'projectionParser']) {
    const parser = require(`dynalite/db/${name}`);
    parser.parse = cached(parser.parse);
  }
}

function cached(parse) {
  const entries = new Map();
  return (text, options) => {
    const context = options?.context;
    if (!context || /between/i.test(text)) return parse(text, options);
    const names = context.attrNames ?? {};
    const values = context.attrVals ?? {};
    const typeNames = typeArguments(text);
    if (typeNames === null) return parse(text, options);
    const {
      pattern,
      standIns: nameStandIns,
      real,
    } = namePattern(text, names, Boolean(context.isKeyCondition));
    if (real === null) return parse(text, options);
    const key = JSON.stringify([
      text,
      Boolean(context.isKeyCondition),
      pattern,
      Object.entries(values).map(([k, v]) => [k, Object.keys(v ?? {})]),
      // attribute_type's type name is checked by the parse: its value is part of the key.
      typeNames.map((k) => [k, values[k] ?? null]),
    ]);
    let entry = entries.get(key);
    if (!entry) {
      // Parsed once with stand-ins of the values (each the same type, marked with its placeholder)
      // and of the names.
      const standIns = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, Object.assign({ ...v }, { [VALUE]: k })]),
      );
      const probe = {
        ...context,
        attrNames: nameStandIns,
        attrVals: standIns,
        unusedAttrNames: { ...context.unusedAttrNames },
        unusedAttrVals: { ...context.unusedAttrVals },
      };
      const tree = parse(text, { ...options, context: probe });
      // A syntax or validation error (thrown or returned as text) is not kept: it is parsed again,
      // with the real names, so its message names them.
      if (typeof tree === 'string') return parse(text, options);
      entry = {
        tree,
        usedNames: Object.keys(context.unusedAttrNames ?? {}).filter((k) => !(k in probe.unusedAttrNames)),
        usedValues: Object.keys(context.unusedAttrVals ?? {}).filter((k) => !(k in probe.unusedAttrVals)),
      };
      if (entries.size >= LIMIT) entries.delete(entries.keys().next().value);
      entries.set(key, entry);
    }
    if (context.unusedAttrNames) for (const k of entry.usedNames) delete context.unusedAttrNames[k];
    if (context.unusedAttrVals) for (const k of entry.usedValues) delete context.unusedAttrVals[k];
    return withValues(entry.tree, values, real);
  };
}

/**
 * The value placeholders given to attribute_type as its type name, or null when the text names
 * attribute_type in a way this does not read (then it is parsed every time).
 */
function typeArguments(text) {
  const mentions = text.match(/attribute_type/gi)?.length ?? 0;
  if (mentions === 0) return [];
  const found = [...text.matchAll(/attribute_type\s*\(\s*[#A-Za-z0-9_.[\]]+\s*,\s*(:[A-Za-z0-9_]+)\s*\)/gi)];
  return found.length === mentions ? found.map((m) => m[1]) : null;
}

/**
 * The names as the cache key sees them: each placeholder's stand-in (the same for placeholders
 * naming the same attribute), or the name itself where a stand-in could change the parse.
 * `real` maps each stand-in back; null when a name cannot be stood in for (not a string).
 */
function namePattern(text, names, keyCondition) {
  const pattern = [];
  const standIns = {};
  const real = new Map();
  const classes = new Map();
  for (const [placeholder, name] of Object.entries(names)) {
    if (typeof name !== 'string') return { pattern, standIns, real: null };
    if (keyCondition || name.startsWith(NAME) || text.includes(name)) {
      pattern.push([placeholder, name]);
      standIns[placeholder] = name;
      continue;
    }
    let standIn = classes.get(name);
    if (standIn === undefined) {
      standIn = `${NAME}${classes.size}`;
      classes.set(name, standIn);
      real.set(standIn, name);
    }
    pattern.push([placeholder, standIn]);
    standIns[placeholder] = standIn;
  }
  return { pattern, standIns, real };
}

/**
 * A deep copy of the tree with each stand-in replaced by the request's value or name (the apply
 * step mutates trees).
 */
function withValues(node, values, names) {
  if (typeof node === 'string') return node.charCodeAt(0) === 0 ? (names.get(node) ?? node) : node;
  if (Array.isArray(node)) return node.map((n) => withValues(n, values, names));
  if (node === null || typeof node !== 'object') return node;
  if (VALUE in node) return values[node[VALUE]];
  const copy = {};
  for (const [k, v] of Object.entries(node)) copy[k] = withValues(v, values, names);
  return copy;
}
