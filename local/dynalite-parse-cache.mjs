// dynalite parses every request's condition and update expressions with a PEG parser, which was
// most of the local DynamoDB's time under the consultation fan-out (100 claims in a transaction,
// the same expressions with other values). This keeps each parsed expression, keyed by its text,
// its attribute names and the *types* of its values, and hands out a copy with the request's own
// values put in. Expressions whose parse reads a value's content (BETWEEN compares its bounds,
// attribute_type reads the type name) are parsed every time. Plain JavaScript, loaded by
// dynamodb-worker.mjs before dynalite serves its first request.

const VALUE = Symbol('expression attribute value');
const LIMIT = 500;

/** Wraps the `parse` of dynalite's condition and update parsers with the cache. */
export function cacheDynaliteParsers(require) {
  for (const name of ['conditionParser', 'updateParser']) {
    const parser = require(`dynalite/db/${name}`);
    parser.parse = cached(parser.parse);
  }
}

function cached(parse) {
  const entries = new Map();
  return (text, options) => {
    const context = options?.context;
    if (!context || /between|attribute_type/i.test(text)) return parse(text, options);
    const names = context.attrNames ?? {};
    const values = context.attrVals ?? {};
    const key = JSON.stringify([
      text,
      Boolean(context.isKeyCondition),
      names,
      Object.entries(values).map(([k, v]) => [k, Object.keys(v ?? {})]),
    ]);
    let entry = entries.get(key);
    if (!entry) {
      // Parsed once with stand-ins of the values (each the same type, marked with its placeholder).
      const standIns = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, Object.assign({ ...v }, { [VALUE]: k })]),
      );
      const probe = {
        ...context,
        attrVals: standIns,
        unusedAttrNames: { ...context.unusedAttrNames },
        unusedAttrVals: { ...context.unusedAttrVals },
      };
      const tree = parse(text, { ...options, context: probe });
      // A syntax or validation error (thrown or returned as text) is not kept: it is parsed again.
      if (typeof tree === 'string') return tree;
      entry = {
        tree,
        usedNames: Object.keys(context.unusedAttrNames ?? {}).filter((k) => !(k in probe.unusedAttrNames)),
        usedValues: Object.keys(context.unusedAttrVals ?? {}).filter((k) => !(k in probe.unusedAttrVals)),
      };
      if (entries.size >= LIMIT) entries.delete(entries.keys().next().value);
      entries.set(key, entry);
    }
    for (const k of entry.usedNames) delete context.unusedAttrNames[k];
    for (const k of entry.usedValues) delete context.unusedAttrVals[k];
    return withValues(entry.tree, values);
  };
}

/** A deep copy of the tree with each stand-in replaced by the request's value (the apply step mutates trees). */
function withValues(node, values) {
  if (Array.isArray(node)) return node.map((n) => withValues(n, values));
  if (node === null || typeof node !== 'object') return node;
  if (VALUE in node) return values[node[VALUE]];
  const copy = {};
  for (const [k, v] of Object.entries(node)) copy[k] = withValues(v, values);
  return copy;
}
