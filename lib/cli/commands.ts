/**
 * The commands that talk to a running `switchyard dev`: invoke, put-events, trigger, ledger,
 * outputs. Each takes the names `dev` prints and resolves with the exit code: 0 done, 2 done
 * but what ran failed (a function error, a failed entry, a failed first attempt).
 */
import type { AppDescription, DeliveryRecord } from '../local';
import type { LocalEndpointClient } from './client';
import { ArgumentError, CliError } from './errors';
import { formatOutputs } from './format';

/** Where a command writes: results to `out`, notes about them to `err`. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** `switchyard invoke <function>`: the payload, or the function error and its payload. */
export async function invokeCommand(client: LocalEndpointClient, io: CommandIo, fn: string | undefined, payload: string, async: boolean): Promise<number> {
  if (!fn) throw new ArgumentError('invoke needs a function: the name dev prints, a function name, an ARN or a logical id');
  const r = await client.invoke(fn, payload, async ? 'Event' : 'RequestResponse');
  io.out(r.functionError ? `FunctionError: ${r.functionError}\n${r.payload}` : r.payload || `(status ${r.status})`);
  return r.functionError ? 2 : 0;
}

/** `switchyard put-events`: the PutEvents result; an unknown bus also lists the buses there are. */
export async function putEventsCommand(client: LocalEndpointClient, io: CommandIo, entry: { Source?: string; DetailType?: string; Detail: string; EventBusName?: string }): Promise<number> {
  if (!entry.Source || !entry.DetailType) throw new ArgumentError('put-events needs --source and --detail-type');
  const r = await client.putEvent({ ...entry, Source: entry.Source, DetailType: entry.DetailType });
  io.out(JSON.stringify(r, null, 2));
  if (r.Entries.some((e) => e.ErrorCode === 'ResourceNotFoundException')) {
    io.err(`switchyard: buses: ${names((await client.describe()).buses)}`);
  }
  return r.FailedEntryCount ? 2 : 0;
}

/**
 * `switchyard trigger <schedule>`: fires it, and unless `wait` is false waits for each target's
 * first attempt and says how it went.
 */
export async function triggerCommand(client: LocalEndpointClient, io: CommandIo, schedule: string | undefined, wait: boolean): Promise<number> {
  if (!schedule) throw new ArgumentError('trigger needs a schedule: the name dev prints under Schedules');
  const { event, deliveries } = await client.trigger(schedule, wait);
  io.out(`fired event ${event.id}`);
  if (!deliveries) return 0;
  const functions = new Map((await client.describe()).functions.map((f) => [f.arn, f.displayName]));
  for (const d of deliveries) io.out(`  ${functions.get(d.targetArn) ?? d.targetArn}: ${outcome(d)}`);
  return deliveries.every((d) => d.state === 'delivered' || d.state === 'pending') ? 0 : 2;
}

function outcome(d: DeliveryRecord): string {
  const error = d.lastError ? `${d.lastError.errorType}: ${d.lastError.errorMessage}` : '';
  switch (d.state) {
    case 'delivered':
      return 'ran without error';
    case 'retrying':
      return `failed (${error}); retrying, see 'switchyard ledger --state retrying'`;
    case 'pending':
      return "still running; see 'switchyard ledger --state pending'";
    case 'undeliverable':
      return `undeliverable: ${d.undeliverableReason}`;
    default:
      return `${d.state}${error ? ` (${error})` : ''}`;
  }
}

/** `switchyard ledger`: one page as JSON; how to get the next one goes to stderr. */
export async function ledgerCommand(client: LocalEndpointClient, io: CommandIo, query: { state?: string; limit?: string; nextToken?: string }): Promise<number> {
  const page = await client.ledger(query);
  io.out(JSON.stringify(page, null, 2));
  if (page.nextToken) {
    const again = [query.state && `--state ${query.state}`, query.limit && `--limit ${query.limit}`, `--next-token ${page.nextToken}`].filter(Boolean).join(' ');
    io.err(`switchyard: more deliveries: switchyard ledger ${again}`);
  }
  return 0;
}

/** `switchyard outputs [KEY]`: every output as `Stack.Key = value`, or one value alone (for `$(...)`). */
export async function outputsCommand(client: LocalEndpointClient, io: CommandIo, key: string | undefined): Promise<number> {
  const { outputs } = await client.describe();
  if (key === undefined) {
    io.out(formatOutputs(outputs) || '(the app has no outputs)');
    return 0;
  }
  const found = outputs.filter((o) => o.key === key || `${o.stack}.${o.key}` === key);
  if (found.length !== 1) {
    const known = outputs.map((o) => `${o.stack}.${o.key}`).join(', ') || 'none';
    throw new CliError(found.length ? 'AmbiguousOutput' : 'OutputNotFound', `${found.length ? `Several stacks have an output '${key}'` : `No output '${key}'`}. Outputs: ${known}`);
  }
  if (found[0].value === undefined) throw new CliError('OutputUnresolved', `${key} cannot be resolved locally: ${found[0].unresolved}`);
  io.out(found[0].value);
  return 0;
}

function names(resources: AppDescription['buses']): string {
  return resources.map((r) => r.displayName).join(', ') || 'none';
}

/** `switchyard failover <endpoint> [--to secondary|primary]`: where the endpoint's events go now. */
export async function failoverCommand(client: LocalEndpointClient, io: CommandIo, endpoint: string | undefined, to: string): Promise<number> {
  if (!endpoint) throw new ArgumentError('failover needs a global endpoint: its name, EndpointId or ARN (dev lists them under Global endpoints)');
  if (to !== 'secondary' && to !== 'primary') throw new ArgumentError(`--to must be secondary or primary, got '${to}'`);
  const r = await client.failover(endpoint, to);
  io.out(`${r.name} (${r.endpointId}) sends to its ${r.active} region's bus ${r.activeBusArn}${r.replicaBusArn ? `, replicating to ${r.replicaBusArn}` : ''}`);
  return 0;
}
