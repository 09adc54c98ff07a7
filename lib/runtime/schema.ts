/**
 * The validator contract the runtime accepts: Standard Schema v1 (https://standardschema.dev),
 * implemented by zod 4, valibot, arktype and others. The interfaces are declared here,
 * structurally, instead of importing a package, so that a handler bundle pulls in no validator
 * of ours: the user's own schema library is the only one in the bundle.
 */

/**
 * A validator that implements Standard Schema v1 (`~standard.validate`), such as a zod 4 schema.
 * `jsonSchema` is the optional Standard JSON Schema extension (zod 4 implements it).
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The `~standard` property of a {@link StandardSchemaV1}. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** The version of the standard; always 1. */
  readonly version: 1;
  /** The schema library, e.g. `'zod'`. */
  readonly vendor: string;
  /** Validates an unknown value; may answer synchronously or with a promise. */
  readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  /** Carries the inferred types; never present at run time. */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  /** Standard JSON Schema converter, when the library implements that extension. */
  readonly jsonSchema?: StandardJsonSchemaConverter | undefined;
}

/** The result of `~standard.validate`: a value, or issues. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

/** One problem reported by a Standard Schema validator. */
export interface StandardIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where: property keys, or segments carrying a key. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** JSON Schema dialects a Standard JSON Schema converter may be asked for. */
export type JsonSchemaTarget = 'draft-2020-12' | 'draft-07' | 'draft-04' | 'openapi-3.0';

/** The Standard JSON Schema extension (`~standard.jsonSchema`). */
export interface StandardJsonSchemaConverter {
  /** JSON Schema of the values the schema accepts. */
  readonly input: (options: { readonly target: string }) => Record<string, unknown>;
  /** JSON Schema of the values the schema produces. */
  readonly output: (options: { readonly target: string }) => Record<string, unknown>;
}

/** The type a schema accepts (the JSON on the wire). */
export type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];

/** The type a schema produces after validation (what handlers receive). */
export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];

/**
 * One validation problem in the runtime's own, serializable shape.
 *
 * `path` is a readable JSONPath-like string (`items[0].sku`); `''` means the value itself.
 */
export interface ValidationIssue {
  /** Where the problem is, e.g. `items[0].sku`; empty for the root value. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/** The outcome of validating a value: the typed value, or the issues. */
export type ValidationResult<T> =
  | { readonly success: true; readonly value: T }
  | { readonly success: false; readonly issues: readonly ValidationIssue[] };

/** True when `value` looks like a Standard Schema v1 validator. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if (typeof value !== 'object' && typeof value !== 'function') return false;
  if (value === null) return false;
  const props = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function';
}

/**
 * Validates `value` with `schema`, answering synchronously when the validator does, so that
 * sync callers (`EventDefinition.parse`) work with every synchronous validator.
 */
export function runValidation<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): ValidationResult<T> | Promise<ValidationResult<T>> {
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(toValidationResult) : toValidationResult(result);
}

/** Formats a Standard Schema issue path as `a.b[0].c`. */
export function formatIssuePath(path: StandardIssue['path']): string {
  let out = '';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function toValidationResult<T>(result: StandardResult<T>): ValidationResult<T> {
  if (result.issues) {
    return {
      success: false,
      issues: result.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message })),
    };
  }
  return { success: true, value: result.value };
}
