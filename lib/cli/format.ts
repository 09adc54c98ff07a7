/**
 * What `switchyard dev` prints: the summary table of the app and the live log lines.
 */
import type { FunctionLogRecord, GlobalEndpointState, HttpRequestRecord, InvokeResult, LocalApp, ScheduledRule } from '../local';
import { GENERATED_SECRETS_FILE } from '../local/auth/secret-store';
import type { CustomResourceResult } from '../local/custom-resources';
import type { MappingSummary } from '../local/event-sources';
import type { DeliveryRecord } from '../local/events/ledger';
import { shownName } from '../local/schedule/scheduler';
import type { AppModel, OutputModel, RuleModel } from '../model';

/** Renders rows as aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** What a resource is shown as: the display name every command accepts (see model/names.ts). */
function shown(r: { readonly name: string; readonly displayName?: string }): string {
  return r.displayName ?? r.name;
}

/** A function by the name `dev` prints, from any reference to it. */
function functionShown(app: LocalApp, ref: string): string {
  const fn = app.host.find(ref);
  return fn ? shown(fn) : ref;
}

/** The summary printed when the app is up: each part by the names the other commands accept. */
export function summary(app: LocalApp): string {
  const out: string[] = [];
  const fnName = (ref: string) => functionShown(app, ref);
  const routes = app.apis.flatMap((a) =>
    a.api.routes.map((r) => {
      const [method, path] = r.routeKey === '$default' ? ['ANY', '/*'] : r.routeKey.split(' ');
      return [method, `${a.url}${path}`, fnName(r.functionLogicalId)];
    }),
  );
  routes.push(...restRoutes(app));
  if (routes.length) out.push('Routes', table([['METHOD', 'URL', 'FUNCTION'], ...routes]), '');
  const urls = app.functionUrls.map((u) => [u.localUrl, `${fnName(u.url.functionLogicalId)}${u.url.qualifier ? `:${u.url.qualifier}` : ''}`, u.url.authType, u.url.invokeMode]);
  if (urls.length) out.push('Function URLs', table([['URL', 'FUNCTION', 'AUTH', 'MODE'], ...urls]), '');
  const keys = app.apiKeys();
  if (keys.length) out.push('API keys (x-api-key)', table([['KEY', 'VALUE', 'USAGE PLANS'], ...keys.map((k) => [apiKeyName(k.key), k.value, k.plans.join(', ')])]), '');
  out.push('Functions', table(functionRows(app)), '', concurrencyLine(app), ...app.host.runtimeNotices.map((n) => `runtime ${n}`), '');
  const busName = (name: string) => shown(app.router.bus(name) ?? { name });
  const targets = (rule: RuleModel) => rule.targets.map((t) => targetName(app, t.arn)).join(', ');
  const rules = app.model.rules.filter((r) => r.eventPattern);
  if (rules.length) {
    out.push('Rules', table([['RULE', 'BUS', 'PATTERN', 'TARGETS'], ...rules.map((r) => [shown(r), busName(r.eventBusArn ?? r.eventBusName), JSON.stringify(r.eventPattern), targets(r)])]), '');
  }
  const endpoints = app.endpoints.list();
  if (endpoints.length) out.push('Global endpoints (switchyard failover <endpoint> [--to primary] moves one)', table([['ENDPOINT', 'ENDPOINT ID', 'SENDS TO', 'REPLICATES TO'], ...endpoints.map(endpointRow)]), '');
  const schedules = scheduleRows(app, targets);
  if (schedules.length) out.push('Schedules', table([['SCHEDULE', 'EXPRESSION', 'TIME ZONE', 'NEXT', 'TARGETS'], ...schedules]), '');
  if (app.model.queues.length) out.push('Queues', table([['NAME', 'URL'], ...app.queues.list().map((q) => [shown(q.model), q.url])]), '');
  const declared = app.secrets.declaredSources();
  if (declared.length) {
    const from = (source: string) => (source === 'generated' ? `generated (${GENERATED_SECRETS_FILE})` : source);
    out.push('Parameters and secrets (from the templates; values from the first of .switchyard/secrets.json, dev-secrets.json, the template)');
    out.push(table([['NAME', 'KIND', 'VALUE FROM'], ...declared.map((d) => [d.name, d.kind, from(d.source)])]), '');
  }
  const mappings = app.mappings.list();
  if (mappings.length) out.push('Event source mappings', mappingsTable(mappings), '');
  const created = app.customResources.list();
  if (created.length) {
    out.push('Custom resources (created at start-up, as a deployment creates them)', table([['NAME', 'TYPE', 'RESULT'], ...created.map((c) => [c.resource.displayName, c.resource.type, customResourceResult(c)])]));
    for (const c of created.filter((x) => x.logs?.length)) out.push(`${c.resource.displayName}'s provider logged:`, ...c.logs!.map((l) => `  ${l}`));
    out.push('');
  }
  const outputs = app.describe().outputs;
  if (outputs.length) out.push('Outputs', formatOutputs(outputs), '');
  out.push(`AWS endpoint  ${app.awsEndpoint}  (EventBridge, EventBridge Scheduler, Lambda, SQS, DynamoDB, Secrets Manager, SSM; set AWS_ENDPOINT_URL to use it)`);
  if (app.console) out.push(`Console       ${app.console.url}  (activity, event stories, dead letters, send events; JSON API under /api/)`);
  out.push(...notServedReport(app.model, app.skipped));
  return out.join('\n');
}

