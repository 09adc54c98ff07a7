/**
 * The app at a glance: routes, functions with their instances now, rules with their patterns
 * and targets, schedules with their next run, queues with their depth, and the architecture
 * diagram (`switchyard diagram`'s Mermaid text, rendered on demand: see diagram.tsx).
 */
import type { Api } from '../api';
import { Diagram } from '../diagram';
import { Show, type Loaded } from '../ui';

function targets(list: readonly Api.TargetInfo[]) {
  return list.map((t) => (
    <div key={t.arn}>{t.name}{t.deadLetterQueue && <span class="muted"> (DLQ {t.deadLetterQueue})</span>}{t.notServed && <span class="warn"> not served locally: {t.notServed}</span>}</div>
  ));
}

function Routes({ routes }: { routes: readonly Api.RouteInfo[] }) {
  return (
    <table>
      <thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Authorization</th><th scope="col">Function</th><th scope="col">API</th></tr></thead>
      <tbody>{routes.map((r) => (
        <tr key={`${r.api} ${r.method} ${r.path}`}><td class="mono">{r.method}</td><td class="mono"><a href={r.url}>{r.path}</a></td><td>{r.authorization}</td><td>{r.function ?? '—'}</td><td>{r.api}</td></tr>
      ))}</tbody>
    </table>
  );
}

function Functions({ functions }: { functions: readonly Api.FunctionInfo[] }) {
  return (
    <table>
      <thead><tr><th scope="col">Function</th><th scope="col">Runtime</th><th scope="col">Memory</th><th scope="col">Timeout</th><th scope="col">Warm</th><th scope="col">Busy</th></tr></thead>
      <tbody>{functions.map((f) => (
        <tr key={f.arn}><td>{f.name}</td><td>{f.runtime}</td><td>{f.memoryMb} MB</td><td>{f.timeoutSeconds} s</td><td>{f.instances.warm}</td><td>{f.instances.busy}</td></tr>
      ))}</tbody>
    </table>
  );
}

function Rules({ rules }: { rules: readonly Api.RuleInfo[] }) {
  return (
    <table>
      <thead><tr><th scope="col">Rule</th><th scope="col">Bus</th><th scope="col">Pattern</th><th scope="col">Targets</th></tr></thead>
      <tbody>{rules.map((r) => (
        <tr key={r.arn}>
          <td>{r.name}{r.state !== 'ENABLED' && <span class="muted"> ({r.state.toLowerCase()})</span>}</td>
          <td>{r.bus}</td>
          <td><code>{JSON.stringify(r.pattern)}</code>{r.invalid && <div class="bad">{r.invalid}</div>}</td>
          <td>{targets(r.targets)}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}

function Schedules({ schedules }: { schedules: readonly Api.ScheduleInfo[] }) {
  return (
    <table>
      <thead><tr><th scope="col">Schedule</th><th scope="col">Expression</th><th scope="col">Next run</th><th scope="col">Targets</th></tr></thead>
      <tbody>{schedules.map((s) => (
        <tr key={s.name}>
          <td>{s.name}</td><td class="mono">{s.expression}{s.timeZone !== 'UTC' && ` (${s.timeZone})`}</td>
          <td>{s.nextRun ? new Date(s.nextRun).toLocaleString() : <span class="muted">{s.error ?? s.state.toLowerCase()}</span>}</td>
          <td>{targets(s.targets)}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}

function Queues({ queues }: { queues: readonly Api.QueueInfo[] }) {
  return (
    <table>
      <thead><tr><th scope="col">Queue</th><th scope="col">Visible</th><th scope="col">In flight</th><th scope="col">Delayed</th><th scope="col">Role</th></tr></thead>
      <tbody>{queues.map((q) => (
        <tr key={q.arn}><td>{q.name}</td><td>{q.depth.visible}</td><td>{q.depth.inFlight}</td><td>{q.depth.delayed}</td>
          <td>{q.deadLetterQueue ? (q.depth.visible ? <a class="bad" href="#/dead-letters">dead-letter queue</a> : 'dead-letter queue') : q.fifo ? 'FIFO' : 'standard'}</td></tr>
      ))}</tbody>
    </table>
  );
}

/** The overview page. */
export function OverviewView({ app }: { app: Loaded<Api.AppOverview> }) {
  return (
    <section aria-labelledby="app-title">
      <h2 id="app-title" tabIndex={-1}>The app</h2>
      <Show loaded={app}>{(a) => (
        <>
          <p class="muted">Region {a.region}, account {a.accountId}; AWS endpoint <code>{a.awsEndpoint}</code>.
            {' '}Deliveries: {Object.entries(a.deliveries).map(([state, n]) => `${n} ${state}`).join(', ') || 'none yet'}.</p>
          <div class="grid2">
            <div><h3>Routes</h3><Routes routes={a.routes} /></div>
            <div><h3>Schedules</h3><Schedules schedules={a.schedules} /></div>
          </div>
          <h3>Functions</h3><Functions functions={a.functions} />
          <h3>Queues</h3><Queues queues={a.queues} />
          <h3>Rules</h3><Rules rules={a.rules} />
          <h3>Diagram</h3>
          <Diagram text={a.diagram} />
        </>
      )}</Show>
    </section>
  );
}
