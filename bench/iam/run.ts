/**
 * What checking permissions costs the local endpoint: DynamoDB `GetItem` calls per second signed
 * with a function's own key (so that the endpoint evaluates them against its role: the
 * permissions fixture's role has a dozen statements), under `--iam enforce` against the same
 * endpoint under `--iam off`, in the same run, runs alternating. Also the evaluator alone:
 * decisions per second for the same call.
 *
 *   npx tsx bench/iam/run.ts [--calls 4000] [--clients 8] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { evaluate, RequestContext } from '../../lib/iam';
import { LocalApp, functionAccessKeyId, type IamMode } from '../../lib/local';
import { FUNCTION_SECRET_ACCESS_KEY } from '../../lib/local/iam';
import { readAppModel } from '../../lib/model';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '4000' }, clients: { type: 'string', default: '8' }, runs: { type: 'string', default: '3' } } });
const CALLS = Number(values.calls);
const CLIENTS = Number(values.clients);
const RUNS = Number(values.runs);

function assembly(): string {
  const out = path.resolve(__dirname, '..', '.out', 'iam');
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('tsx/cli'), path.resolve(__dirname, '..', '..', 'test', 'local', 'fixtures', 'iam-app.ts'), out], { stdio: 'inherit' });
  return out;
}

async function callsPerSecond(dir: string, mode: IamMode): Promise<number> {
  const app = await LocalApp.start(dir, { httpPort: 0, awsPort: 0, schedules: false, iam: mode });
  try {
    const caller = app.model.functions.find((f) => f.logicalId.startsWith('Caller'))!;
    const table = app.model.tables.find((t) => t.logicalId.startsWith('Readable'))!;
    const credentials = { accessKeyId: functionAccessKeyId(caller.name), secretAccessKey: FUNCTION_SECRET_ACCESS_KEY };
    const clients = Array.from({ length: CLIENTS }, () => new DynamoDBClient({ endpoint: app.awsEndpoint, region: app.model.region, credentials }));
    const get = (c: DynamoDBClient) => c.send(new GetItemCommand({ TableName: table.name, Key: { id: { S: 'k1' } } }));
    await Promise.all(clients.map(get)); // warm the connections
    let next = 0;
    const start = process.hrtime.bigint();
    await Promise.all(clients.map(async (c) => {
      while (next++ < CALLS) await get(c);
    }));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (mode === 'enforce' && app.iam.gaps.length) throw new Error(`unexpected gaps: ${JSON.stringify(app.iam.gaps)}`);
    return CALLS / seconds;
  } finally {
    await app.stop();
  }
}

function decisionsPerSecond(dir: string): number {
  const { model } = readAppModel(dir);
  const caller = model.functions.find((f) => f.logicalId.startsWith('Caller'))!;
  const table = model.tables.find((t) => t.logicalId.startsWith('Readable'))!;
  const principal = { accountId: model.accountId, roleArn: caller.role!.arn, sessionArn: `arn:aws:sts::${model.accountId}:assumed-role/${caller.role!.name}/${caller.name}` };
  const identity = caller.role!.policies.map((p) => ({ source: p.source, document: p.document }));
  const request = { principal, action: 'dynamodb:GetItem', resource: table.arn, context: new RequestContext({ 'aws:PrincipalArn': principal.roleArn }) };
  const n = 200_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (evaluate(request, { identity }).effect !== 'allow') throw new Error('not allowed');
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main(): Promise<void> {
  const dir = assembly();
  const rows: Array<{ off: number; enforce: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    // Alternating, so that a slower moment of a shared machine falls on both.
    const off = await callsPerSecond(dir, 'off');
    const enforce = await callsPerSecond(dir, 'enforce');
    rows.push({ off, enforce });
    console.log(`run ${run + 1}: off ${off.toFixed(0)} calls/s, enforce ${enforce.toFixed(0)} calls/s, enforce/off ${(enforce / off).toFixed(2)}x`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(rows.map((r) => r.enforce / r.off));
  console.log(`\nGetItem, ${CALLS} calls on ${CLIENTS} clients: median enforce/off ratio of ${RUNS} runs ${ratio.toFixed(2)}x (off median ${median(rows.map((r) => r.off)).toFixed(0)}/s)`);
  const decisions = decisionsPerSecond(dir);
  const perCallUs = 1e6 / median(rows.map((r) => r.off));
  console.log(`evaluator alone: ${decisions.toFixed(0)} decisions/s (${(1e6 / decisions).toFixed(1)} us each, against ${perCallUs.toFixed(0)} us per call on ${CLIENTS} clients without the check)`);
}

void main();
