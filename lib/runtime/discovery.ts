/**
 * discoverApp(): finds another app's endpoints (bus, HTTP API, queues, events) by its name, from
 * the SSM parameters that app publishes (`discovery` on its EventApp), cached per container.
 *
 * The parameter layout is defined here, once, and the construct side imports it: what the
 * producer writes and what this helper reads cannot drift apart.
 *
 * ```
 * <namespace>/<app>/bus-name                    the bus's name
 * <namespace>/<app>/bus-arn                     the bus's ARN (publish to it with this)
 * <namespace>/<app>/api-url                     the HTTP API's URL (when the app has routes)
 * <namespace>/<app>/queues/<queue>/url          each queue's URL
 * <namespace>/<app>/queues/<queue>/arn          each queue's ARN
 * <namespace>/<app>/events/<source>/<detail>    each defined event: JSON {source, detailType, registryName?, schemaName?}
 * ```
 *
 * `<namespace>` is `/switchyard` unless the app chose another. Source and detail type are made
 * path-safe (characters SSM refuses in a name become `_`); the value carries them exactly.
 */
import type { GetParametersByPathCommand, GetParametersByPathCommandOutput } from '@aws-sdk/client-ssm';
import { once } from './once';

/** Where apps publish their endpoints unless they choose another namespace. */
export const DEFAULT_DISCOVERY_NAMESPACE = '/switchyard';

/** Environment variable naming the namespace {@link discoverApp} reads when none is given. */
export const DISCOVERY_NAMESPACE_ENV = 'SWITCHYARD_DISCOVERY_NAMESPACE';

/** The parameter names of one app's endpoints: the layout producer and consumer share. */
export const discoveryLayout = {
  /** `<namespace>/<app>`: the path every parameter of the app is under. */
  root: (namespace: string, app: string): string => `${namespace}/${app}`,
  /** The bus's name. */
  busName: (root: string): string => `${root}/bus-name`,
  /** The bus's ARN. */
  busArn: (root: string): string => `${root}/bus-arn`,
  /** The HTTP API's URL. */
  apiUrl: (root: string): string => `${root}/api-url`,
  /** A queue's URL. */
  queueUrl: (root: string, queue: string): string => `${root}/queues/${queue}/url`,
  /** A queue's ARN. */
  queueArn: (root: string, queue: string): string => `${root}/queues/${queue}/arn`,
  /** A defined event's reference. */
  event: (root: string, source: string, detailType: string): string => `${root}/events/${pathSafe(source)}/${pathSafe(detailType)}`,
} as const;

/**
 * A parameter name segment from any text: SSM names take letters, digits and `_.-` (and `/`
 * between segments), so anything else, spaces in a detail type included, becomes `_`.
 */
export function pathSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** A defined event another app publishes, as its discovery parameter describes it. */
export interface PublishedEvent {
  /** The event's `source`. */
  readonly source: string;
  /** The event's `detail-type`. */
  readonly detailType: string;
  /** The EventBridge Schema Registry holding its JSON Schema, when the app keeps one. */
  readonly registryName?: string;
  /** The schema's name in that registry (`source@DetailType`). */
  readonly schemaName?: string;
}

/** What {@link discoverApp} answers: an app's endpoints. */
export interface AppEndpoints {
  /** The app's name, as given. */
  readonly name: string;
  /** The bus's name. */
  readonly busName: string;
  /** The bus's ARN: pass the endpoints as `publish(..., { app })` to publish on this bus. */
  readonly busArn: string;
  /** The HTTP API's URL, when the app has routes. */
  readonly apiUrl?: string;
  /** Each queue's URL and ARN, by the queue's name in the app. */
  readonly queues: Readonly<Record<string, { readonly url: string; readonly arn: string }>>;
  /** The app's defined events. */
  readonly events: readonly PublishedEvent[];
}

/** Options of {@link discoverApp}. */
export interface DiscoverAppOptions {
  /**
   * The namespace the app published under.
   * @default - `SWITCHYARD_DISCOVERY_NAMESPACE` from the environment, else `/switchyard`
   */
  readonly namespace?: string;
  /**
   * How old a cached read may be to be used (a read older than this is made again).
   * @default 300
   */
  readonly ttlSeconds?: number;
  /**
   * The client to read with (e.g. one for another region).
   * @default - one `SSMClient` per container, created on first use
   */
  readonly client?: GetParametersByPathClient;
}

/** What discoverApp() needs of a client: an `SSMClient` satisfies it. */
export interface GetParametersByPathClient {
  /** Sends a GetParametersByPath command. */
  send(command: GetParametersByPathCommand): Promise<GetParametersByPathCommandOutput>;
}

/** Code of {@link DiscoveryError}. */
export const DISCOVERY_ERROR_CODE = 'SWITCHYARD_DISCOVERY';

