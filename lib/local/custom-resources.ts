/**
 * Custom resources, created locally as CloudFormation creates them: once, at start-up, each
 * provider function gets a `Create` request and answers with a PUT to the request's
 * `ResponseURL`. In AWS that URL is a presigned S3 URL; here it is the local AWS endpoint, which
 * hands the answer to {@link CustomResources.receive}. (The responders CDK ships and the
 * `cfn-response` module send it with `https.request` and the URL's host and path only; the
 * instance's runtime sends those requests to the endpoint over HTTP, see host/worker.mjs.)
 *
 * This covers `AwsCustomResource` (its SDK call runs against the local endpoint), the Provider
 * framework (`framework.onEvent` invokes the user's handler through the local Lambda API) and
 * hand-written providers. Differences from CloudFormation, on purpose for a development loop:
 * the provider is invoked once, synchronously (CloudFormation's invoke is asynchronous, with
 * Lambda's retries, and waits up to an hour for an answer); a failure is reported and the app
 * keeps running (CloudFormation would roll the deployment back); `Update` and `Delete` never run.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AppModel, CustomResourceModel, OutputModel } from '../model';
import { AwsServiceError, type AwsResponse } from './aws/protocol';
import type { FunctionHost, FunctionLogRecord, InvokeResult } from './host/function-host';

/** The path of the local endpoint that takes providers' answers (worker.mjs has the same constant). */
export const CFN_RESPONSE_PATH = '/_switchyard/cloudformation-response/';

/** How many of a failed creation's log lines are kept. */
const KEPT_LOG_LINES = 20;

/** How waiting for an answer after the provider returned is bounded (one it sent without awaiting is still in flight). */
const LATE_ANSWER_MS = 2_000;

/** What creating a custom resource came to. */
export interface CustomResourceResult {
  readonly resource: CustomResourceModel;
  /** `SUCCESS` or `FAILED` as the provider answered; `NOT_CREATED` when it could not be asked. */
  readonly status: 'SUCCESS' | 'FAILED' | 'NOT_CREATED';
  readonly physicalResourceId?: string;
  /** The answer's `Data`: what `Fn::GetAtt` on the resource reads. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Why it failed or was not created. */
  readonly reason?: string;
  /**
   * When it failed: the last lines functions logged while it was being created (the provider's,
   * and those of the functions it invoked), since `dev` shows live logs only once it has started.
   */
  readonly logs?: readonly string[];
}

/** The answer a provider PUTs to the ResponseURL. */
interface ProviderAnswer {
  readonly Status?: unknown;
  readonly Reason?: unknown;
  readonly PhysicalResourceId?: unknown;
  readonly Data?: unknown;
}

/** Typed events: one per resource, when its creation has ended. */
export interface CustomResourceEvents {
  result: [result: CustomResourceResult];
}

/** Creates the app's custom resources and keeps what their providers answered. */
export class CustomResources extends EventEmitter<CustomResourceEvents> {
  private readonly results = new Map<string, CustomResourceResult>();
  private readonly waiting = new Map<string, (answer: ProviderAnswer) => void>();

  constructor(
    private readonly model: AppModel,
    private readonly host: FunctionHost,
    private readonly awsEndpoint: string,
  ) {
    super();
  }

  /** Creates every custom resource in order (dependencies first); resolves when all have ended. */
  async createAll(): Promise<CustomResourceResult[]> {
    for (const resource of this.model.customResources ?? []) {
      const logs: string[] = [];
      const onLog = (l: FunctionLogRecord) => logs.push(`${this.host.find(l.functionName)?.displayName ?? l.functionName} ${l.level} ${l.text}`);
      this.host.on('log', onLog);
      let result: CustomResourceResult;
      try {
        result = await this.create(resource);
      } finally {
        this.host.off('log', onLog);
      }
      if (result.status === 'FAILED') result = { ...result, logs: logs.slice(-KEPT_LOG_LINES) };
      this.results.set(key(resource), result);
      this.emit('result', result);
    }
    return this.list();
  }

  /** The results so far, in creation order. */
  list(): CustomResourceResult[] {
    return [...this.results.values()];
  }