/** Schedule rules (UTC), then EventBridge Scheduler schedules, as rows of the Schedules table. */
function scheduleRows(app: LocalApp, targets: (rule: RuleModel) => string): string[][] {
  const next = (error: string | undefined, at: Date | undefined, state: string) => error ?? at?.toISOString() ?? (state === 'DISABLED' ? 'disabled' : '-');
  const rules = app.scheduler.list().map((s: ScheduledRule) => [shown(s.rule), s.rule.scheduleExpression ?? '', 'UTC', next(s.error, s.nextAt, s.rule.state), targets(s.rule)]);
  const schedules = app.scheduler.schedules().map((e) => {
    const s = e.stored.schedule;
    return [shownName(s), s.expression, s.timeZone, next(e.error, e.nextAt, s.state), targetName(app, s.target.arn)];
  });
  return [...rules, ...schedules];
}

/** The mappings: source, function, batch size and window, concurrency, filters, and whether they poll. */
export function mappingsTable(mappings: readonly MappingSummary[]): string {
  const rows = mappings.map(({ mapping: m, source, functionName, concurrency, onFailure }) => [
    source,
    functionName,
    `${m.batchSize}${m.maximumBatchingWindowInSeconds ? ` / ${m.maximumBatchingWindowInSeconds}s` : ''}`,
    m.kind === 'sqs' ? `${concurrency} at once` : `${concurrency} per shard`,
    m.filters.length ? m.filters.map((f) => JSON.stringify(f)).join(' or ') : '-',
    m.enabled ? mappingBehaviour(m, onFailure) : 'disabled: not polled',
  ]);
  return table([['SOURCE', 'FUNCTION', 'BATCH / WINDOW', 'CONCURRENCY', 'FILTERS', 'ON FAILURE'], ...rows]);
}

/** What a mapping does with failures, in a few words. */
function mappingBehaviour(m: MappingSummary['mapping'], onFailure: string | undefined): string {
  const partial = m.reportBatchItemFailures ? 'partial batch responses' : 'whole batch';
  if (m.kind === 'sqs') return `${partial}; back to the queue`;
  const retries = m.maximumRetryAttempts < 0 ? 'retry until expired' : `${m.maximumRetryAttempts} retries`;
  const dest = onFailure ? `then to ${onFailure}` : 'then skipped';
  return `${partial}; ${retries}${m.bisectBatchOnFunctionError ? ', bisect' : ''}; ${dest}`;
}

/**
 * What the app holds that `dev` does not serve, so that nothing fails silently: each resource
 * by type with what that means for the rest of the app, then the parts of served resources that
 * are not served, then a count of what has nothing to run locally.
 */
