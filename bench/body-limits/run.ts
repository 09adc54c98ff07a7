/**
 * Memory under oversized uploads: how much a server's resident memory grows when a client sends
 * a 300 MB chunked body to the HTTP API and a 500 MB body (declared length) to the AWS
 * endpoint. Switchyard's local app against a peer that reads bodies whole before checking them
 * (what Node servers without a streaming limit do, and what Switchyard did before), in the same
 * run. Each server runs in its own process; growth is its peak RSS over its RSS before.
 *
 *   npx tsx bench/body-limits/run.ts [--http-mb 300] [--aws-mb 500]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { upload } from '../../test/local/upload';
import { writeAssembly } from '../local-http/assembly';

const HERE = __dirname;
const ROOT = path.resolve(HERE, '..', '..');
const MB = 1024 * 1024;

interface Phase {
  readonly name: string;
  readonly status: number;
  readonly sentMb: number;
  readonly ms: number;
  readonly growthMb: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'http-mb': { type: 'string', default: '300' }, 'aws-mb': { type: 'string', default: '500' } } });
  const httpBytes = Number(values['http-mb']) * MB;
  const awsBytes = Number(values['aws-mb']) * MB;
  const assembly = writeAssembly(path.join(ROOT, 'bench', '.out', 'body-limits'), {
    handlerDir: path.join(ROOT, 'bench', 'local-http', 'handler'),
    functions: [{ id: 'Hello', handler: 'handler.hello' }],
    routes: { 'POST /upload': 'Hello' },
  });
  const results: Record<string, Phase[]> = {};
  for (const mode of ['switchyard', 'buffering'] as const) {
    const server = new Server(mode, assembly);
    try {
      const [httpUrl, awsUrl] = await server.ready();
      const before = (await server.rss()).rss;
      const phases: Phase[] = [];
      for (const [name, url, totalBytes, declareLength, headers] of [
        [`HTTP API, ${httpBytes / MB} MB chunked`, `${httpUrl}/upload`, httpBytes, false, {}],
        [`AWS endpoint, ${awsBytes / MB} MB declared`, awsUrl, awsBytes, true, { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' }],
      ] as const) {
        const started = performance.now();
        const answer = await upload(url, { totalBytes, declareLength, headers });
        const ms = performance.now() - started;
        const { maxRss } = await server.rss();
        phases.push({ name, status: answer.status, sentMb: answer.sent / MB, ms, growthMb: (maxRss - before) / MB });
      }
      results[mode] = phases;
    } finally {
      await server.stop();
    }
  }
  report(results);
}

/** A benchmark server process (serve.ts). */
class Server {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;

  constructor(mode: string, assembly: string) {
    this.child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(HERE, 'serve.ts'), mode, assembly], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
  }

  async ready(): Promise<string[]> {
    return (await this.expect('READY')).slice(1);
  }

  async rss(): Promise<{ rss: number; maxRss: number }> {
    this.child.stdin!.write('rss\n');
    const [, rss, maxRss] = await this.expect('RSS');
    return { rss: Number(rss), maxRss: Number(maxRss) };
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }

  private async expect(word: string): Promise<string[]> {
    for (;;) {
      const next = await this.lines.next();
      if (next.done) throw new Error(`Server exited before printing ${word}`);
      const parts = next.value.trim().split(' ');
      if (parts[0] === word) return parts;
    }
  }
}

function report(results: Record<string, Phase[]>): void {
  const header = ['server', 'upload', 'status', 'sent before answer', 'answered in', 'peak RSS growth'];
  const rows = Object.entries(results).flatMap(([mode, phases]) =>
    phases.map((p) => [mode, p.name, String(p.status), `${p.sentMb.toFixed(1)} MB`, `${p.ms.toFixed(0)} ms`, `+${p.growthMb.toFixed(1)} MB`]),
  );
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  const ours = results.switchyard;
  const peer = results.buffering;
  ours.forEach((p, i) => console.log(`${p.name}: peak RSS growth buffering / switchyard = ${(peer[i].growthMb / Math.max(p.growthMb, 0.1)).toFixed(0)}x`));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
