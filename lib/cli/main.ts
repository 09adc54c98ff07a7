/**
 * The `switchyard` command.
 *
 *   switchyard dev [--assembly DIR] [--http-port 3000] [--aws-port 4010] [--no-watch] [--max-instances N] [--account-concurrency N] [--node RUNTIME=PATH]
 *   switchyard invoke <function> [--payload JSON] [--event] [--aws-port 4010]
 *   switchyard put-events --source S --detail-type T [--detail JSON] [--bus NAME] [--aws-port 4010]
 *   switchyard trigger <schedule-rule> [--aws-port 4010]
 *   switchyard ledger [--state dead-lettered] [--aws-port 4010]
 *   switchyard cost [--usage usage.json] [--region us-east-1] [--assembly DIR] [--json]
 *   switchyard diagram [--assembly DIR] [--out FILE]
 *   switchyard token --sub alice [--scope orders:write ...] [--issuer URL] [--audience A] [--expires-in 3600]
 *   switchyard api-keys [--assembly DIR]
 */
import { parseArgs } from 'node:util';
import { EndpointError, LocalEndpointClient } from './client';
import { listApiKeys } from './api-keys';
import { dev } from './dev';
import { SynthError, synthesizeApp } from './synth';
import { TokenError, devToken } from './token';
import { PriceTableError, UsageError, runCost, runDiagram } from '../ops';
import { AssemblyError } from '../model';
import { NodeBinaryError } from '../local';

const USAGE = `Usage: switchyard <command> [options]

Commands:
  dev         Run the synthesized app on this machine
                --assembly DIR      an existing cloud assembly (default: synthesize through cdk.json)
                --http-port N       first HTTP API port (default 3000; further APIs on the next ports)
                --aws-port N        AWS-compatible endpoint port (default 4010)
                --no-watch          do not rebundle handlers when their source changes
                --region R          (default us-east-1)
                --time-scale X      multiply retry delays, e.g. 0.01 (default 1)
                --max-instances N   function instances alive at once; calls over it wait (default: from cores and memory)
                --account-concurrency N  throttle (429) functions without reserved concurrency over this account limit (default: none)
                --node RUNTIME=PATH run a runtime's functions on that node binary, e.g. --node nodejs22.x=/opt/node22/bin/node (repeatable)
  invoke FN   Invoke a function of a running 'dev'   --payload JSON  --event (async)
  put-events  Publish one event                      --source S --detail-type T --detail JSON --bus NAME
  trigger R   Fire a schedule rule now
  ledger      List async deliveries                  --state pending|retrying|delivered|dead-lettered|dropped
  cost        Estimate the monthly AWS cost          --usage FILE  --region R  --assembly DIR  --json
  diagram     Mermaid flowchart of the app           --out FILE (.md gets a fenced block)  --assembly DIR
  token       A JWT 'dev' accepts for the app's JWT routes and Cognito authorizers (never AWS): signed by .switchyard/dev-issuer.json
                --sub S  --scope SCOPE (repeatable)  --issuer URL --audience A (default: the app's)  --expires-in SECONDS
  api-keys    The REST APIs' API keys with the values 'dev' accepts in x-api-key   --assembly DIR

Common: --aws-port N (where 'dev' listens, default 4010), --help`;

