/**
 * What a running local app serves, by the names `switchyard dev` prints: the summary the CLI
 * asks the admin API for (`switchyard outputs`, the names listed when a name matches nothing),
 * and the stacks' outputs with their local values.
 */
import type { AppModel, OutputModel } from '../model';
import type { LocalQueue } from './sqs/queue-store';

/** One resource: the name `dev` prints and the physical name it stands for. */
export interface DescribedResource {
  readonly displayName: string;
  readonly name: string;
  readonly arn: string;
}

/** What a running local app serves. */
export interface AppDescription {
  readonly functions: readonly DescribedResource[];
  readonly buses: readonly DescribedResource[];
  /** Rules with an event pattern. */
  readonly rules: readonly DescribedResource[];
  /** Rules with a schedule expression. */
  readonly schedules: readonly DescribedResource[];
  readonly queues: ReadonlyArray<DescribedResource & { readonly url: string }>;
  /** The stacks' outputs with their local values. */
  readonly outputs: readonly OutputModel[];
}

/** An API served locally (HTTP or REST): its id in the template's URLs and where it listens. */
export interface ServedApiOrigin {
  readonly api: { readonly apiId: string };
  /** A URL on the local port (its path, such as a REST stage, is ignored). */
  readonly url: string;
}

/** A function URL served locally: its URL in AWS and where it listens. */
export interface ServedUrlOrigin {
  readonly url: { readonly url: string };
  readonly localUrl: string;
}

/** Describes a running app from its model, its served HTTP and REST APIs, its queues and its function URLs. */
export function describeApp(model: AppModel, apis: readonly ServedApiOrigin[], queues: readonly LocalQueue[], urls: readonly ServedUrlOrigin[] = []): AppDescription {
  const described = (r: { name: string; arn: string; displayName?: string }): DescribedResource => ({ displayName: r.displayName ?? r.name, name: r.name, arn: r.arn });
  return {
    functions: model.functions.map(described),
    buses: model.eventBuses.map(described),
    rules: model.rules.filter((r) => r.eventPattern).map(described),
    schedules: model.rules.filter((r) => r.scheduleExpression).map(described),
    queues: queues.map((q) => ({ ...described(q.model), url: q.url })),
    outputs: localOutputs(model, apis, urls),
  };
}

/**
 * The outputs with local values: a URL that points at one of the app's APIs in AWS
 * (`https://<api-id>.execute-api.<region>.amazonaws.com/...`) or at a function URL
 * (`https://<url-id>.lambda-url.<region>.on.aws/`) points at its local port instead. Other
 * values are already local (names, ARNs and queue URLs of the local resources).
 */
export function localOutputs(model: AppModel, apis: readonly ServedApiOrigin[], urls: readonly ServedUrlOrigin[] = []): OutputModel[] {
  const local = localValues(apis, urls);
  return (model.outputs ?? []).map((o) => (o.value === undefined ? o : { ...o, value: local(o.value) }));
}

/**
 * Maps a value to its local form: a URL of one of the app's APIs in AWS (in whichever region its
 * stack is) or of a function URL points at its local port; any other value is returned as is.
 */
export function localValues(apis: readonly ServedApiOrigin[], urls: readonly ServedUrlOrigin[] = []): (value: string) => string {
  const origins = [
    ...apis.map((a) => ({ remote: `https://${a.api.apiId}.execute-api.`, local: new URL(a.url).origin })),
    ...urls.map((u) => ({ remote: new URL(u.url.url).origin, local: new URL(u.localUrl).origin })),
  ];
  return (value) => {
    const served = origins.find((x) => value.startsWith(x.remote));
    return served ? served.local + pathOf(value) : value;
  };
}

/** What follows the host of a URL (`/prod/items`), whatever the domain suffix (amazonaws.com, amazonaws.com.cn). */
function pathOf(url: string): string {
  const slash = url.indexOf('/', 'https://'.length);
  return slash < 0 ? '' : url.slice(slash);
}
