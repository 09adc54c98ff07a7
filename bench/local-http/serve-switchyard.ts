/**
 * Runs Switchyard's local app on a bench assembly in its own process (so the load generator
 * does not share its event loop): `tsx serve-switchyard.ts <assembly> <httpPort>`.
 * Prints `READY <url>` and stops on SIGTERM.
 */
import { LocalApp } from '../../lib/local';

async function serve(): Promise<void> {
  const [assembly, port] = process.argv.slice(2);
  const app = await LocalApp.start(assembly, { httpPort: Number(port), awsPort: 0, schedules: false });
  process.stdout.write(`READY ${app.urls[0]}\n`);
  process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
}

void serve();
