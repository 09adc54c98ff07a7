/**
 * The `switchyard` command: parses arguments, runs one command, and turns every expected
 * failure into one line `switchyard: [Code] message` (exit 1); anything else is a bug and
 * propagates with its stack.
 */
import { parseArgs } from 'node:util';
import { runCost, runDiagram } from '../ops';
import { listApiKeys } from './api-keys';
import { LocalEndpointClient } from './client';
import { failoverCommand, invokeCommand, ledgerCommand, outputsCommand, putEventsCommand, triggerCommand, type CommandIo } from './commands';
import { dev, stopSignal } from './dev';
import { ArgumentError, asCliError, errorLine } from './errors';
import { countOf, iamModeOf, inspectPortOf, nodeBinariesOf, portOf, secondsOf, timeScaleOf } from './options';
import { synthesizeApp } from './synth';
import { devToken } from './token';
import { unmatchedCommand, whyCommand } from './why';

/** What `switchyard --help` prints. */
export const USAGE = `Usage: switchyard <command> [options]

Commands:
  dev         Run the synthesized app on this machine; prints its routes, functions, rules,
              schedules, queues and outputs by the names every other command accepts
                --assembly DIR      an existing cloud assembly (default: synthesize through cdk.json); repeat it to run
                                    several apps together (their stacks need distinct ids; README: Several apps under dev)
                --http-port N       first HTTP API port (default 3000, or SWITCHYARD_HTTP_PORT; further APIs on the next ports)
                --aws-port N        AWS-compatible endpoint port (default 4010, or SWITCHYARD_AWS_PORT)
                --no-watch          do not rebundle handlers when their source changes
                --bundle-as-deployed  rebundle a handler with its packages inside, as deployed (default: the ES module
                                    packages its files import are bundled apart once; README: Hot reload)
                --console-port N    the local console (browser UI and JSON API) port (default 4020, or SWITCHYARD_CONSOLE_PORT)
                --no-console        serve no console
                --region R          (default us-east-1)
                --time-scale X      multiply retry delays and event ages, e.g. 0.01 (default 1)
                --max-instances N   function instances alive at once; calls over it wait (default: from cores, functions and memory)
                --account-concurrency N  throttle (429) functions without reserved concurrency over this account limit (default: none)
                --node RUNTIME=PATH run a runtime's functions on that node binary, e.g. --node nodejs22.x=/opt/node22/bin/node (repeatable)
                --python PATH       run every Python function on this interpreter (default: python3.X on PATH for a python3.X function, else python3)
                --fresh             start with empty state: forget the deliveries, queue messages and table items kept in .switchyard/state
                --max-backlog N     deliveries pending or retrying past which PutEvents is throttled (ThrottlingException; default 10000)
                --inspect[=PORT]    let a debugger attach: a port per function on 127.0.0.1 from PORT (default 9229), one instance
                                    each, debug builds with source maps, timeouts stand still while paused (README: Debugging handlers)
                --iam MODE          check functions' calls to the AWS endpoint against their roles: warn (default: log each gap
                                    once with its CDK fix), enforce (AccessDeniedException as in AWS) or off
  invoke FN   Invoke a function of a running 'dev'   --payload JSON  --event (async)
  put-events  Publish one event                      --source S --detail-type T --detail JSON --bus NAME
  trigger S   Fire a schedule now and wait for its targets' first attempt   --no-wait
  ledger      List async deliveries and event source batches, a page at a time
                --state pending|retrying|delivered|dead-lettered|dropped  --limit N (default 100)  --next-token T
                --unmatched         the events that matched no rule instead (kept across restarts)
  why EVENT   For every rule of the event's bus: matches, or the first field that failed, why, and near misses
                EVENT: a JSON file, inline JSON (an event or a PutEvents entry), or an event id from the ledger
                --bus NAME          the bus whose rules to ask (default: the event's, else the app's only bus with rules)
  failover E  Route a global endpoint's PutEvents to its secondary region's bus, as a failed health check does
                --to secondary|primary  (default secondary; primary: the region recovered)
  outputs [K] The stacks' outputs with their local values; with a key, that value alone
  cost        Estimate the monthly AWS cost          --usage FILE  --region R  --assembly DIR  --json
  diagram     Mermaid flowchart of the app           --out FILE (.md gets a fenced block)  --assembly DIR
  token       A JWT 'dev' accepts for the app's JWT routes and Cognito authorizers (never AWS): signed by .switchyard/dev-issuer.json
                --sub S  --scope SCOPE (repeatable)  --issuer URL --audience A (default: the app's)  --expires-in SECONDS
  api-keys    The REST APIs' API keys with the values 'dev' accepts in x-api-key   --assembly DIR

Names: FN, S and --bus take what 'dev' prints, or a physical name, an ARN or a logical id.
Common: --aws-port N (where 'dev' listens: default 4010, or SWITCHYARD_AWS_PORT), --help`;

