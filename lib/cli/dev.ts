/**
 * `switchyard dev`: synthesize (or read) the app, run it, print the summary and live logs,
 * stop cleanly on SIGINT/SIGTERM.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApp, gapLine, type IamMode } from '../local';
import { DurationRecorder } from '../local/durations';
import { shownName } from '../local/schedule/scheduler';
import { deliveryLine, invocationLine, logLine, requestLine, summary } from './format';
import { stateDir } from './state-dir';
import { keptLine, restoredLines } from './state-lines';
import { synthesizeApp } from './synth';
import { unmatchedLine } from './why';

/** Options of `switchyard dev`. */
export interface DevOptions {
  readonly projectDir: string;
  /**
   * Existing assemblies, run together as one app (their stacks must have distinct ids); skips
   * synthesis. A string is one assembly.
   */
  readonly assembly?: string | readonly string[];
  readonly httpPort: number;
  readonly awsPort: number;
  /** The console's port (see `LocalAppOptions.consolePort`); no console when absent. */
  readonly consolePort?: number;
  readonly watch: boolean;
  /** Hot reload bundles packages apart (see `LocalAppOptions.separateDependencies`). @default true */
  readonly separateDependencies?: boolean;
  readonly region?: string;
  readonly timeScale?: number;
  /** Function instances alive at once (see `LocalAppOptions.maxInstances`). */
  readonly maxInstances?: number;
  /** The account's concurrency limit (see `LocalAppOptions.accountConcurrency`). */
  readonly accountConcurrency?: number;
  /** A node binary per runtime (see `LocalAppOptions.nodeBinaries`). */
  readonly nodeBinaries?: Readonly<Record<string, string>>;
  /** The Python interpreter for every Python function (see `LocalAppOptions.python`). */
  readonly python?: string;
  /** Start with empty state (see `LocalAppOptions.fresh`). @default false */
  readonly fresh?: boolean;
  /** Deliveries in progress past which events are throttled (see `LocalAppOptions.maxBacklog`). */
  readonly maxBacklog?: number;
  /** The first debugger port (see `LocalAppOptions.inspect`). @default no debugger ports */
  readonly inspect?: number;
  /** How functions' calls are checked against their roles (see `LocalAppOptions.iam`). @default 'warn' */
  readonly iam?: IamMode;
  readonly out: NodeJS.WritableStream;
  /** Resolves to stop the app. @default SIGINT or SIGTERM ({@link stopSignal}) */
  readonly until?: Promise<unknown>;
}

