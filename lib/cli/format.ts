/**
 * What `switchyard dev` prints: the summary table of the app and the live log lines.
 */
import type { FunctionLogRecord, HttpRequestRecord, InvokeResult, LocalApp } from '../local';
import type { DeliveryRecord } from '../local/events/ledger';

/** The name a person gave a function: its logical id without CDK's hash suffix. */
export function displayName(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** Renders rows as aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** The summary printed when the app is up. */
export function summary(app: LocalApp): string {
  const out: string[] = [];
  const routes = app.apis.flatMap((a) =>
    a.api.routes.map((r) => {
      const [method, path] = r.routeKey === '$default' ? ['ANY', '/*'] : r.routeKey.split(' ');
      return [method, `${a.url}${path}`, displayName(r.functionLogicalId)];
    }),
  );
  routes.push(...restRoutes(app));
  if (routes.length) out.push('Routes', table([['METHOD', 'URL', 'FUNCTION'], ...routes]), '');
  const keys = app.apiKeys();
  if (keys.length) out.push('API keys (x-api-key)', table([['KEY', 'VALUE', 'USAGE PLANS'], ...keys.map((k) => [displayName(k.key.logicalId), k.value, k.plans.join(', ')])]), '');
  const fns = app.model.functions.map((f) => [displayName(f.logicalId), f.runtime, `${f.timeoutSeconds}s`, f.reservedConcurrency === undefined ? '-' : String(f.reservedConcurrency), f.source ? 'watch' : '-']);
  out.push('Functions', table([['NAME', 'RUNTIME', 'TIMEOUT', 'RESERVED', 'RELOAD'], ...fns]), concurrencyLine(app));
  for (const notice of app.host.runtimeNotices) out.push(`runtime ${notice}`);
  out.push('');
  const rules = app.model.rules.filter((r) => r.eventPattern);
  if (rules.length) {
    out.push('Rules', table([['RULE', 'BUS', 'PATTERN', 'TARGETS'], ...rules.map((r) => [displayName(r.logicalId), r.eventBusName, JSON.stringify(r.eventPattern), r.targets.map((t) => targetName(app, t.arn)).join(', ')])]), '');
  }
  const schedules = app.scheduler.list();
  if (schedules.length) {
    out.push(
      'Schedules',
      table([['RULE', 'EXPRESSION', 'NEXT', 'TARGETS'], ...schedules.map((s) => [displayName(s.rule.logicalId), s.rule.scheduleExpression ?? '', s.error ?? s.nextAt?.toISOString() ?? (s.rule.state === 'DISABLED' ? 'disabled' : '-'), s.rule.targets.map((t) => targetName(app, t.arn)).join(', ')])]),
      '',
    );
  }
  if (app.model.queues.length) out.push('Queues', table([['NAME', 'URL'], ...app.queues.list().map((q) => [displayName(q.model.logicalId), q.url])]), '');
  out.push(`AWS endpoint  ${app.awsEndpoint}  (EventBridge, Lambda, SQS, DynamoDB; set AWS_ENDPOINT_URL to use it)`);
  for (const s of app.skipped) out.push(`not served: ${s}`);
  return out.join('\n');
}

/** REST methods as Routes rows (CORS preflight MOCK methods left out: they are API Gateway's, not the app's). */
function restRoutes(app: LocalApp): string[][] {
  return app.restApis.flatMap((a) =>
    a.api.methods
      .filter((m) => !(m.httpMethod === 'OPTIONS' && m.integration.type === 'MOCK'))
      .map((m) => {
        const i = m.integration;
        const target = i.type === 'AWS_PROXY' ? displayName(i.functionLogicalId) : i.type === 'MOCK' ? '(mock)' : '(not served)';
        return [m.httpMethod, `${a.url}${m.resourcePath === '/' ? '/' : m.resourcePath}`, target];
      }),
  );
}

/** Which limit throttles (AWS's) and which queues (this machine's). */
function concurrencyLine(app: LocalApp): string {
  const { maxInstances, unreservedConcurrency } = app.host.capacity;
  const account = unreservedConcurrency === undefined ? 'no account limit (--account-concurrency)' : `the account limit (${unreservedConcurrency} unreserved)`;
  return `Throttled (429) only by RESERVED concurrency and ${account}. Local instance cap: ${maxInstances} at once across functions (--max-instances); calls over it wait.`;
}

function targetName(app: LocalApp, arn: string): string {
  const fn = app.host.find(arn);
  if (fn) return displayName(fn.logicalId);
  const q = app.model.queues.find((x) => x.arn === arn);
  return q ? `queue ${displayName(q.logicalId)}` : arn;
}

function time(): string {
  return new Date().toISOString().slice(11, 23);
}

/** A finished invocation: function, request id, cold or warm, duration, error. */
export function invocationLine(app: LocalApp, r: InvokeResult): string {
  const fn = app.host.find(r.functionName);
  const name = fn ? displayName(fn.logicalId) : r.functionName;
  const err = r.error ? `  ERROR ${r.error.errorType}: ${r.error.errorMessage}` : '';
  return `${time()} ${name} ${r.requestId} ${r.cold ? 'cold' : 'warm'} ${r.durationMs.toFixed(1)} ms${err}`;
}

/** A line a handler logged. */
export function logLine(app: LocalApp, l: FunctionLogRecord): string {
  const fn = app.host.find(l.functionName);
  return `${time()} ${fn ? displayName(fn.logicalId) : l.functionName} ${l.requestId ?? '-'} ${l.level} ${l.text}`;
}

/** An HTTP request through the gateway. */
export function requestLine(r: HttpRequestRecord): string {
  return `${time()} ${r.method} ${r.path} -> ${r.statusCode} ${r.routeKey ?? '(no route)'} ${r.durationMs.toFixed(1)} ms`;
}

/** A delivery that ended badly or has a retry scheduled; undefined for the uneventful changes. */
export function deliveryLine(d: DeliveryRecord, changed: readonly string[]): string | undefined {
  if (d.state === 'retrying' && !changed.includes('nextAttemptAt')) return undefined;
  const err = d.lastError ? `${d.lastError.errorType}: ${d.lastError.errorMessage}` : '';
  switch (d.state) {
    case 'retrying':
      return `${time()} delivery ${d.id} event ${d.eventId} -> ${d.targetArn} attempt ${d.attempts} failed, retrying (${err})`;
    case 'dead-lettered':
      return `${time()} delivery ${d.id} event ${d.eventId} -> dead-lettered to ${d.deadLetterArn} after ${d.attempts} attempts (${err})`;
    case 'dropped':
      return `${time()} delivery ${d.id} event ${d.eventId} -> DROPPED: ${d.droppedReason}`;
    default:
      return undefined;
  }
}
