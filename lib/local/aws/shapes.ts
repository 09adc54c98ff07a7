/**
 * Input shapes of the AWS APIs the endpoint serves, declared with zod the way the services'
 * Smithy models declare them (strings with length and pattern, integers with a range, lists,
 * maps, structures), and the translation of a failed parse into the error AWS answers.
 *
 * AWS's JSON services run on one framework (Coral) that first deserializes the body into the
 * operation's types, then validates the constraints:
 * - a value of the wrong JSON type is a `SerializationException`, worded after the JSON token
 *   it met (texts as recorded against DynamoDB by dynalite, which runs on the same framework);
 * - constraint violations are collected into one `ValidationException`:
 *   `2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member
 *   must have value greater than or equal to 1; ...`, members named in lowerCamelCase and list
 *   elements as `entries.1.member`;
 * - `null` is the same as an absent member.
 * SQS keeps its older (query API) errors: `MissingParameter` and `InvalidParameterValue` with a
 * per-parameter message, carried here as each check's message (see {@link SqsDialect}).
 */
import { z } from 'zod';
import { AwsServiceError } from './protocol';

/** Largest value of a Smithy `Integer`. */
const INT_MAX = 2 ** 31 - 1;

/** Marks an issue as a deserialization failure rather than a constraint violation. */
const SERIALIZATION = { serialization: true } as const;