/** Runs the app until stopped; resolves with the exit code. */
export async function dev(options: DevOptions): Promise<number> {
  const print = (line: string) => options.out.write(`${line}\n`);
  const given = typeof options.assembly === 'string' ? [options.assembly] : options.assembly ?? [];
  let assembly: string | string[] | undefined = given.length ? given.map((a) => path.resolve(options.projectDir, a)) : undefined;
  const notAssembly = assembly?.find((a) => !fs.existsSync(path.join(a, 'manifest.json')));
  if (notAssembly) {
    print(`switchyard: ${notAssembly} is not a cloud assembly (no manifest.json).`);
    return 1;
  }
  // Created (git-ignored) before anything is written there: the synthesized app, durations, state.
  const localDir = stateDir(options.projectDir);
  if (!assembly) {
    print('Synthesizing through cdk.json ...');
    assembly = await synthesizeApp({ projectDir: options.projectDir, region: options.region, output: options.out });
  }
  const app = await LocalApp.start(assembly, {
    httpPort: options.httpPort,
    awsPort: options.awsPort,
    consolePort: options.consolePort,
    watch: options.watch,
    separateDependencies: options.separateDependencies,
    region: options.region,
    timeScale: options.timeScale,
    maxInstances: options.maxInstances,
    accountConcurrency: options.accountConcurrency,
    nodeBinaries: options.nodeBinaries,
    python: options.python,
    projectDir: options.projectDir,
    stateDir: path.join(localDir, 'state'),
    fresh: options.fresh,
    maxBacklog: options.maxBacklog,
    inspect: options.inspect === undefined ? undefined : { port: options.inspect },
    iam: options.iam,
  });
  print('');
  print(summary(app));
  print(permissionsLine(app.iam.mode));
  print('');
  for (const line of restoredLines(app, options.projectDir, options.fresh)) print(line);
  for (const r of app.reloader?.failedDebugBuilds ?? []) print(`debug build of ${r.entry} failed (the function runs its deployed code, without source maps, until an edit builds it): ${r.error}`);
  app.host.on('invocation', (r) => print(invocationLine(app, r)));
  app.host.on('log', (l) => print(logLine(app, l)));
  app.gateway.on('request', (r) => print(requestLine(r)));
  app.restGateway.on('request', (r) => print(requestLine(r)));
  app.functionUrlGateway.on('request', (r) => print(requestLine(r)));
  app.ledger.on('change', (d, changed) => {
    const line = deliveryLine(d, changed);
    if (line) print(line);
  });
  // An event put on a bus without rules (the default bus, for an entry without EventBusName) is told where the rules are.
  const busesWithRules = app.model.eventBuses.filter((b) => app.router.rules(b.arn).some((r) => r.eventPattern)).map((b) => b.displayName ?? b.name);
  app.ledger.events.on('unmatched', (logged) => {
    const bus = app.router.bus(logged.bus);
    print(unmatchedLine(logged, bus?.displayName ?? logged.bus, app.router.explain(logged.bus, logged.event), busesWithRules));
  });
  app.iam.on('gap', (gap) => print(gapLine(gap)));
  app.endpoints.on('failover', (s) => print(`endpoint ${s.endpoint.name} now sends to its ${s.active} region's bus ${s.activeBusArn}${s.replicaBusArn ? `, replicating to ${s.replicaBusArn}` : ''}`));
  app.scheduler.on('fire', (rule, event) => print(`schedule ${rule.displayName ?? rule.name} fired event ${event.id}`));
  app.scheduler.on('fireSchedule', (schedule, firing) => print(`schedule ${shownName(schedule)} fired execution ${firing.id} (scheduled ${firing.scheduledTime})`));
  let toldApart = false;
  app.reloader?.on('reload', (r) => {
    print(r.error ? `reload of ${r.entry} failed: ${r.error}` : `reloaded ${r.entry} in ${r.durationMs.toFixed(0)} ms`);
    // Once a session: the served bundle's shape differs from the deployed one, and how to have that one.
    if (toldApart || !r.bundledApart?.length) return;
    toldApart = true;
    print(`  hot reload bundles the ES module packages handlers import apart, built once with the same options (${r.bundledApart.join(', ')}); --bundle-as-deployed rebuilds whole bundles`);
  });
  // Measured durations feed `switchyard cost`; written now and then, and at the end.
  const durations = new DurationRecorder(app.host);
  const flush = setInterval(() => durations.write(options.projectDir), 15_000).unref();
  const watching = app.reloader?.watching ? ` Watching ${app.reloader.watched.length} function source(s).` : '';
  const debugging = app.host.inspectors.length ? ` Debuggers attach to the DEBUG ports (one instance per function; timeouts stand still while paused).` : '';
  print(`Ready. Ctrl-C to stop.${watching}${debugging}`);

  await (options.until ?? stopSignal());
  print('Stopping ...');
  clearInterval(flush);
  durations.stop();
  const written = durations.write(options.projectDir);
  await app.stop();
  // Counted once stopped: a delivery that ended while the app stopped is counted as it ended.
  const c = app.ledger.counts();
  if (app.keptAtStop) print(keptLine(app.keptAtStop, options.projectDir));
  if (written) print(`Measured durations written to ${path.relative(options.projectDir, written)} (used by 'switchyard cost').`);
  print(`Deliveries: ${c.delivered} delivered, ${c['dead-lettered']} dead-lettered, ${c.retrying + c.pending} still retrying, ${c.dropped} dropped, ${c.undeliverable} undeliverable (target not served).`);
  const batches = batchCounts(app);
  if (batches) print(batches);
  return 0;
}

/** What the event source mappings did (of the batches the ledger still lists), or nothing when the app has none. */
function batchCounts(app: LocalApp): string | undefined {
  if (!app.model.eventSourceMappings?.length) return undefined;
  const listed = app.ledger.list();
  const batches = listed.filter((d) => d.kind === 'sqs-batch' || d.kind === 'stream-batch');
  const count = (state: string) => batches.filter((d) => d.state === state).length;
  const redriven = listed.filter((d) => d.kind === 'redrive').length;
  return `Event source batches: ${count('delivered')} succeeded, ${count('failed')} failed (records returned or retried), ${count('dead-lettered')} sent to an on-failure destination, ${count('dropped')} discarded; ${redriven} message(s) redriven to dead-letter queues.`;
}

/** What `--iam` does, said once at start. */
function permissionsLine(mode: IamMode): string {
  if (mode === 'off') return 'Permissions (--iam off): not checked.';
  const outcome = mode === 'enforce' ? 'answered AccessDeniedException, as in AWS' : 'let through and logged once with its fix (--iam enforce denies it)';
  return `Permissions (--iam ${mode}): each call a function makes to the AWS endpoint is checked against its role; what AWS would deny is ${outcome}.`;
}

/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
