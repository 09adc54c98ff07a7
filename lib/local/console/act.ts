/**
 * The console's actions, each through the code the CLI and the AWS endpoint run: PutEvents
 * (the router), the match preview (`switchyard why`'s handler), Lambda Invoke (the endpoint's
 * handler), a schedule trigger (the admin handler), a call to one of the app's APIs (over HTTP,
 * with a development token as `switchyard token` signs), and a read-only scan of a table.
 */
import { z } from 'zod';
import { handleAdmin, ADMIN_PREFIX } from '../aws/admin-api';
import { handleEventBridge } from '../aws/eventbridge-api';
import { handleLambdaInvoke, invokeBodyLimit, invokeTooLarge } from '../aws/lambda-api';
import type { PutEventsResultEntry } from '../events/event-router';
import { why, type WhyAnswer } from '../aws/why-api';
import type { DeliveryRecord } from '../events/ledger';
import type { RouteModel } from '../../model';
import { compileRoutes, selectRoute, type CompiledRoute } from '../http/routes';
import type { LocalApp } from '../local-app';
import type { InvokeResponseBody, PreviewResult, PutEventResult, RouteCallResult, TableItemsPage, TriggerResult } from './api-types';
import { ApiProblem, fromAws, fromAwsError, jsonOf, parseBody } from './http-util';
import { DisplayNames } from './names';
import type { Stories } from './stories';
import { scanPage } from './table-scan';

/** A PutEvents entry; `Detail` may be an object. */
const EventEntrySchema = z.object({
  Source: z.string().min(1),
  DetailType: z.string().min(1),
  Detail: z.union([z.string(), z.record(z.string(), z.unknown())]),
  EventBusName: z.string().min(1).optional(),
  Resources: z.array(z.string()).optional(),
});

const PreviewSchema = z.object({ event: z.record(z.string(), z.unknown()), bus: z.string().min(1).optional() });
const InvokeSchema = z.object({ payload: z.unknown().optional(), invocationType: z.enum(['RequestResponse', 'Event']).optional() });
const TriggerSchema = z.object({ wait: z.boolean().optional() });
const RouteCallSchema = z.object({
  method: z.string().regex(/^[A-Za-z]+$/, 'an HTTP method such as GET'),
  path: z.string().min(1),
  api: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  devToken: z.union([z.boolean(), z.object({ scopes: z.array(z.string()).optional(), sub: z.string().min(1).optional() })]).optional(),
});

/** Runs the console's actions on a running app. */
export class Actions {
  private readonly names: DisplayNames;

  constructor(private readonly app: LocalApp, private readonly stories: Stories) {
    this.names = new DisplayNames(app);
  }