/** Streams the CLI writes to (injectable for tests). */
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly cwd: string;
  /** Environment variables the CLI reads (`SWITCHYARD_HTTP_PORT`, `SWITCHYARD_AWS_PORT`). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves to stop `dev`. @default SIGINT or SIGTERM */
  readonly until?: Promise<unknown>;
}

const OPTIONS = {
  assembly: { type: 'string', multiple: true },
  to: { type: 'string' },
  'http-port': { type: 'string' },
  'aws-port': { type: 'string' },
  watch: { type: 'boolean', default: true },
  'no-watch': { type: 'boolean', default: false },
  'bundle-as-deployed': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: true },
  'no-wait': { type: 'boolean', default: false },
  'console-port': { type: 'string' },
  console: { type: 'boolean', default: true },
  'no-console': { type: 'boolean', default: false },
  region: { type: 'string' },
  'time-scale': { type: 'string' },
  'max-instances': { type: 'string' },
  'account-concurrency': { type: 'string' },
  node: { type: 'string', multiple: true },
  python: { type: 'string' },
  fresh: { type: 'boolean', default: false },
  'max-backlog': { type: 'string' },
  inspect: { type: 'string' },
  iam: { type: 'string' },
  payload: { type: 'string' },
  event: { type: 'boolean', default: false },
  source: { type: 'string' },
  'detail-type': { type: 'string' },
  detail: { type: 'string', default: '{}' },
  bus: { type: 'string' },
  state: { type: 'string' },
  limit: { type: 'string' },
  'next-token': { type: 'string' },
  unmatched: { type: 'boolean', default: false },
  usage: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  sub: { type: 'string' },
  scope: { type: 'string', multiple: true },
  issuer: { type: 'string' },
  audience: { type: 'string' },
  'expires-in': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Args = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = { out: process.stdout, err: process.stderr, cwd: process.cwd() }): Promise<number> {
  // `switchyard --help` and `switchyard -h` ask for the usage, not for a command named so.
  const [command, ...rest] = argv[0] === '--help' || argv[0] === '-h' ? ['help', ...argv.slice(1)] : argv;
  let args: Args;
  try {
    // `--inspect` takes an optional value, as node's does; parseArgs has no such option type.
    args = parseArgs({ args: rest.map((a) => (a === '--inspect' ? '--inspect=' : a)), allowPositionals: true, options: OPTIONS });
  } catch (err) {
    // parseArgs explains over several lines; one line here, like every other expected failure.
    io.err.write(`${errorLine(new ArgumentError(`${(err as Error).message.replace(/\s*\n\s*/g, ' ')} (switchyard --help lists the options)`))}\n`);
    return 1;
  }
  if (!command || args.values.help || command === 'help') {
    io.out.write(`${USAGE}\n`);
    return command ? 0 : 1;
  }
  const outputClosed = whenClosed(io.out);
  try {
    return await run(command, args, io, outputClosed);
  } catch (err) {
    const expected = asCliError(err);
    if (!expected) throw err;
    io.err.write(`${errorLine(expected)}\n`);
    return 1;
  }
}

