/**
 * HTTP API route selection as API Gateway does it: the request's method must match (or the route
 * is `ANY`); full matches beat greedy `{proxy+}` matches, literal segments beat path variables,
 * a longer greedy prefix beats a shorter one, a specific method beats `ANY`; `$default` last.
 * REST APIs select their resource and method the same way (keyed `<METHOD> <resource path>`).
 */
import type { RouteModel } from '../../model';

type Segment = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'param'; readonly name: string } | { readonly kind: 'greedy'; readonly name: string };

/** What routes are selected by: a route key, `METHOD /path` or `$default`. */
export interface Routable {
  readonly routeKey: string;
}

/** A route prepared for matching. */
export interface CompiledRoute<R extends Routable = RouteModel> {
  readonly route: R;
  readonly method: string;
  /** The route's path (`/items/{id}`), or `$default`. */
  readonly path: string;
  readonly segments: readonly Segment[];
  readonly greedy: boolean;
}

/** A selected route with the path parameters it captured. */
export interface RouteMatch<R extends Routable = RouteModel> {
  readonly route: CompiledRoute<R>;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** Compiles the routes of one API. */
export function compileRoutes<R extends Routable = RouteModel>(routes: readonly R[]): CompiledRoute<R>[] {
  return routes.map((route) => {
    if (route.routeKey === '$default') return { route, method: 'ANY', path: '$default', segments: [], greedy: true };
    const space = route.routeKey.indexOf(' ');
    const method = route.routeKey.slice(0, space).toUpperCase();
    const path = route.routeKey.slice(space + 1);
    const segments: Segment[] = path.split('/').filter(Boolean).map((s) => {
      const m = /^\{([^}]+?)(\+)?\}$/.exec(s);
      if (!m) return { kind: 'literal', value: s };
      return m[2] ? { kind: 'greedy', name: m[1] } : { kind: 'param', name: m[1] };
    });
    return { route, method, path, segments, greedy: segments.some((s) => s.kind === 'greedy') };
  });
}

/** Selects the route for a request, or undefined (API Gateway answers 404 Not Found). */
export function selectRoute<R extends Routable>(routes: readonly CompiledRoute<R>[], method: string, rawPath: string): RouteMatch<R> | undefined {
  const parts = rawPath.split('/').filter(Boolean).map(safeDecode);
  let best: RouteMatch<R> | undefined;
  for (const r of routes) {
    if (r.path === '$default') continue;
    if (r.method !== 'ANY' && r.method !== method) continue;
    const params = matchSegments(r.segments, parts);
    if (!params) continue;
    if (!best || compareRoutes(r, best.route) > 0) best = { route: r, pathParameters: params };
  }
  if (best) return best;
  const fallback = routes.find((r) => r.path === '$default');
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.kind === 'greedy') {
      // `{proxy+}` needs at least one segment.
      if (i >= parts.length) return undefined;
      params[s.name] = parts.slice(i).join('/');
      return params;
    }
    if (i >= parts.length) return undefined;
    if (s.kind === 'literal' && s.value !== parts[i]) return undefined;
    if (s.kind === 'param') params[s.name] = parts[i];
  }
  return segments.length === parts.length ? params : undefined;
}

/** Positive when `a` is the more specific route. */
function compareRoutes(a: CompiledRoute<Routable>, b: CompiledRoute<Routable>): number {
  const keys = (r: CompiledRoute<Routable>) => [r.greedy ? 0 : 1, r.segments.filter((s) => s.kind === 'literal').length, r.segments.length];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  // Same shape: the earlier literal wins (`/a/{x}` over `/{x}/b`), then a specific method over ANY.
  for (let i = 0; i < a.segments.length; i++) {
    const d = weight(a.segments[i]) - weight(b.segments[i]);
    if (d !== 0) return d;
  }
  return (a.method === 'ANY' ? 0 : 1) - (b.method === 'ANY' ? 0 : 1);
}

function weight(s: Segment | undefined): number {
  return s?.kind === 'literal' ? 2 : s?.kind === 'param' ? 1 : 0;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
