/**
 * `GET /api/app` and `GET /api/tables`: what the app serves now, by the names `dev` prints,
 * with what changes while it runs (instances, queue depths, next schedule runs, item counts).
 */
import { mermaidDiagram } from '../../ops/diagram';
import { readOpsApp } from '../../ops/facts';
import type { RuleTargetModel } from '../../model';
import type { LocalApp } from '../local-app';
import { shownName } from '../schedule/scheduler';
import type { AppOverview, FunctionInfo, QueueInfo, RouteInfo, RuleInfo, ScheduleInfo, TableInfo, TargetInfo } from './api-types';
import { deadLetterArns } from './dead-letters';
import { DisplayNames } from './names';

/** Builds the overview of a running app; the parts that never change are computed once. */
export class AppOverviewBuilder {
  private readonly names: DisplayNames;
  private readonly dlqs: Set<string>;
  private diagram?: string;

  constructor(private readonly app: LocalApp) {
    this.names = new DisplayNames(app);
    this.dlqs = deadLetterArns(app.model);
  }

  /** The whole overview. */
  async build(): Promise<AppOverview> {
    const { app } = this;
    this.diagram ??= mermaidDiagram(readOpsApp(app.model));
    return {
      region: app.model.region,
      accountId: app.model.accountId,
      awsEndpoint: app.awsEndpoint,
      routes: this.routes(),
      functions: this.functions(),
      buses: app.model.eventBuses.map((b) => b.displayName ?? b.name),
      rules: this.rules(),
      schedules: this.schedules(),
      queues: this.queues(),
      tables: await this.tables(),
      diagram: this.diagram,
      deliveries: app.ledger.counts(),
    };
  }

  /** Every queue with its depth now. */
  queues(): QueueInfo[] {
    return this.app.queues.list().map((q) => {
      const c = this.app.queues.counts(q.model.arn);
      return { name: q.model.displayName ?? q.model.name, arn: q.model.arn, url: q.url, fifo: q.model.fifo, depth: { visible: c.visible, inFlight: c.notVisible, delayed: c.delayed }, deadLetterQueue: this.dlqs.has(q.model.arn) };
    });
  }

  /** Every table, with its item count (read from the local store). */
  async tables(): Promise<TableInfo[]> {
    const counts = await this.app.tables.itemCounts().catch(() => new Map<string, number>());
    return this.app.model.tables.map((t) => ({ name: t.name, tableName: t.name, partitionKey: t.partitionKey, sortKey: t.sortKey, itemCount: counts.get(t.name) }));
  }

  private routes(): RouteInfo[] {
    const { app } = this;
    const http = app.apis.flatMap((a) =>
      a.api.routes.map((r): RouteInfo => {
        const [method, path] = r.routeKey === '$default' ? ['ANY', '/*'] : (r.routeKey.split(' ') as [string, string]);
        return { api: a.api.name, kind: 'http', method, path, url: `${a.url}${path === '/*' ? '/' : path}`, port: a.port, authorization: r.auth?.type ?? 'NONE', function: this.names.fn(r.functionLogicalId) };
      }),
    );
    const rest = app.restApis.flatMap((a) =>
      a.api.methods
        // CORS preflight MOCK methods are API Gateway's, not the app's.
        .filter((m) => !(m.httpMethod === 'OPTIONS' && m.integration.type === 'MOCK'))
        .map((m): RouteInfo => {
          const i = m.integration;
          const authorization = m.auth?.type ?? (m.apiKeyRequired ? 'API_KEY' : 'NONE');
          return { api: a.api.name, kind: 'rest', method: m.httpMethod, path: m.resourcePath, url: `${a.url}${m.resourcePath === '/' ? '/' : m.resourcePath}`, port: a.port, authorization, function: i.type === 'AWS_PROXY' ? this.names.fn(i.functionLogicalId) : undefined };
        }),
    );
    const urls = app.functionUrls.map((u): RouteInfo => ({ api: u.url.displayName, kind: 'function-url', method: 'ANY', path: '/*', url: u.localUrl, port: u.port, authorization: u.url.authType, function: this.names.fn(u.url.functionLogicalId) }));
    return [...http, ...rest, ...urls];
  }

  private functions(): FunctionInfo[] {
    return this.app.model.functions.map((f) => {
      const n = this.app.host.instances(f.name);
      return {
        name: f.displayName ?? f.name,
        functionName: f.name,
        arn: f.arn,
        runtime: f.runtime,
        memoryMb: f.memoryMb,
        timeoutSeconds: f.timeoutSeconds,
        reservedConcurrency: f.reservedConcurrency,
        instances: { warm: n.idle, busy: n.alive - n.idle },
      };
    });
  }

  private rules(): RuleInfo[] {
    return this.app.model.rules
      .filter((r) => r.eventPattern)
      .map((r) => ({ name: r.displayName ?? r.name, arn: r.arn, bus: this.names.bus(r.eventBusName), pattern: r.eventPattern, state: r.state, targets: r.targets.map((t) => this.target(t)), invalid: this.app.router.invalidRules.get(r.arn) }));
  }

  private schedules(): ScheduleInfo[] {
    const rules = this.app.scheduler.list().map(
      (s): ScheduleInfo => ({ name: s.rule.displayName ?? s.rule.name, kind: 'rule', expression: s.rule.scheduleExpression ?? '', timeZone: 'UTC', nextRun: s.nextAt?.toISOString(), state: s.rule.state, targets: s.rule.targets.map((t) => this.target(t)), error: s.error }),
    );
    const scheduler = this.app.scheduler.schedules().map((e): ScheduleInfo => {
      const s = e.stored.schedule;
      const target = { arn: s.target.arn, name: this.names.target(s.target.arn), kind: this.names.targetKind(s.target.arn), deadLetterQueue: this.names.queue(s.target.deadLetterArn) };
      return { name: shownName(s), kind: 'scheduler', expression: s.expression, timeZone: s.timeZone, nextRun: e.nextAt?.toISOString(), state: s.state, targets: [target], error: e.error };
    });
    return [...rules, ...scheduler];
  }

  private target(t: RuleTargetModel): TargetInfo {
    return { arn: t.arn, name: this.names.target(t.arn), kind: this.names.targetKind(t.arn), notServed: t.notServed, deadLetterQueue: this.names.queue(t.deadLetterArn) };
  }
}
