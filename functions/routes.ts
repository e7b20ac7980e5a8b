// The one HTTP route table: API Gateway routes on AWS and the local HTTP API both come from it.
export type RouteAuth = 'jwt' | 'none';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** API Gateway route syntax: `/proposals/{id}`. */
  path: string;
  /** Name of the function in functions/registry.ts that serves it. */
  function: string;
  /** `jwt`: the API's JWT authorizer runs first (the handler still checks the role itself). */
  auth: RouteAuth;
}

export const routeTable: RouteSpec[] = [];

/** The API Gateway `routeKey` of a route, e.g. `GET /proposals/{id}`. */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
