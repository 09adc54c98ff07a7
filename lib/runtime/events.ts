/**
 * Typed event definitions: one object describes an event's source, detail type and detail
 * schema, and is shared by the construct side (rule patterns, Schema Registry) and the handler
 * side (publish, eventHandler), so the three places an event's shape lives cannot drift apart.
 */
import type { DetailFilter, EventPattern } from './detail-filter';
import {
  isStandardSchema,
  runValidation,
  type InferInput,
  type InferOutput,
  type JsonSchemaTarget,
  type StandardSchemaV1,
  type ValidationIssue,
  type ValidationResult,
} from './schema';

/** Props of {@link defineEvent}. */
export interface EventDefinitionProps<S extends StandardSchemaV1> {
  /** The event's `source`, e.g. `'shop.orders'`. Must not start with `aws.` (reserved by AWS). */
  readonly source: string;
  /** The event's `detail-type`, e.g. `'OrderPlaced'`. */
  readonly detailType: string;
  /** A Standard Schema v1 validator of the detail (a zod 4 schema, valibot, arktype...). */
  readonly schema: S;
  /**
   * What the event means, for people and for the Schema Registry.
   * @default - none
   */
  readonly description?: string;
}

/** Options of {@link EventDefinition.jsonSchema}. */
export interface JsonSchemaOptions {
  /**
   * The JSON Schema dialect. The EventBridge Schema Registry takes `'draft-04'` (`JSONSchemaDraft4`)
   * or `'openapi-3.0'`.
   * @default 'draft-2020-12'
   */
  readonly target?: JsonSchemaTarget;
  /**
   * Describe the detail as it travels on the bus (`'input'`) or as handlers receive it after
   * validation (`'output'`, with defaults applied and transforms run).
   * @default 'input'
   */
  readonly io?: 'input' | 'output';
  /**
   * Add the `_switchyard` envelope property that `publish()` writes (see {@link METADATA_KEY}),
   * so the schema describes every field on the bus.
   * @default true
   */
  readonly metadata?: boolean;
}

/**
 * A defined event: its identity on the bus, the schema of its detail, and helpers.
 * `TDetail` is the validated detail handlers receive; `TInput` the JSON publishers send.
 */
export interface EventDefinition<TDetail, TInput = TDetail> {
  /** The event's `source`. */
  readonly source: string;
  /** The event's `detail-type`. */
  readonly detailType: string;
  /** What the event means, when given. */
  readonly description: string | undefined;
  /** The detail's validator. */
  readonly schema: StandardSchemaV1<TInput, TDetail>;
  /**
   * Validates a detail and answers it typed; throws {@link EventValidationError} listing the
   * issues. Synchronous: a validator that only validates asynchronously throws a TypeError
   * pointing to {@link EventDefinition.validate}.
   */
  parse(detail: unknown): TDetail;
  /** Validates a detail without throwing on invalid input; works with async validators. */
  validate(detail: unknown): Promise<ValidationResult<TDetail>>;
  /**
   * The JSON Schema of the detail, through the validator's Standard JSON Schema support
   * (`~standard.jsonSchema`, implemented by zod 4). Throws a TypeError for validators that do not
   * implement it (JSON Schema is then unavailable: give the Schema Registry one yourself).
   */
  jsonSchema(options?: JsonSchemaOptions): Record<string, unknown>;
}

/**
 * The validated detail type of an event definition.
 *
 * @example
 * type OrderPlacedDetail = DetailOf<typeof OrderPlaced>;
 */
export type DetailOf<E> = E extends { parse(detail: unknown): infer D } ? D : never;

/** The detail type publishers send for an event definition (the schema's input type). */
export type DetailInputOf<E> = E extends { readonly schema: StandardSchemaV1<infer I, unknown> } ? I : never;

/**
 * The key of the envelope that `publish()` adds to every detail: `{ correlationId }`.
 *
 * Why in the detail: an EventBridge event has no user-defined attributes besides the detail
 * (`TraceHeader` is reserved for X-Ray, `Resources` for ARNs), and whatever a consumer should see
 * must be in the detail. A namespaced key keeps it out of the user's fields: `eventHandler`
 * removes it before validating, so strict schemas still pass, and rule patterns on user fields
 * are unaffected.
 */
export const METADATA_KEY = '_switchyard';

/** The envelope `publish()` adds under {@link METADATA_KEY}. */
export interface EventMetadata {
  /** The correlation id of the request or event that caused this event. */
  readonly correlationId?: string;
}

/** Code of {@link EventValidationError}. */
export const EVENT_VALIDATION_ERROR_CODE = 'SWITCHYARD_INVALID_DETAIL';

/** One invalid detail: its position in the list given, and what is wrong with it. */
export interface InvalidDetail {
  /** Index in the list given to `publish()` (0 for a single detail). */
  readonly index: number;
  /** The problems found. */
  readonly issues: readonly ValidationIssue[];
}

