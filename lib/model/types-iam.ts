/**
 * The parts of the app model for permissions: each function's execution role with its
 * identity-based policies, and the resource-based policies of the app's resources, intrinsics
 * resolved so that their ARNs are the local resources' ARNs. The local endpoint evaluates calls
 * against them (see lib/iam).
 */
import type { ResourceRef } from './types';

/** A policy document of the template, resolved. */
export interface PolicyModel {
  /** Where it is declared, for messages: `ShopStack/PlaceOrderServiceRoleDefaultPolicy`, `ShopStack/JobsRole (inline policy Jobs)`. */
  readonly source: string;
  /** The document with intrinsics resolved; absent when it could not be resolved (see `unresolved`). */
  readonly document?: unknown;
  /** Why the document could not be resolved locally (an import no stack exports, an unsupported intrinsic). */
  readonly unresolved?: string;
}

/** A function's execution role (`Role` of `AWS::Lambda::Function`). */
export interface RoleModel {
  /** The role's ARN (`arn:aws:iam::<account>:role/<path><name>`). */
  readonly arn: string;
  /** The role's name, which its sessions' ARNs carry. */
  readonly name: string;
  /** Where the role is declared; absent for a role the template only names by ARN (its policies are not known). */
  readonly declaredAt?: ResourceRef;
  /**
   * Its identity-based policies: `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and
   * `AWS::IAM::ManagedPolicy` resources attached to it, and its inline `Policies`.
   */
  readonly policies: readonly PolicyModel[];
  /** Managed policies attached by ARN that the template does not declare (AWS managed ones such as `AWSLambdaBasicExecutionRole`). */
  readonly managedPolicyArns: readonly string[];
  /** Its tags (`aws:PrincipalTag/<key>` in conditions). */
  readonly tags: Readonly<Record<string, string>>;
}

/** A resource-based policy: a queue policy, a secret's resource policy, a bus policy, a function's permissions. */
export interface ResourcePolicyModel {
  /** The ARNs of the resources it is attached to. */
  readonly resourceArns: readonly string[];
  /** Where it is declared: `queue policy ShopStack/JobsPolicy`. */
  readonly source: string;
  readonly document?: unknown;
  readonly unresolved?: string;
}