  /** `POST /api/events`: one PutEvents entry, through the endpoint's PutEvents (its shapes, limits and throttling; the `default` bus when it names none). */
  async putEvent(body: Buffer): Promise<PutEventResult> {
    const entry = parseBody(EventEntrySchema, body);
    const detail = typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail);
    const r = await fromAws(() => handleEventBridge(this.app.router, 'PutEvents', { Entries: [{ ...entry, Detail: detail }] }));
    const [answer] = jsonOf<{ Entries: PutEventsResultEntry[] }>(r.text).Entries;
    if (!answer.EventId) throw new ApiProblem(400, answer.ErrorCode ?? 'InvalidArgument', answer.ErrorMessage ?? 'PutEvents refused the entry');
    return { eventId: answer.EventId, bus: this.names.bus(entry.EventBusName ?? 'default') };
  }

  /** `POST /api/events/preview`: every rule of the bus, matched or not, and why (the engine delivery uses). */
  async preview(body: Buffer): Promise<PreviewResult> {
    return this.previewOf(parseBody(PreviewSchema, body));
  }

  /** `POST /api/functions/:name/invoke`, through the endpoint's Invoke handler. */
  async invoke(name: string, body: Buffer): Promise<InvokeResponseBody> {
    const input = parseBody(InvokeSchema, body);
    const headers = { 'x-amz-invocation-type': input.invocationType ?? 'RequestResponse' };
    const payload = Buffer.from(JSON.stringify(input.payload ?? {}));
    if (payload.length > invokeBodyLimit(headers)) throw fromAwsError(invokeTooLarge(headers));
    const r = await fromAws(() => handleLambdaInvoke(this.app.host, this.app.deliverer, `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, new URLSearchParams(), headers, payload));
    return { requestId: r.headers['x-amzn-requestid'], statusCode: r.status, functionError: r.headers['x-amz-function-error'], payload: r.status === 202 ? undefined : parseJson(r.text) };
  }

  /** `POST /api/schedules/:name/trigger`, through the admin handler `switchyard trigger` uses. */
  async trigger(name: string, body: Buffer): Promise<TriggerResult> {
    const { wait } = parseBody(TriggerSchema, body);
    const query = new URLSearchParams(wait ? { wait: 'true' } : {});
    const r = await fromAws(() => handleAdmin(this.adminServices(), 'POST', `${ADMIN_PREFIX}schedules/${encodeURIComponent(name)}/trigger`, query, Buffer.alloc(0)));
    const answer = jsonOf<{ event: TriggerResult['event']; deliveries?: DeliveryRecord[] }>(r.text);
    return { event: answer.event, deliveries: answer.deliveries?.map((d) => this.stories.delivery(d, [])) };
  }

  /** `POST /api/routes/call`: the request, sent to the API over HTTP as any client would send it. */
  async callRoute(body: Buffer): Promise<RouteCallResult> {
    const input = parseBody(RouteCallSchema, body);
    const method = input.method.toUpperCase();
    const { base, routes } = this.apiFor(input.api);
    const url = /^https?:\/\//.test(input.path) ? input.path : `${base}${input.path.startsWith('/') ? '' : '/'}${input.path}`;
    if (!URL.canParse(url) || new URL(url).origin !== new URL(base).origin) throw new ApiProblem(400, 'ValidationError', `path must be a path on the API or a URL of it (${base}); got '${input.path}'`);
    const headers: Record<string, string> = { ...input.headers };
    if (input.devToken) headers.authorization = `Bearer ${await this.devToken(routes, method, new URL(url).pathname, input.devToken)}`;
    const text = input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    if (text !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = typeof input.body === 'string' ? 'text/plain' : 'application/json';
    const started = performance.now();
    const res = await send(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : text });
    const bytes = Buffer.from(await res.arrayBuffer());
    const utf8 = isText(res.headers.get('content-type'), bytes);
    return {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      body: bytes.toString(utf8 ? 'utf8' : 'base64'),
      bodyEncoding: utf8 ? 'utf8' : 'base64',
      requestId: res.headers.get('apigw-requestid') ?? res.headers.get('x-amzn-requestid') ?? undefined,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      url,
    };
  }

  /** `GET /api/tables/:name/items`: one page of a read-only scan. */
  tableItems(name: string, query: URLSearchParams): Promise<TableItemsPage> {
    const table = this.app.model.tables.find((t) => t.name === name || t.logicalId === name);
    if (!table) throw new ApiProblem(404, 'NotFound', `No table '${name}'. Tables: ${this.app.model.tables.map((t) => t.name).join(', ') || 'none'}`);
    return scanPage(this.app.tables, table.name, query);
  }

  private async previewOf(input: { event: Record<string, unknown>; bus?: string }): Promise<PreviewResult> {
    const r = await fromAws(() => why(this.app.router, this.app.ledger, Buffer.from(JSON.stringify(input))));
    const answer = jsonOf<WhyAnswer>(r.text);
    return { bus: answer.bus, event: answer.event, rules: answer.rules, note: answer.note };
  }

  private adminServices() {
    return { ledger: this.app.ledger, scheduler: this.app.scheduler, router: this.app.router };
  }

  /** The base URL and routes of an API by name (default: the first HTTP API, else the first REST API). */
  private apiFor(name: string | undefined): { base: string; routes?: CompiledRoute<RouteModel>[] } {
    const http = name === undefined ? this.app.apis[0] : this.app.apis.find((a) => a.api.name === name || a.api.apiId === name);
    if (http) return { base: http.url, routes: compileRoutes<RouteModel>(http.api.routes) };
    const rest = name === undefined ? this.app.restApis[0] : this.app.restApis.find((a) => a.api.name === name || a.api.apiId === name);
    if (rest) return { base: rest.url };
    const known = [...this.app.apis, ...this.app.restApis].map((a) => a.api.name).join(', ') || 'none';
    throw new ApiProblem(404, 'NotFound', name === undefined ? 'The app serves no HTTP or REST API' : `No API '${name}'. APIs: ${known}`);
  }

  /** A development token for the route's JWT authorizer, with the route's scopes unless others are given. */
  private async devToken(routes: CompiledRoute<RouteModel>[] | undefined, method: string, path: string, asked: true | { scopes?: string[]; sub?: string }): Promise<string> {
    const match = routes && selectRoute(routes, method, path);
    const auth = match?.route.route.auth;
    if (auth?.type !== 'JWT') throw new ApiProblem(400, 'ValidationError', `devToken: ${method} ${path} has no JWT authorizer${match ? '' : ' (no route of the API matches it)'}, so a development token would not be checked`);
    const given = asked === true ? {} : asked;
    const issuer = await this.app.auth.devIssuer();
    return issuer.sign({ subject: given.sub ?? 'local-user', issuer: auth.issuer, audience: auth.audience[0], scopes: given.scopes ?? auth.scopes });
  }
}

/** `fetch`, with what it refuses (a header value it cannot send) a 400 and an API that does not answer a 502. */
async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    if (cause) throw new ApiProblem(502, 'RouteCallFailed', `${url} did not answer: ${cause.message}`);
    throw new ApiProblem(400, 'ValidationError', `The request cannot be sent: ${(err as Error).message}`);
  }
}

/** True when a body is best shown as text: a textual content type, or valid UTF-8 without one. */
function isText(contentType: string | null, bytes: Buffer): boolean {
  if (contentType) return /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i.test(contentType);
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
