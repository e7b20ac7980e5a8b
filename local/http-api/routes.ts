// Which route of the HTTP API a request is for, as API Gateway picks it: the most specific route,
// segment by segment (a literal beats a path variable, a path variable beats a greedy one).
import { type RouteSpec, routeKey } from '../../functions/routes.js';
import { decodeSafely } from './event.js';

type Segment = { kind: 'literal'; value: string } | { kind: 'variable'; name: string; greedy: boolean };

export interface CompiledRoute {
  spec: RouteSpec;
  key: string;
  segments: Segment[];
}

export interface RouteMatch {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

export function compileRoutes(specs: RouteSpec[]): CompiledRoute[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const key = routeKey(spec);
    if (seen.has(key)) throw new Error(`route ${key} is defined twice`);
    seen.add(key);
    if (!spec.path.startsWith('/')) throw new Error(`route ${key}: the path must start with /`);
    const parts = spec.path.slice(1).split('/');
    const segments = parts.map((part, index): Segment => {
      const variable = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
      if (!variable) {
        if (/[{}]/.test(part)) throw new Error(`route ${key}: "${part}" is not a valid path segment`);
        return { kind: 'literal', value: part };
      }
      const greedy = variable[2] === '+';
      if (greedy && index !== parts.length - 1) {
        throw new Error(`route ${key}: a greedy path variable must be the last segment`);
      }
      return { kind: 'variable', name: variable[1] as string, greedy };
    });
    return { spec, key, segments };
  });
}

/**
 * API Gateway picks the most specific route: segment by segment, a literal beats a path variable and
 * a path variable beats a greedy one. The method must match exactly (our routes never use ANY).
 */
export function matchRoute(routes: CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
  const parts = rawPath.slice(1).split('/');
  let best: { match: RouteMatch; rank: number[] } | undefined;
  for (const route of routes) {
    if (route.spec.method !== method) continue;
    const match = matchSegments(route, parts);
    if (!match) continue;
    if (!best || compareRanks(match.rank, best.rank) < 0) best = { match: match.match, rank: match.rank };
  }
  return best?.match;
}

function matchSegments(
  route: CompiledRoute,
  parts: string[],
): { match: RouteMatch; rank: number[] } | undefined {
  const pathParameters: Record<string, string> = {};
  const rank: number[] = [];
  for (const [index, segment] of route.segments.entries()) {
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (decodeSafely(part) !== segment.value) return undefined;
      rank.push(0);
    } else if (segment.greedy) {
      const rest = parts.slice(index).join('/');
      if (rest === '') return undefined;
      pathParameters[segment.name] = decodeSafely(rest);
      rank.push(2);
      return { match: { route, pathParameters }, rank };
    } else {
      if (part === '') return undefined;
      pathParameters[segment.name] = decodeSafely(part);
      rank.push(1);
    }
  }
  if (parts.length !== route.segments.length) return undefined;
  return { match: { route, pathParameters }, rank };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}
