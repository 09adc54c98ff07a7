/**
 * The flood benchmark's `dev`: a LocalApp in a process of its own, so that its peak RSS is
 * measured apart from the clients'. Started by flood.ts over IPC: answers `{ endpoint }` once
 * serving, `{ accounted }` when asked to account for event ids, and stops on 'stop'.
 *
 *   node --import tsx bench/local-events/serve.ts <assembly> <variant-options-json>
 */
import { LocalApp, type LocalAppOptions } from '../../lib/local';

async function main(): Promise<void> {
  const [assembly, optionsJson] = process.argv.slice(2);
  const options = JSON.parse(optionsJson) as LocalAppOptions & { maxBacklog?: number | null };
  // JSON has no Infinity: null stands for "no bound".
  if (options.maxBacklog === null) Object.assign(options, { maxBacklog: Infinity });
  const app = await LocalApp.start(assembly, { ...options, httpPort: 0, awsPort: 0, schedules: false });
  // Which events have had all their deliveries end, kept apart from the ledger (whose listing
  // forgets the oldest ended deliveries past 100,000).
  const ended = new Map<string, number>();
  app.ledger.on('change', (d, changed) => {
    if (changed.includes('state') && (d.state === 'delivered' || d.state === 'dead-lettered' || d.state === 'dropped')) ended.set(d.eventId, (ended.get(d.eventId) ?? 0) + 1);
  });
  process.on('message', async (m: { type: string; eventIds?: string[] }) => {
    if (m.type === 'account') {
      await app.ledger.whenIdle();
      const missing = m.eventIds!.filter((id) => !ended.has(id)).length;
      const deliveries = [...ended.values()].reduce((a, b) => a + b, 0);
      process.send!({ type: 'accounted', missing, deliveries, counts: app.ledger.counts() });
    } else if (m.type === 'stop') {
      await app.stop();
      process.disconnect();
    }
  });
  process.send!({ type: 'ready', endpoint: app.awsEndpoint });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