/** Constraint texts in Coral's words. */
const constraint = {
  minLength: (n: number) => `Member must have length greater than or equal to ${n}`,
  maxLength: (n: number) => `Member must have length less than or equal to ${n}`,
  minValue: (n: number) => `Member must have value greater than or equal to ${n}`,
  maxValue: (n: number) => `Member must have value less than or equal to ${n}`,
  pattern: (p: string) => `Member must satisfy regular expression pattern: ${p}`,
  enum: (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`,
  notNull: 'Member must not be null',
} as const;

/** Length limits of a string or list. */
export interface LengthConstraint {
  readonly min?: number;
  readonly max?: number;
}

/** Constraints of a string shape. */
export interface StringConstraint extends LengthConstraint {
  /** A Java regular expression as the model writes it; the whole value must match. */
  readonly pattern?: string;
}

/** Range of an integer shape, and the message SQS gives instead of Coral's (see {@link SqsDialect}). */
export interface IntegerConstraint {
  readonly min?: number;
  readonly max?: number;
  /** The message when out of range (SQS words each parameter's range differently). */
  readonly message?: (value: number) => string;
}

/** A Smithy `String`. */
export function string(c: StringConstraint = {}) {
  let s = z.string();
  if (c.min !== undefined) s = s.min(c.min, { error: constraint.minLength(c.min) });
  if (c.max !== undefined) s = s.max(c.max, { error: constraint.maxLength(c.max) });
  if (c.pattern !== undefined) s = s.regex(new RegExp(`^(?:${c.pattern})$`, 'u'), { error: constraint.pattern(c.pattern) });
  return s;
}

/**
 * A Smithy `Integer`: decimals are truncated, as Coral does; values past 32 bits do not
 * deserialize.
 */
export function integer(c: IntegerConstraint = {}) {
  let checked = z.number();
  if (c.min !== undefined) checked = checked.min(c.min, { error: (i) => c.message?.(i.input as number) ?? constraint.minValue(c.min!) });
  if (c.max !== undefined) checked = checked.max(c.max, { error: (i) => c.message?.(i.input as number) ?? constraint.maxValue(c.max!) });
  return z
    .number()
    .check((ctx) => {
      if (!Number.isFinite(ctx.value) || Math.abs(ctx.value) > INT_MAX) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: `Numeric value (${ctx.value}) out of range of int`, params: SERIALIZATION });
      }
    })
    .transform(Math.trunc)
    .pipe(checked);
}

/** A Smithy `Boolean`. */
export function boolean() {
  return z.boolean();
}

/** One of a Smithy enum's values. */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: constraint.enum(values) });
}

/** A Smithy `Timestamp` in the JSON protocols: epoch seconds (an ISO date text is tolerated). */
export function timestamp() {
  return z.union([z.number(), z.string()]).check((ctx) => {
    const value = ctx.value;
    const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
    if (!Number.isFinite(ms)) ctx.issues.push({ code: 'custom', input: value, message: 'Unable to parse date value', params: SERIALIZATION });
  });
}

/** A Smithy `Blob` in the JSON protocols: base64 text. */
export function blob() {
  return z.string().check((ctx) => {
    if (ctx.value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(ctx.value)) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: 'Base64 encoded value is not valid', params: SERIALIZATION });
    }
  });
}

/** A Smithy list. */
export function list<T extends z.ZodType>(member: T, c: LengthConstraint = {}) {
  let s = z.array(member);
  if (c.min !== undefined) s = s.min(c.min, { error: constraint.minLength(c.min) });
  if (c.max !== undefined) s = s.max(c.max, { error: constraint.maxLength(c.max) });
  return s;
}

/** A Smithy map with string keys. */
export function map<T extends z.ZodType>(value: T) {
  return z.preprocess(dropNulls, z.record(z.string(), value));
}

/**
 * A Smithy structure. Members not declared are ignored, as the services ignore them; `null`
 * members count as absent. Wrap optional members in `.optional()`.
 */
export function structure<T extends z.ZodRawShape>(members: T) {
  return z.preprocess(dropNulls, z.looseObject(members));
}

/** How a failed parse is reported. */
export type Dialect = 'coral' | SqsDialect;

/**
 * SQS's errors: the first problem only, a missing member as `MissingParameter` ("The request
 * must contain the parameter QueueUrl."), any other as `InvalidParameterValue` with the check's
 * message.
 */
export type SqsDialect = 'sqs';

/**
 * Parses an operation's input against its shape; throws the AWS error for the first failure
 * (a `SerializationException`, or all constraint violations as one `ValidationException`).
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, dialect: Dialect = 'coral'): z.output<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw errorFor(result.error.issues, dialect);
}

function errorFor(issues: readonly z.core.$ZodIssue[], dialect: Dialect): AwsServiceError {
  const serialization = issues.find(isSerializationIssue);
  if (serialization) return new AwsServiceError(400, 'SerializationException', serializationMessage(serialization));
  if (dialect === 'sqs') return sqsError(issues[0]);
  const details = issues.map((i) => `Value ${renderValue(missing(i) ? null : i.input)} at '${coralPath(i.path)}' failed to satisfy constraint: ${missing(i) ? constraint.notNull : i.message}`);
  const count = `${details.length} validation error${details.length === 1 ? '' : 's'} detected: `;
  return new AwsServiceError(400, 'ValidationException', count + details.join('; '));
}

function sqsError(issue: z.core.$ZodIssue): AwsServiceError {
  if (missing(issue)) {
    const name = issue.path.map((p) => (typeof p === 'number' ? String(p + 1) : String(p))).join('.');
    return new AwsServiceError(400, 'com.amazonaws.sqs#MissingParameter', `The request must contain the parameter ${name}.`, {}, { 'x-amzn-query-error': 'MissingParameter;Sender' });
  }
  return new AwsServiceError(400, 'com.amazon.coral.service#InvalidParameterValueException', issue.message, {}, { 'x-amzn-query-error': 'InvalidParameterValue;Sender' });
}

/** True for an absent or null member (a required one, since optional members never fail so). */
function missing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null);
}

function isSerializationIssue(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'custom') return issue.params?.serialization === true;
  if (issue.code === 'invalid_union') return true;
  return issue.code === 'invalid_type' && !missing(issue);
}

/** Coral's deserializer texts, by the type expected and the JSON token found. */
function serializationMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type') return issue.code === 'invalid_union' ? 'Unexpected token received from parser' : issue.message;
  const input = issue.input;
  const token = Array.isArray(input) ? 'list' : typeof input === 'object' ? 'structure' : typeof input;
  const javaType: Record<string, string> = { string: 'String', number: 'Integer', boolean: 'Boolean' };
  if (issue.expected in javaType) {
    const type = javaType[issue.expected];
    if (token === 'structure') return 'Start of structure or map found where not expected';
    if (token === 'list') return `Unrecognized collection type class java.lang.${type}`;
    if (token === 'boolean') return `${input ? 'TRUE' : 'FALSE'}_VALUE cannot be converted to ${type}`;
    if (token === 'number') return `${Number.isInteger(input) ? 'NUMBER' : 'DECIMAL'}_VALUE cannot be converted to ${type}`;
    return issue.expected === 'boolean' ? 'Unexpected token received from parser' : `STRING_VALUE cannot be converted to ${type}`;
  }
  if (issue.expected === 'array') return token === 'structure' ? 'Start of structure or map found where not expected' : 'Unexpected field type';
  return token === 'list' ? 'Start of list found where not expected' : 'Unexpected field type';
}

/** `['Entries', 0, 'Source']` -> `entries.1.member.source`, as Coral names members. */
function coralPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `${p + 1}.member` : lowerFirst(String(p)))).join('.');
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** How Coral prints a value: quoted, with lists in Java's `[a, b]` form. */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return `'${javaText(value)}'`;
}

function javaText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(javaText).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function dropNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = v;
  return out;
}