/** Streams the CLI writes to (injectable for tests). */
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly cwd: string;
  /** Resolves to stop `dev`. */
  readonly until?: Promise<unknown>;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = { out: process.stdout, err: process.stderr, cwd: process.cwd() }): Promise<number> {
  // `switchyard --help` and `switchyard -h` ask for the usage, not for a command named so.
  const [command, ...rest] = argv[0] === '--help' || argv[0] === '-h' ? ['help', ...argv.slice(1)] : argv;
  const fail = (message: string) => {
    io.err.write(`switchyard: ${message}\n`);
    return 1;
  };
  let args;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        assembly: { type: 'string' },
        'http-port': { type: 'string', default: '3000' },
        'aws-port': { type: 'string', default: '4010' },
        watch: { type: 'boolean', default: true },
        'no-watch': { type: 'boolean', default: false },
        region: { type: 'string' },
        'time-scale': { type: 'string' },
        'max-instances': { type: 'string' },
        'account-concurrency': { type: 'string' },
        node: { type: 'string', multiple: true },
        payload: { type: 'string' },
        event: { type: 'boolean', default: false },
        source: { type: 'string' },
        'detail-type': { type: 'string' },
        detail: { type: 'string', default: '{}' },
        bus: { type: 'string' },
        state: { type: 'string' },
        usage: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        sub: { type: 'string' },
        scope: { type: 'string', multiple: true },
        issuer: { type: 'string' },
        audience: { type: 'string' },
        'expires-in': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  const v = args.values;
  if (!command || v.help || command === 'help') {
    io.out.write(`${USAGE}\n`);
    return command ? 0 : 1;
  }
  const port = (name: 'http-port' | 'aws-port') => {
    const n = Number(v[name]);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new EndpointError(`--${name} must be a port number, got '${v[name]}'`);
    return n;
  };
  const count = (name: 'max-instances' | 'account-concurrency', min: number) => {
    if (v[name] === undefined) return undefined;
    const n = Number(v[name]);
    if (!Number.isInteger(n) || n < min) throw new EndpointError(`--${name} must be a whole number of at least ${min}, got '${v[name]}'`);
    return n;
  };
  const print = (value: unknown) => io.out.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
  try {
    const client = () => new LocalEndpointClient(`http://127.0.0.1:${port('aws-port')}`);
    switch (command) {
      case 'dev':
        return await dev({
          projectDir: io.cwd,
          assembly: v.assembly,
          httpPort: port('http-port'),
          awsPort: port('aws-port'),
          watch: v.watch && !v['no-watch'],
          region: v.region,
          timeScale: v['time-scale'] === undefined ? undefined : Number(v['time-scale']),
          maxInstances: count('max-instances', 1),
          accountConcurrency: count('account-concurrency', 0),
          nodeBinaries: nodeBinaries(v.node),
          out: io.out,
          until: io.until,
        });
      case 'invoke': {
        const fn = args.positionals[0];
        if (!fn) return fail('invoke needs a function name, ARN or logical id');
        const r = await client().invoke(fn, v.payload ?? '{}', v.event ? 'Event' : 'RequestResponse');
        print(r.functionError ? `FunctionError: ${r.functionError}\n${r.payload}` : r.payload || `(status ${r.status})`);
        return r.functionError ? 2 : 0;
      }
      case 'put-events': {
        if (!v.source || !v['detail-type']) return fail('put-events needs --source and --detail-type');
        const r = await client().putEvent({ Source: v.source, DetailType: v['detail-type'], Detail: v.detail, EventBusName: v.bus });
        print(r);
        return r.FailedEntryCount ? 2 : 0;
      }
      case 'trigger': {
        const rule = args.positionals[0];
        if (!rule) return fail('trigger needs a schedule rule name');
        print(`fired event ${(await client().trigger(rule)).event.id}`);
        return 0;
      }
      case 'ledger':
        print(await client().ledger(v.state));
        return 0;
      case 'cost':
      case 'diagram': {
        // Synthesized the same way `dev` does unless an assembly is given.
        const assembly = v.assembly ?? (await synthesizeApp({ projectDir: io.cwd, region: v.region, output: io.err }));
        return command === 'cost'
          ? runCost({ assembly, projectDir: io.cwd, usageFile: v.usage, region: v.region, json: v.json, out: io.out })
          : runDiagram({ assembly, projectDir: io.cwd, outFile: v.out, out: io.out });
      }
      case 'token': {
        if (!v.sub) return fail('token needs --sub (the subject, e.g. --sub alice)');
        const scopes = (v.scope ?? []).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
        const expiresInSeconds = v['expires-in'] === undefined ? undefined : Number(v['expires-in']);
        print(await devToken({ projectDir: io.cwd, subject: v.sub, scopes, issuer: v.issuer, audience: v.audience, expiresInSeconds, assembly: v.assembly }));
        return 0;
      }
      case 'api-keys':
        print(listApiKeys(io.cwd, v.assembly));
        return 0;
      default:
        return fail(`unknown command '${command}'\n\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof EndpointError || err instanceof SynthError || err instanceof TokenError) return fail(err.message);
    if (err instanceof UsageError || err instanceof PriceTableError || err instanceof AssemblyError || err instanceof NodeBinaryError) return fail(err.message);
    const e = err as NodeJS.ErrnoException & { port?: number };
    if (e.code === 'EADDRINUSE') return fail(`port ${e.port ?? ''} is already in use; choose others with --http-port and --aws-port`);
    throw err;
  }
}

/** `--node nodejs22.x=/path/to/node` (repeatable) -> `{ 'nodejs22.x': '/path/to/node' }`. */
function nodeBinaries(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new EndpointError(`--node must be RUNTIME=PATH (e.g. --node nodejs22.x=/opt/node22/bin/node), got '${value}'`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}
