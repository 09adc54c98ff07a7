/**
 * The parts of the app model that say what else the assembly holds: custom resources (created
 * locally through their providers) and the resources `switchyard dev` does not serve.
 */
import type { ResourceRef } from './types';

/** A resource `switchyard dev` does not serve (see resource-types.ts), and what that means for the app. */
export interface UnservedResourceModel extends ResourceRef {
  /** The CloudFormation type. */
  readonly type: string;
  /** The name `dev` prints: the explicit physical name when the template sets one, else the declared construct id. */
  readonly displayName: string;
  /** Why it is not served: the type's entry in the list, or the reason this one cannot run. */
  readonly reason: string;
  /** What not serving it means for the rest of the app, one clause per resource that depends on it. */
  readonly consequences: readonly string[];
}

/** A custom resource, created locally by running its provider function once at start-up. */
export interface CustomResourceModel extends ResourceRef {
  /** `AWS::CloudFormation::CustomResource` or `Custom::<Name>`. */
  readonly type: string;
  /** The name `dev` prints (the declared construct id). */
  readonly displayName: string;
  /** The stack's id as CloudFormation puts it in requests (`arn:aws:cloudformation:...:stack/<name>/...`). */
  readonly stackId: string;
  /** The provider's ARN (`ServiceToken`), resolved. */
  readonly serviceToken: string;
  /**
   * The provider function's logical id; absent when the token is not a function of the app
   * (an SNS topic, a function elsewhere), in which case the resource is not created locally.
   */
  readonly functionLogicalId?: string;
  /** `ResourceProperties` as CloudFormation sends them: resolved, `ServiceToken` included, scalars as strings. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Logical ids of the custom resources this one depends on (`DependsOn` and references), which are created first. */
  readonly dependsOn: readonly string[];
}