export function notServedReport(model: AppModel, skipped: readonly string[]): string[] {
  const out: string[] = [];
  const unserved = model.unserved ?? [];
  if (unserved.length || skipped.length) out.push('', 'Not served here (the README lists what dev serves):');
  for (const u of unserved) {
    const what = u.type === 'AWS::Lambda::Function' ? `not run (${u.reason})` : u.consequences.length ? 'not served' : `not served (${u.reason})`;
    out.push(`${u.type} ${u.displayName}: ${[what, ...u.consequences].join('; ')}`);
  }
  for (const s of skipped) out.push(`not served: ${s}`);
  const idle = Object.entries(model.nothingToRun ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (idle.length) out.push(`Nothing to run locally: ${idle.map(([type, n]) => `${type} x${n}`).join(', ')}`);
  return out;
}

/** What creating a custom resource came to, in a few words. */
function customResourceResult(c: CustomResourceResult): string {
  if (c.status === 'SUCCESS') return `created${c.physicalResourceId ? ` (physical id ${c.physicalResourceId})` : ''}`;
  return `${c.status === 'FAILED' ? 'FAILED' : 'not created'}: ${c.reason}`;
}

/** REST methods as Routes rows (CORS preflight MOCK methods left out: they are API Gateway's, not the app's). */
function restRoutes(app: LocalApp): string[][] {
  return app.restApis.flatMap((a) =>
    a.api.methods
      .filter((m) => !(m.httpMethod === 'OPTIONS' && m.integration.type === 'MOCK'))
      .map((m) => {
        const i = m.integration;
        const target = i.type === 'AWS_PROXY' ? functionShown(app, i.functionLogicalId) : i.type === 'MOCK' ? '(mock)' : '(not served)';
        return [m.httpMethod, `${a.url}${m.resourcePath === '/' ? '/' : m.resourcePath}`, target];
      }),
  );
}

/** The functions table; without --watch nothing reloads and without --inspect nothing has a debugger port: no column claiming otherwise. */
function functionRows(app: LocalApp): string[][] {
  const watched = new Set(app.reloader?.watched.map((f) => f.name));
  const ports = new Map(app.host.inspectors.map((p) => [p.functionName, `127.0.0.1:${p.port}`]));
  const reload = app.reloader?.watching === true;
  const debug = ports.size > 0;
  const header = ['NAME', 'RUNTIME', 'TIMEOUT', 'RESERVED', ...(reload ? ['RELOAD'] : []), ...(debug ? ['DEBUG'] : [])];
  const rows = app.model.functions.map((f) => [
    shown(f),
    f.runtime,
    `${f.timeoutSeconds}s`,
    f.reservedConcurrency === undefined ? '-' : String(f.reservedConcurrency),
    ...(reload ? [watched.has(f.name) ? 'watch' : '-'] : []),
    ...(debug ? [ports.get(shown(f)) ?? '-'] : []),
  ]);
  return [header, ...rows];
}

/** Which limit throttles (AWS's) and which queues (this machine's). */
function concurrencyLine(app: LocalApp): string {
  const { maxInstances, unreservedConcurrency } = app.host.capacity;
  const account = unreservedConcurrency === undefined ? 'no account limit (--account-concurrency)' : `the account limit (${unreservedConcurrency} unreserved)`;
  return `Throttled (429) only by RESERVED concurrency and ${account}. Local instance cap: ${maxInstances} at once across functions (--max-instances); calls over it wait.`;
}

/** Outputs as the CDK CLI prints them after a deploy: `Stack.Key = value`. */
export function formatOutputs(outputs: readonly OutputModel[]): string {
  return outputs.map((o) => `${o.stack}.${o.key} = ${o.value ?? `(not resolvable locally: ${o.unresolved})`}`).join('\n');
}

/** A target by the name `dev` prints: a function, `queue <name>`, else its ARN. */
export function targetName(app: LocalApp, arn: string): string {
  const fn = app.host.find(arn);
  if (fn) return shown(fn);
  const q = app.model.queues.find((x) => x.arn === arn);
  if (q) return `queue ${shown(q)}`;
  const bus = arn.includes(':event-bus/') ? app.router.bus(arn) : undefined;
  return bus ? `bus ${shown(bus)}` : arn;
}

function time(): string {
  return new Date().toISOString().slice(11, 23);
}

/** A finished invocation: function, request id, cold or warm, duration, error. */
export function invocationLine(app: LocalApp, r: InvokeResult): string {
  const fn = app.host.find(r.functionName);
  const name = fn ? shown(fn) : r.functionName;
  const err = r.error ? `  ERROR ${r.error.errorType}: ${r.error.errorMessage}` : '';
  return `${time()} ${name} ${r.requestId} ${r.cold ? 'cold' : 'warm'} ${r.durationMs.toFixed(1)} ms${err}`;
}

/** A line a handler logged, with the level a JSON log line gives itself. */
export function logLine(app: LocalApp, l: FunctionLogRecord): string {
  const fn = app.host.find(l.functionName);
  return `${time()} ${fn ? shown(fn) : l.functionName} ${l.requestId ?? '-'} ${levelOf(l)} ${l.text}`;
}

/**
 * A structured logger (switchyard/runtime's, Powertools') writes every level through stdout as
 * JSON with a `level` field: that field, not the stream, says whether the line is an error.
 */
function levelOf(l: FunctionLogRecord): string {
  if (!l.text.startsWith('{')) return l.level;
  try {
    const level = (JSON.parse(l.text) as { level?: unknown }).level;
    return typeof level === 'string' ? level.toUpperCase() : l.level;
  } catch {
    return l.level;
  }
}

/** An HTTP request through a gateway, with its request id (its event's and its response header's) and, when the gateway answered a failure of its own, why. */
export function requestLine(r: HttpRequestRecord): string {
  const line = `${time()} ${r.method} ${r.path} -> ${r.statusCode} ${r.routeKey ?? '(no route)'} ${r.durationMs.toFixed(1)} ms`;
  return `${line}${r.requestId ? ` request ${r.requestId}` : ''}${r.error ? `: ${r.error}` : ''}`;
}

/** A delivery that ended badly or has a retry scheduled; undefined for the uneventful changes. */
export function deliveryLine(d: DeliveryRecord, changed: readonly string[]): string | undefined {
  if (d.kind === 'sqs-batch' || d.kind === 'stream-batch' || d.kind === 'redrive') return batchLine(d, changed);
  if (d.state === 'retrying' && !changed.includes('nextAttemptAt')) return undefined;
  const err = d.lastError ? `${d.lastError.errorType}: ${d.lastError.errorMessage}` : '';
  switch (d.state) {
    case 'retrying':
      return `${time()} delivery ${d.id} event ${d.eventId} -> ${d.targetArn} attempt ${d.attempts} failed, retrying (${err})`;
    case 'dead-lettered':
      return `${time()} delivery ${d.id} event ${d.eventId} -> dead-lettered to ${d.deadLetterArn} after ${d.attempts} attempts (${err})`;
    case 'dropped':
      return `${time()} delivery ${d.id} event ${d.eventId} -> DROPPED: ${d.droppedReason}`;
    case 'undeliverable':
      return `${time()} delivery ${d.id} event ${d.eventId} -> UNDELIVERABLE: ${d.undeliverableReason}`;
    default:
      return undefined;
  }
}

/** A mapping's batch once it ended (each invocation is a line), or a message SQS redrove to its dead-letter queue. */
function batchLine(d: DeliveryRecord, changed: readonly string[]): string | undefined {
  if (!changed.includes('state') || d.state === 'pending' || d.state === 'retrying') return undefined;
  if (d.kind === 'redrive') return `${time()} message ${d.eventId} redriven: ${d.outcome}`;
  const n = d.batch?.records.length ?? 0;
  const filtered = d.batch?.filteredOut ? `, ${d.batch.filteredOut} filtered out` : '';
  const failed = d.batch?.failedItems?.length ? ` ${d.state.toUpperCase()}: ${d.batch.failedItems.length} failed (${d.batch.failedItems.slice(0, 5).join(', ')}${d.batch.failedItems.length > 5 ? ', ...' : ''})` : ' ok';
  const err = d.lastError ? ` ${d.lastError.errorType}: ${d.lastError.errorMessage}` : '';
  return `${time()} batch ${d.id} ${n} record${n === 1 ? '' : 's'}${filtered} from ${d.sourceArn?.split(':').pop()} request ${d.eventId}${failed}${err}${d.state === 'delivered' ? '' : ` -> ${d.outcome}`}`;
}

/**
 * A key by the name `dev` prints: its `Name` when the template sets one (its name in AWS too),
 * else the id it was declared with (its logical id less CDK's hash suffix).
 */
export function apiKeyName(key: { readonly name: string; readonly logicalId: string }): string {
  return key.name === key.logicalId ? key.logicalId.replace(/(?<=.)[0-9A-F]{8}$/, '') : key.name;
}

/** An endpoint's row in dev's table. */
export function endpointRow(state: GlobalEndpointState): string[] {
  return [state.endpoint.name, state.endpoint.endpointId, `${state.active} ${state.activeBusArn}`, state.replicaBusArn ?? '-'];
}
