/**
 * Types for EventBridge content filters typed against an event's detail, so that a
 * subscription's `where` is checked by the compiler: a misspelt field, a `numeric` matcher on a
 * string, or an exact value of the wrong type fails to compile instead of silently never
 * matching in production. Types only: nothing here exists at run time.
 *
 * Semantics follow the EventBridge content-filter language: a leaf is an array of alternatives
 * (exact values or matcher objects); arrays in the event match when any element matches, so an
 * array field is filtered like its elements; objects nest; `$or` combines alternatives.
 */

/** A comparison operator of a `numeric` matcher. */
export type NumericOperator = '<' | '<=' | '=' | '>' | '>=';

/** A `numeric` matcher's operands: one comparison, or a range of two (`['>', 0, '<=', 5]`). */
export type NumericRange =
  | readonly [NumericOperator, number]
  | readonly [NumericOperator, number, NumericOperator, number];

/** Case-insensitive variant accepted inside `prefix` and `suffix`. */
export interface EqualsIgnoreCase {
  /** Matches the value ignoring case. */
  readonly 'equals-ignore-case': string;
}

/** Matchers that apply to string fields. */
export type StringMatcher =
  | { readonly prefix: string | EqualsIgnoreCase }
  | { readonly suffix: string | EqualsIgnoreCase }
  | EqualsIgnoreCase
  | { readonly wildcard: string }
  | { readonly cidr: string }
  | {
      readonly 'anything-but':
        | string
        | readonly string[]
        | { readonly prefix: string }
        | { readonly suffix: string }
        | { readonly 'equals-ignore-case': string | readonly string[] }
        | { readonly wildcard: string | readonly string[] };
    };

/** Matchers that apply to number fields. */
export type NumberMatcher =
  | { readonly numeric: NumericRange }
  | { readonly 'anything-but': number | readonly number[] };

/** Matches on the presence (`true`) or absence (`false`) of a leaf field. */
export interface ExistsMatcher {
  /** Whether the field must be present. */
  readonly exists: boolean;
}

/** JSON scalars: the values a leaf of an event can hold. */
export type Scalar = string | number | boolean | null;

/**
 * One alternative in a leaf filter for a field of type `V`: an exact value of `V`, or a matcher
 * that makes sense for `V` (string matchers for strings, `numeric` for numbers), or `exists`.
 * Distributes over unions, so `'new' | 'paid'` accepts exactly those two literals.
 */
export type LeafMatcher<V> =
  | (V extends string ? V | StringMatcher : never)
  | (V extends number ? V | NumberMatcher : never)
  | (V extends boolean ? V : never)
  | (V extends null ? null : never)
  | ExistsMatcher;

/**
 * The filter for one field of type `V`: a leaf filter for scalars, a nested {@link DetailFilter}
 * for objects, and the element's filter for arrays (EventBridge matches any element).
 */
export type FieldFilter<V> = [NonNullable<V>] extends [readonly (infer E)[]]
  ? FieldFilter<E>
  : [NonNullable<V>] extends [Scalar]
    ? readonly LeafMatcher<V>[]
    : [NonNullable<V>] extends [object]
      ? DetailFilter<NonNullable<V>> | (null extends V ? readonly null[] : never)
      : readonly LeafMatcher<Scalar>[] | DetailFilter<Record<string, unknown>>;

/**
 * An EventBridge content filter on the `detail` of an event whose detail is `TDetail`: for each
 * (nested) field, the alternatives that match it. Every key must be a field of the detail.
 *
 * @example
 * const where: DetailFilter<{ amount: number; customer: { tier: 'gold' | 'silver' } }> = {
 *   amount: [{ numeric: ['>', 100] }],
 *   customer: { tier: ['gold'] },
 * };
 */
export type DetailFilter<TDetail> = {
  readonly [K in keyof TDetail]?: FieldFilter<TDetail[K]>;
} & {
  /** Matches when any of the alternatives matches. */
  readonly $or?: readonly DetailFilter<TDetail>[];
};

/**
 * The EventBridge event pattern of a defined event, as plain JSON (accepted by
 * `events.Rule({ eventPattern })` and by `TestEventPattern`).
 */
export interface EventPattern<TDetail> {
  /** The event's source, as a one-value list. */
  source: string[];
  /** The event's detail type, as a one-value list. */
  'detail-type': string[];
  /** The content filter on the detail, when one was given. */
  detail?: DetailFilter<TDetail>;
}
