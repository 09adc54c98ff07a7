/** `switchyard dev` run in-process by a test: what it prints so far, waiting for a line, and stopping it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';

/** A running `dev`. */
export interface DevRun {
  /** Everything printed so far (stdout and stderr). */
  text(): string;
  /** Resolves once the printed text matches. */
  waitFor(re: RegExp): Promise<void>;
  /** Stops dev as Ctrl-C would; resolves with its exit code. */
  stop(): Promise<number>;
}

/** Starts `switchyard <argv>` in a fresh temp folder (`prefix` names it). */
export function runDev(argv: readonly string[], prefix: string): DevRun {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  let stop!: () => void;
  const until = new Promise<void>((r) => (stop = r));
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // A test binds no fixed port: the console, like the others, on a free one unless the test says.
  const args = argv[0] === 'dev' && !argv.some((a) => a === '--console-port' || a === '--no-console') ? [...argv, '--console-port', '0'] : [...argv];
  const running = main(args, { out, err: out, cwd, until });
  return {
    text: () => text,
    waitFor: async (re) => {
      while (!re.test(text)) await new Promise((r) => setTimeout(r, 20));
    },
    stop: () => (stop(), running),
  };
}