/** An app's endpoints could not be found: not published, not readable, or incomplete. */
export class DiscoveryError extends Error {
  /** Always {@link DISCOVERY_ERROR_CODE}. */
  readonly code = DISCOVERY_ERROR_CODE;
  override readonly name = 'DiscoveryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The endpoints another app published under its name, read with one paged
 * `GetParametersByPath` (the function needs `ssm:GetParametersByPath` on that app's path:
 * `grantDiscover` of the imported app gives exactly that). Cached per container for
 * `ttlSeconds`; concurrent first reads share one request; a failed read is not cached.
 *
 * @example
 * const orders = await discoverApp('Orders');
 * await publish(OrderPlaced, detail, { app: orders });
 * await fetch(`${orders.apiUrl}orders/${id}`);
 */
export async function discoverApp(name: string, options: DiscoverAppOptions = {}): Promise<AppEndpoints> {
  const namespace = options.namespace ?? process.env[DISCOVERY_NAMESPACE_ENV] ?? DEFAULT_DISCOVERY_NAMESPACE;
  const root = discoveryLayout.root(namespace, name);
  // One cache per client: a client for another region reads another region's parameters.
  const clientKey: object = options.client ?? DEFAULT_CLIENT;
  let cache = caches.get(clientKey);
  if (!cache) caches.set(clientKey, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(root);
  // The caller's TTL decides how old a cached read it takes, so ttlSeconds: 0 always reads.
  if (hit && now - hit.readAt < (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000) return hit.value;
  const value: Promise<AppEndpoints> = readEndpoints(name, root, options.client).catch((error: unknown) => {
    if (cache.get(root)?.value === value) cache.delete(root);
    if (error instanceof DiscoveryError) throw error;
    throw new DiscoveryError(`Could not read the endpoints of app "${name}" under ${root}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  });
  cache.set(root, { value, readAt: now });
  return value;
}

/** Forgets cached endpoints (for tests, or after the other app was redeployed). */
export function clearDiscoveryCache(): void {
  caches = new WeakMap();
}

const DEFAULT_TTL_SECONDS = 300;

interface CacheEntry {
  readonly value: Promise<AppEndpoints>;
  readonly readAt: number;
}
// Per client, then by the app's path (namespace and name), whatever the TTL asked.
let caches = /* @__PURE__ */ new WeakMap<object, Map<string, CacheEntry>>();
const DEFAULT_CLIENT = {};

async function readEndpoints(name: string, root: string, given?: GetParametersByPathClient): Promise<AppEndpoints> {
  const [{ GetParametersByPathCommand }, client] = await Promise.all([loadSsm(), given ? Promise.resolve(given) : defaultSsmClient()]);
  const values = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    // 10 is GetParametersByPath's largest page; an app with many queues and events takes a few.
    const page = await client.send(new GetParametersByPathCommand({ Path: root, Recursive: true, MaxResults: 10, NextToken: nextToken }));
    for (const p of page.Parameters ?? []) if (p.Name && p.Value !== undefined) values.set(p.Name, p.Value);
    nextToken = page.NextToken;
  } while (nextToken);
  return toEndpoints(name, root, values);
}

function toEndpoints(name: string, root: string, values: ReadonlyMap<string, string>): AppEndpoints {
  const busArn = values.get(discoveryLayout.busArn(root));
  const busName = values.get(discoveryLayout.busName(root));
  if (!busArn || !busName) {
    const found = values.size === 0 ? 'no parameter there' : `only ${[...values.keys()].join(', ')}`;
    throw new DiscoveryError(`App "${name}" has not published its endpoints under ${root} (${found}): give its EventApp discovery: true, and check the name and namespace`);
  }
  const queues: Record<string, { url: string; arn: string }> = {};
  const events: PublishedEvent[] = [];
  for (const [key, value] of values) {
    const queue = /^queues\/([^/]+)\/url$/.exec(key.slice(root.length + 1));
    if (queue) queues[queue[1]!] = { url: value, arn: values.get(discoveryLayout.queueArn(root, queue[1]!)) ?? '' };
    if (key.startsWith(`${root}/events/`)) events.push(parseEvent(key, value));
  }
  return { name, busName, busArn, apiUrl: values.get(discoveryLayout.apiUrl(root)), queues, events };
}

function parseEvent(key: string, value: string): PublishedEvent {
  try {
    const parsed = JSON.parse(value) as PublishedEvent;
    if (typeof parsed.source === 'string' && typeof parsed.detailType === 'string') return parsed;
  } catch {
    // reported below
  }
  throw new DiscoveryError(`Parameter ${key} is not an event reference ({"source", "detailType"}): ${value.slice(0, 200)}`);
}

type SsmSdk = typeof import('@aws-sdk/client-ssm');
// Loaded on first discovery, not at import, like every SDK client of switchyard/runtime.
const loadSsm = /* @__PURE__ */ once((): Promise<SsmSdk> => import('@aws-sdk/client-ssm'));
// One client per container, keeping its connections warm.
const defaultSsmClient = /* @__PURE__ */ once(async (): Promise<GetParametersByPathClient> => new (await loadSsm()).SSMClient({}));