async function run(command: string, args: Args, io: CliIo, outputClosed: Promise<void>): Promise<number> {
  const v = args.values;
  const env = io.env ?? process.env;
  const [positional] = args.positionals;
  const lines: CommandIo = { out: (t) => io.out.write(`${t}\n`), err: (t) => io.err.write(`${t}\n`) };
  const client = () => new LocalEndpointClient(`http://127.0.0.1:${portOf('aws-port', v['aws-port'], env)}`);
  switch (command) {
    case 'dev':
      return dev({
        projectDir: io.cwd,
        assembly: v.assembly,
        httpPort: portOf('http-port', v['http-port'], env),
        awsPort: portOf('aws-port', v['aws-port'], env),
        consolePort: v.console && !v['no-console'] ? portOf('console-port', v['console-port'], env) : undefined,
        watch: v.watch && !v['no-watch'],
        separateDependencies: !v['bundle-as-deployed'],
        region: v.region,
        timeScale: timeScaleOf(v['time-scale']),
        maxInstances: countOf('max-instances', v['max-instances'], 1),
        accountConcurrency: countOf('account-concurrency', v['account-concurrency'], 0),
        nodeBinaries: nodeBinariesOf(v.node),
        python: v.python,
        fresh: v.fresh,
        maxBacklog: countOf('max-backlog', v['max-backlog'], 1),
        inspect: inspectPortOf(v.inspect),
        iam: iamModeOf(v.iam),
        out: io.out,
        // A reader that went away (`switchyard dev | head`) stops dev as Ctrl-C would.
        until: Promise.race([io.until ?? stopSignal(), outputClosed]),
      });
    case 'invoke':
      return invokeCommand(client(), lines, positional, v.payload ?? '{}', v.event);
    case 'put-events':
      return putEventsCommand(client(), lines, { Source: v.source, DetailType: v['detail-type'], Detail: v.detail, EventBusName: v.bus });
    case 'trigger':
      return triggerCommand(client(), lines, positional, v.wait && !v['no-wait']);
    case 'ledger':
      if (v.unmatched) return unmatchedCommand(client(), lines);
      return ledgerCommand(client(), lines, { state: v.state, limit: v.limit, nextToken: v['next-token'] });
    case 'outputs':
      return outputsCommand(client(), lines, positional);
    case 'failover':
      return failoverCommand(client(), lines, positional, v.to ?? 'secondary');
    case 'why':
      return whyCommand(client(), lines, { event: positional, bus: v.bus, cwd: io.cwd });
    case 'cost':
    case 'diagram': {
      // Synthesized the same way `dev` does unless an assembly is given.
      const assembly = oneAssembly(command, v.assembly) ?? (await synthesizeApp({ projectDir: io.cwd, region: v.region, output: io.err }));
      return command === 'cost'
        ? runCost({ assembly, projectDir: io.cwd, usageFile: v.usage, region: v.region, json: v.json, out: io.out })
        : runDiagram({ assembly, projectDir: io.cwd, outFile: v.out, out: io.out });
    }
    case 'token': {
      if (!v.sub) throw new ArgumentError('token needs --sub (the subject, e.g. --sub alice)');
      const scopes = (v.scope ?? []).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
      const expiresInSeconds = secondsOf('expires-in', v['expires-in']);
      lines.out(await devToken({ projectDir: io.cwd, subject: v.sub, scopes, issuer: v.issuer, audience: v.audience, expiresInSeconds, assembly: oneAssembly(command, v.assembly) }));
      return 0;
    }
    case 'api-keys':
      lines.out(listApiKeys(io.cwd, oneAssembly(command, v.assembly)));
      return 0;
    default:
      throw new ArgumentError(`unknown command '${command}'. Commands: dev, invoke, put-events, trigger, ledger, why, outputs, failover, cost, diagram, token, api-keys (switchyard --help)`);
  }
}

/** The one `--assembly` of a command that reads one app; only `dev` runs several together. */
function oneAssembly(command: string, given: readonly string[] | undefined): string | undefined {
  if (given !== undefined && given.length > 1) throw new ArgumentError(`${command} reads one assembly; --assembly was given ${given.length} times (only dev runs several together)`);
  return given?.[0];
}

/**
 * Resolves when the reader of `out` goes away (EPIPE: `switchyard ledger | head`). The write
 * errors that follow are expected, not failures of the command: they are swallowed so the
 * command ends quietly instead of dying with a stack.
 */
function whenClosed(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') resolve();
      else throw err;
    });
  });
}