  /** Takes a provider's answer (the PUT to a ResponseURL this runner handed out). */
  receive(method: string, path: string, body: Buffer): AwsResponse {
    const token = path.slice(CFN_RESPONSE_PATH.length);
    const resolve = this.waiting.get(token);
    if (method !== 'PUT' || !resolve) throw new AwsServiceError(404, 'NoSuchKey', `No custom resource request is waiting for an answer at ${path}`);
    let answer: ProviderAnswer;
    try {
      answer = JSON.parse(body.toString('utf8')) as ProviderAnswer;
    } catch {
      // CloudFormation fails the resource on an answer it cannot read; so does this.
      answer = { Status: 'FAILED', Reason: `the provider's answer is not JSON: ${body.toString('utf8').slice(0, 200)}` };
    }
    this.waiting.delete(token);
    resolve(answer);
    return { status: 200, body: '' };
  }

  /** The outputs with the values of custom resource attributes filled in once known. */
  fillOutputs(outputs: readonly OutputModel[]): OutputModel[] {
    return outputs.map((o) => {
      if (!o.customResourceAttribute) return o;
      const result = this.results.get(`${o.stack}/${o.customResourceAttribute.logicalId}`);
      const value = result?.data[o.customResourceAttribute.attribute];
      if (result?.status === 'SUCCESS' && value !== undefined) return { ...o, value: String(value), unresolved: undefined };
      if (!result) return o;
      return { ...o, unresolved: `custom resource ${result.resource.displayName} ${result.status === 'SUCCESS' ? `returned no ${o.customResourceAttribute.attribute}` : 'was not created'}` };
    });
  }

  private async create(resource: CustomResourceModel): Promise<CustomResourceResult> {
    const failedDependency = resource.dependsOn.map((id) => this.results.get(`${resource.stack}/${id}`)).find((r) => r && r.status !== 'SUCCESS');
    if (failedDependency) return { resource, status: 'NOT_CREATED', data: {}, reason: `it depends on ${failedDependency.resource.displayName}, which was not created` };
    if (!resource.functionLogicalId) return { resource, status: 'NOT_CREATED', data: {}, reason: `its provider ${resource.serviceToken} is not a function of this app` };
    const token = randomUUID();
    const answered = new Promise<ProviderAnswer>((resolve) => this.waiting.set(token, resolve));
    const request = {
      RequestType: 'Create',
      ServiceToken: resource.serviceToken,
      ResponseURL: `${this.awsEndpoint}${CFN_RESPONSE_PATH}${token}`,
      StackId: resource.stackId,
      RequestId: randomUUID(),
      LogicalResourceId: resource.logicalId,
      ResourceType: resource.type,
      ResourceProperties: localProperties(resource),
    };
    try {
      let invoked: InvokeResult;
      try {
        invoked = await this.host.invoke(resource.functionLogicalId, { payload: JSON.stringify(request), overflow: 'wait' });
      } catch (err) {
        return { resource, status: 'FAILED', data: {}, reason: `its provider could not be invoked: ${(err as Error).message}` };
      }
      const answer = await Promise.race([answered, delay(LATE_ANSWER_MS)]);
      if (answer) return resultOf(resource, answer);
      const why = invoked.error ? `the provider failed (${invoked.error.errorType}: ${invoked.error.errorMessage})` : 'the provider returned';
      return { resource, status: 'FAILED', data: {}, reason: `${why} without answering CloudFormation's request (CloudFormation would wait an hour, then fail)` };
    } finally {
      this.waiting.delete(token);
    }
  }
}

/**
 * The properties sent to the provider. `AwsCustomResource`'s `InstallLatestAwsSdk` is sent as
 * `false`: in AWS its handler runs `npm install` of the newest SDK into the sandbox's /tmp; here
 * that would install into this machine's /tmp on every start. The SDK it uses is then the one
 * the project installed, which is what stands for the SDK Lambda provides (see host/task-root.ts).
 */
function localProperties(resource: CustomResourceModel): Readonly<Record<string, unknown>> {
  if (resource.type !== 'Custom::AWS' || resource.properties.InstallLatestAwsSdk === undefined) return resource.properties;
  return { ...resource.properties, InstallLatestAwsSdk: 'false' };
}

function resultOf(resource: CustomResourceModel, answer: ProviderAnswer): CustomResourceResult {
  const data = answer.Data !== null && typeof answer.Data === 'object' ? (answer.Data as Record<string, unknown>) : {};
  const physicalResourceId = typeof answer.PhysicalResourceId === 'string' ? answer.PhysicalResourceId : undefined;
  if (answer.Status === 'SUCCESS') return { resource, status: 'SUCCESS', physicalResourceId, data };
  return { resource, status: 'FAILED', physicalResourceId, data: {}, reason: typeof answer.Reason === 'string' ? answer.Reason : `the provider answered ${JSON.stringify(answer.Status)}` };
}

function key(resource: CustomResourceModel): string {
  return `${resource.stack}/${resource.logicalId}`;
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
