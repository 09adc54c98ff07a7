/**
 * The console's JSON API: each route under `/api/` mapped to the code that answers it (see
 * api-types.ts for the contract). The server (server.ts) reads the request, checks its origin
 * and writes the answer; the activity stream is the server's own.
 */
import { z } from 'zod';
import type { LocalApp } from '../local-app';
import { Actions } from './act';
import type { ActivityBuffer, ActivityFilter } from './activity-buffer';
import type { ActivityPage, ActivityStatus, ActivityType, DeadLetters, TablesList } from './api-types';
import { DeadLetterQueues } from './dead-letters';
import { ApiProblem, intParam, parseBody } from './http-util';
import { DisplayNames } from './names';
import { AppOverviewBuilder } from './overview';
import { Stories } from './stories';

/** Activity entries per page unless `limit` says otherwise, and the most a page holds. */
export const ACTIVITY_PAGE = { default: 100, max: 1000 } as const;

const ACTIVITY_TYPES: readonly ActivityType[] = ['request', 'invocation', 'event', 'delivery'];
const ACTIVITY_STATUSES: readonly ActivityStatus[] = ['ok', 'error', 'unmatched'];

const SelectionSchema = z.object({ ids: z.array(z.string().min(1)).max(10_000).optional() });

/** What a route gets. */
export interface ApiRequest {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: Buffer;
}

/** One route: method, path pattern (its groups are the params) and handler. */
interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handle: (r: ApiRequest) => unknown;
}

/** The routes of the JSON API over a running app. */
export class ApiRoutes {
  private readonly routes: Route[];
  private readonly names: DisplayNames;
  private readonly overview: AppOverviewBuilder;
  private readonly stories: Stories;
  private readonly deadLetters: DeadLetterQueues;
  private readonly actions: Actions;

  constructor(private readonly app: LocalApp, private readonly buffer: ActivityBuffer) {
    this.names = new DisplayNames(app);
    this.overview = new AppOverviewBuilder(app);
    this.stories = new Stories(app, buffer);
    this.deadLetters = new DeadLetterQueues(app);
    this.actions = new Actions(app, this.stories);
    const segment = '([^/]+)';
    this.routes = [
      { method: 'GET', pattern: /^\/api\/app$/, handle: () => this.overview.build() },
      { method: 'GET', pattern: /^\/api\/activity$/, handle: (r) => this.activity(r.query) },
      { method: 'GET', pattern: new RegExp(`^/api/events/${segment}$`), handle: (r) => this.stories.event(r.params[0]) },
      { method: 'GET', pattern: new RegExp(`^/api/invocations/${segment}$`), handle: (r) => this.stories.invocation(r.params[0]) },
      { method: 'GET', pattern: /^\/api\/dead-letters$/, handle: () => this.listDeadLetters() },
      { method: 'POST', pattern: new RegExp(`^/api/dead-letters/${segment}/redrive$`), handle: (r) => this.deadLetters.redrive(this.deadLetters.queue(r.params[0]), parseBody(SelectionSchema, r.body).ids) },
      { method: 'POST', pattern: new RegExp(`^/api/dead-letters/${segment}/delete$`), handle: (r) => this.deadLetters.delete(this.deadLetters.queue(r.params[0]), parseBody(SelectionSchema, r.body).ids) },
      { method: 'POST', pattern: /^\/api\/events$/, handle: (r) => this.actions.putEvent(r.body) },
      { method: 'POST', pattern: /^\/api\/events\/preview$/, handle: (r) => this.actions.preview(r.body) },
      { method: 'POST', pattern: new RegExp(`^/api/functions/${segment}/invoke$`), handle: (r) => this.actions.invoke(r.params[0], r.body) },
      { method: 'POST', pattern: new RegExp(`^/api/schedules/${segment}/trigger$`), handle: (r) => this.actions.trigger(r.params[0], r.body) },
      { method: 'POST', pattern: /^\/api\/routes\/call$/, handle: (r) => this.actions.callRoute(r.body) },
      { method: 'GET', pattern: /^\/api\/tables$/, handle: async (): Promise<TablesList> => ({ tables: await this.overview.tables() }) },
      { method: 'GET', pattern: new RegExp(`^/api/tables/${segment}/items$`), handle: (r) => this.actions.tableItems(r.params[0], r.query) },
    ];
  }

  /**
   * The route for a request, with its decoded params; a 404 for an unknown path, a 405 for a
   * known path asked with another method.
   */
  match(method: string, path: string): { handle: Route['handle']; params: string[] } {
    let allowed: string | undefined;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed = route.method;
        continue;
      }
      return { handle: route.handle, params: m.slice(1).map(decodeParam) };
    }
    if (allowed) throw new ApiProblem(405, 'MethodNotAllowed', `${path} takes ${allowed}, not ${method}`);
    throw new ApiProblem(404, 'NotFound', `No API route ${method} ${path} (see the README's "Local console" section)`);
  }

  /** The server-side filters of `GET /api/activity` and its stream, checked. */
  filterOf(query: URLSearchParams): ActivityFilter {
    const types = listParam(query, 'type', ACTIVITY_TYPES);
    const statuses = listParam(query, 'status', ACTIVITY_STATUSES);
    const fn = query.get('function');
    let functionNames: Set<string> | undefined;
    if (fn !== null && fn !== '') {
      functionNames = this.names.functionAliases(fn);
      if (!functionNames) throw new ApiProblem(400, 'ValidationError', `function '${fn}' is not a function of the app. Functions: ${this.app.host.names.join(', ')}`);
    }
    const q = query.get('q')?.trim().toLowerCase();
    if (q !== undefined && q.length > MAX_SEARCH_CHARS) throw new ApiProblem(400, 'ValidationError', `q takes at most ${MAX_SEARCH_CHARS} characters; got ${q.length}`);
    return { types, statuses, functionNames, text: q || undefined };
  }

  private activity(query: URLSearchParams): ActivityPage {
    const filter = this.filterOf(query);
    const limit = intParam(query, 'limit', 1, ACTIVITY_PAGE.max, ACTIVITY_PAGE.default)!;
    const before = intParam(query, 'before', 1, Number.MAX_SAFE_INTEGER);
    return { ...this.buffer.page(filter, limit, before), kept: this.buffer.size };
  }

  private listDeadLetters(): DeadLetters {
    const depths = new Map(this.overview.queues().map((q) => [q.arn, q]));
    return { queues: this.deadLetters.queues().map((q) => ({ ...depths.get(q.model.arn)!, messages: this.deadLetters.messages(q) })) };
  }
}

/** The longest text `q` searches the activity for. */
const MAX_SEARCH_CHARS = 200;

/** A comma-separated list of known values, as a set; undefined when absent. */
function listParam<T extends string>(query: URLSearchParams, name: string, known: readonly T[]): Set<T> | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const values = text.split(',').map((v) => v.trim());
  const bad = values.filter((v) => !known.includes(v as T));
  if (bad.length) throw new ApiProblem(400, 'ValidationError', `${name} takes ${known.join(', ')} (comma-separated for several); got '${bad.join(', ')}'`);
  return new Set(values as T[]);
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiProblem(400, 'ValidationError', `'${raw}' is not a valid URL path segment`);
  }
}