/** One or more details do not satisfy the event's schema. Nothing was sent. */
export class EventValidationError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = EVENT_VALIDATION_ERROR_CODE;
  override readonly name = 'EventValidationError';

  constructor(
    /** `source/detailType` of the event. */
    readonly eventType: string,
    /** Every invalid detail, with its issues. */
    readonly invalid: readonly InvalidDetail[],
  ) {
    super(`Invalid detail for event '${eventType}': ${summarizeInvalid(invalid)}`);
  }
}

/**
 * Defines an event once, for publishers, consumers and the construct side.
 *
 * @example
 * export const OrderPlaced = defineEvent({
 *   source: 'shop.orders',
 *   detailType: 'OrderPlaced',
 *   schema: z.object({ orderId: z.string(), amount: z.number() }),
 * });
 */
export function defineEvent<S extends StandardSchemaV1>(
  props: EventDefinitionProps<S>,
): EventDefinition<InferOutput<S>, InferInput<S>> {
  const { source, detailType, schema, description } = props;
  requireText('source', source);
  requireText('detailType', detailType);
  if (source.startsWith('aws.')) {
    throw new TypeError(
      `defineEvent: source '${source}' starts with 'aws.', which AWS reserves for its services; PutEvents rejects it. Use your own prefix, e.g. 'shop.orders'.`,
    );
  }
  if (!isStandardSchema(schema)) {
    throw new TypeError(
      `defineEvent(${source}/${detailType}): 'schema' is not a Standard Schema v1 validator (no '~standard.validate'). Pass a zod 4 schema or another Standard Schema implementation.`,
    );
  }
  const typed = schema as unknown as StandardSchemaV1<InferInput<S>, InferOutput<S>>;
  const eventType = `${source}/${detailType}`;

  return {
    source,
    detailType,
    description,
    schema: typed,
    parse(detail) {
      const result = runValidation(typed, detail);
      if (result instanceof Promise) {
        throw new TypeError(`The schema of event '${eventType}' validates asynchronously; use validate() instead of parse().`);
      }
      if (!result.success) throw new EventValidationError(eventType, [{ index: 0, issues: result.issues }]);
      return result.value;
    },
    async validate(detail) {
      return runValidation(typed, detail);
    },
    jsonSchema(options = {}) {
      const converter = typed['~standard'].jsonSchema;
      if (!converter) {
        throw new TypeError(
          `The schema of event '${eventType}' (vendor '${typed['~standard'].vendor}') does not implement Standard JSON Schema ('~standard.jsonSchema'), so its JSON Schema is unavailable. Use a zod 4 schema, or provide the JSON Schema yourself.`,
        );
      }
      const target = options.target ?? 'draft-2020-12';
      const generated = (options.io ?? 'input') === 'input' ? converter.input({ target }) : converter.output({ target });
      return options.metadata === false ? generated : withMetadataProperty(generated);
    },
  };
}

/**
 * The EventBridge event pattern matching a defined event, optionally filtered on its detail.
 *
 * @example
 * eventPattern(OrderPlaced, { amount: [{ numeric: ['>', 100] }] });
 * // { source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: { amount: [{ numeric: ['>', 100] }] } }
 */
export function eventPattern<TDetail, TInput>(
  def: EventDefinition<TDetail, TInput>,
  where?: NoInfer<DetailFilter<TInput>>,
): EventPattern<TInput> {
  const pattern: EventPattern<TInput> = { source: [def.source], 'detail-type': [def.detailType] };
  if (where !== undefined) pattern.detail = where;
  return pattern;
}

/**
 * Splits a received detail into the user's fields and the envelope `publish()` added.
 * Details published by others have no envelope; they come back unchanged.
 */
export function splitMetadata(detail: unknown): { detail: unknown; metadata: EventMetadata | undefined } {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail) || !(METADATA_KEY in detail)) {
    return { detail, metadata: undefined };
  }
  const { [METADATA_KEY]: raw, ...rest } = detail as Record<string, unknown>;
  const correlationId = typeof raw === 'object' && raw !== null ? (raw as { correlationId?: unknown }).correlationId : undefined;
  return { detail: rest, metadata: typeof correlationId === 'string' ? { correlationId } : {} };
}

function withMetadataProperty(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = schema.properties;
  if (schema.type !== 'object' || typeof properties !== 'object' || properties === null) return schema;
  return {
    ...schema,
    properties: {
      ...properties,
      [METADATA_KEY]: {
        type: 'object',
        description: 'Envelope added by switchyard publish(): the correlation id of the causing request or event.',
        properties: { correlationId: { type: 'string' } },
      },
    },
  };
}

function requireText(prop: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`defineEvent: '${prop}' must be a non-empty string, got ${JSON.stringify(value)}.`);
  }
}

/** `[0] amount: Expected number; [3] (root): ...`, cut short so messages stay readable. */
export function summarizeInvalid(invalid: readonly InvalidDetail[], max = 5): string {
  const parts = invalid.slice(0, max).map(({ index, issues }) => `[${index}] ${summarizeIssues(issues)}`);
  if (invalid.length > max) parts.push(`and ${invalid.length - max} more`);
  return parts.join('; ');
}

/** `amount: Expected number, sku: Required`. */
export function summarizeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join(', ');
}
