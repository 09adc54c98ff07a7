/**
 * Shared by the event source mapping tests: the fixture's queues by construct id, and the Sink
 * queue its handlers report to, read with the real SQS client.
 */
import { ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { LocalApp } from '../../lib/local';
import { clientConfig } from './helpers';

/** A queue of the fixture by its construct id (`Jobs`, not `JobsDlq`). */
export function queueOf(app: LocalApp, id: string) {
  const q = app.queues.list().find((x) => x.model.logicalId.replace(/[0-9A-F]{8}$/, '') === id);
  if (!q) throw new Error(`no queue ${id}`);
  return q;
}

/** What the fixture's handlers reported, read from the Sink queue as it arrives. */
export class Sink {
  readonly reported: any[] = [];
  readonly sqs: SQSClient;

  constructor(private readonly app: LocalApp) {
    this.sqs = new SQSClient(clientConfig(app));
  }

  /** What one handler reported (`jobs`, `jobs-failed`, `steps`, `stream`). */
  of(source: string): any[] {
    return this.reported.filter((s) => s.source === source);
  }

  /** Reads the Sink until `done` holds for what was reported (bounded: 40 s). */
  async until(done: (all: any[]) => boolean): Promise<any[]> {
    const deadline = Date.now() + 40_000;
    while (!done(this.reported)) {
      if (Date.now() > deadline) throw new Error(`the sink never satisfied the condition; got ${JSON.stringify(this.reported.map((s) => `${s.source}:${s.id ?? s.n ?? s.record?.dynamodb?.Keys?.pk?.S}`))}`);
      for (const m of await this.receive('Sink')) {
        this.reported.push(JSON.parse(m.Body!));
        this.app.queues.delete(queueOf(this.app, 'Sink').url, m.ReceiptHandle!);
      }
    }
    return this.reported;
  }

  /** Receives until `expected` messages came from a queue (bounded: 40 s), with their system attributes. */
  async drain(id: string, expected: number): Promise<Message[]> {
    const out: Message[] = [];
    const deadline = Date.now() + 40_000;
    while (out.length < expected && Date.now() < deadline) out.push(...(await this.receive(id)));
    return out;
  }

  destroy(): void {
    this.sqs.destroy();
  }

  private async receive(id: string): Promise<Message[]> {
    const got = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueOf(this.app, id).url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
    return got.Messages ?? [];
  }
}
