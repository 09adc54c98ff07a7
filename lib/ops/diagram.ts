/**
 * The architecture diagram: a Mermaid flowchart of an app's routes, functions, buses, rules,
 * schedules, queues, table streams and dead-letter queues, from its {@link OpsApp} (that is,
 * from the template).
 */
import type { OpsApp } from './facts';

/**
 * Renders `app` as a Mermaid `flowchart LR`: routes -> functions or queues; functions
 * -.publish.-> bus; bus -> rule -> function or queue; schedule -> function; queue -> consumer
 * in batches; table -> consumer through its stream; failures -.-> dead-letter queues.
 */
export function mermaidDiagram(app: OpsApp): string {
  const out = ['flowchart LR'];
  const ids = new Map<string, string>();
  const id = (kind: string, key: string) => {
    const k = `${kind}:${key}`;
    if (!ids.has(k)) ids.set(k, `${kind}${ids.size}`);
    return ids.get(k)!;
  };
  const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const fnName = new Map(app.functions.map((f) => [f.logicalId, f.name]));

  if (app.routes.length) {
    out.push('  subgraph http [HTTP API]');
    for (const r of app.routes) out.push(`    ${id('route', r.api + r.key)}[${label(r.key)}]`);
    out.push('  end');
  }
  for (const f of app.functions) {
    const pc = f.provisionedConcurrency ? `<br/>${f.provisionedConcurrency} provisioned` : '';
    out.push(`  ${id('fn', f.logicalId)}(${label(`λ ${f.name}${pc}`)})`);
  }
  const buses = new Set([...app.buses, ...app.rules.filter((r) => !r.schedule).map((r) => r.bus)]);
  for (const bus of buses) out.push(`  ${id('bus', bus)}[(${label(`${app.busLabels[bus] ?? bus} (EventBridge)`)})]`);
  for (const q of app.queues) out.push(`  ${id('queue', q.logicalId)}[[${label(q.fifo ? `${q.name} (FIFO)` : q.name)}]]`);
  const streamed = new Set(app.eventSources.filter((s) => s.kind === 'dynamodb').map((s) => s.sourceLogicalId));
  for (const t of app.tables.filter((t) => streamed.has(t.logicalId))) out.push(`  ${id('table', t.logicalId)}[(${label(`${t.name} (DynamoDB)`)})]`);

  for (const r of app.routes) {
    const target = r.queueLogicalId ? id('queue', r.queueLogicalId) : r.functionLogicalId ? id('fn', r.functionLogicalId) : undefined;
    if (target) out.push(`  ${id('route', r.api + r.key)} --> ${target}`);
  }
  for (const f of app.functions) for (const bus of f.publishesTo) out.push(`  ${id('fn', f.logicalId)} -. publishes .-> ${id('bus', bus)}`);
  const failures = new Set<string>();
  for (const rule of app.rules) {
    const node = id('rule', rule.logicalId);
    if (rule.schedule) {
      out.push(`  ${node}>${label(`⏰ ${rule.name}<br/>${rule.schedule}`)}]`);
    } else {
      out.push(`  ${node}{{${label(`${rule.name}<br/>${describePattern(rule.pattern)}`)}}}`);
      out.push(`  ${id('bus', rule.bus)} --> ${node}`);
    }
    for (const t of rule.targets) {
      if (t.functionLogicalId && fnName.has(t.functionLogicalId)) out.push(`  ${node} --> ${id('fn', t.functionLogicalId)}`);
      if (t.queueLogicalId) out.push(`  ${node} --> ${id('queue', t.queueLogicalId)}`);
      if (t.deadLetterQueue) failures.add(`  ${node} -. undeliverable .-> ${id('queue', t.deadLetterQueue)}`);
    }
  }
  for (const s of app.eventSources) {
    if (!s.sourceLogicalId || !s.functionLogicalId || !fnName.has(s.functionLogicalId)) continue;
    const from = s.kind === 'sqs' ? id('queue', s.sourceLogicalId) : id('table', s.sourceLogicalId);
    out.push(`  ${from} -- ${label(s.kind === 'sqs' ? `batches of ${s.batchSize}` : 'stream')} --> ${id('fn', s.functionLogicalId)}`);
    if (s.onFailureQueue) failures.add(`  ${id('fn', s.functionLogicalId)} -. failed batches .-> ${id('queue', s.onFailureQueue)}`);
  }
  for (const q of app.queues) if (q.deadLetterQueue) failures.add(`  ${id('queue', q.logicalId)} -. ${label(`after ${q.maxReceiveCount} receives`)} .-> ${id('queue', q.deadLetterQueue)}`);
  for (const f of app.functions) if (f.onFailureQueue) failures.add(`  ${id('fn', f.logicalId)} -. failed .-> ${id('queue', f.onFailureQueue)}`);
  out.push(...failures);
  return `${out.join('\n')}\n`;
}

/** `{ source: ['shop.orders'], 'detail-type': ['OrderPlaced'] }` -> `OrderPlaced`. */
function describePattern(pattern: Readonly<Record<string, unknown>> | undefined): string {
  if (!pattern) return 'any event';
  const detailType = pattern['detail-type'];
  const source = pattern.source;
  const first = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(' / ') : '');
  const text = first(detailType) || first(source) || 'content filter';
  return pattern.detail ? `${text} + detail filter` : text;
}
