/**
 * `startLocalApp`: run a stack or a synthesized assembly in-process from a jest test, with
 * real HTTP URLs and an AWS endpoint for the real SDK clients.
 */
import type { Stack } from 'aws-cdk-lib';
import { Stage } from 'aws-cdk-lib';
import type * as Local from '../local';
import type { LocalApp, LocalAppOptions } from '../local';

/** What to run: a stack (synthesized here) or an assembly directory. */
export type LocalAppSource = { readonly stack: Stack } | { readonly assembly: string };

/** A running app, for tests. */
export interface RunningLocalApp {
  /** Base URL of each HTTP API, in template order. */
  readonly urls: readonly string[];
  /** The AWS endpoint: pass as `endpoint` to SDK clients. */
  readonly awsEndpoint: string;
  /** SDK client config for the local endpoint (endpoint, region, dummy credentials). */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** The delivery ledger (every async delivery and its state). */
  readonly ledger: LocalApp['ledger'];
  /** The underlying app, for everything else. */
  readonly app: LocalApp;
  /** Stops the app. */
  stop(): Promise<void>;
}

/**
 * Starts an app on ephemeral ports (unless ports are given). Its state (deliveries, queues,
 * tables) lives in memory and ends with it, so a test run leaves nothing in the project;
 * pass `stateDir` to keep it across a stop and a start, as `switchyard dev` does. Pass
 * `iam: 'enforce'` to have every call a function makes answered as its synthesized role allows it
 * in AWS (`AccessDeniedException` otherwise); the default `warn` lets such calls through and lists
 * them in `app.iam.gaps`.
 *
 * @example
 * const local = await startLocalApp({ stack: new ShopStack(new App(), 'Shop') });
 * const res = await fetch(`${local.urls[0]}/orders`, { method: 'POST', body: '{}' });
 * const eb = new EventBridgeClient(local.clientConfig);
 * await local.stop();
 *
 * @example
 * const local = await startLocalApp({ stack }, { iam: 'enforce' });
 * // ...drive the app...
 * expect(local.app.iam.gaps).toEqual([]); // every call its handlers made is allowed in AWS
 */
export async function startLocalApp(source: LocalAppSource, options: LocalAppOptions = {}): Promise<RunningLocalApp> {
  const assembly = 'stack' in source ? synthesize(source.stack) : source.assembly;
  // Loaded on first use: `switchyard/testing` is also imported by snapshot-only tests, which
  // should not pay for loading the local runtime (a typed require: an ESM import() would need
  // a file extension that Jest does not map).
  const { LocalApp: Runtime } = require('../local') as typeof Local;
  const app = await Runtime.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, ...options });
  return {
    urls: app.urls,
    awsEndpoint: app.awsEndpoint,
    clientConfig: { endpoint: app.awsEndpoint, region: app.model.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    ledger: app.ledger,
    app,
    stop: () => app.stop(),
  };
}

/** Synthesizes the stack's stage (its App, or the Stage it is in) and returns the assembly folder. */
function synthesize(stack: Stack): string {
  // A stack always has a stage: CDK gives a stack created without a scope an App of its own.
  const stage = Stage.of(stack) ?? (stack.node.root as Stage);
  return stage.synth().directory;
}
