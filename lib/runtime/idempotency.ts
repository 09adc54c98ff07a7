/**
 * idempotent(): run a function once per distinct input, however many times the input arrives.
 * Queues, streams, EventBridge and clients retrying a request all deliver at least once; a
 * charge or an email must not happen twice.
 *
 * The design follows Powertools for Lambda's idempotency utility, with its record layout, so a
 * table can be shared with it:
 * - The key is a hash of the input (or of the part `key` selects), prefixed with the function's
 *   name and the wrapped function's name: `<lambda>.<name>#<sha256>`.
 * - Before running, a conditional `PutItem` claims the key with status `INPROGRESS` and a lock
 *   that lasts the invocation's remaining time (`in_progress_expiration`, epoch ms). The write
 *   succeeds when no record exists, the record has expired (`expiration`, epoch s, the table's
 *   time to live attribute) or its lock ran out (the function that held it crashed or timed out).
 * - When the claim fails, the existing record answers: a `COMPLETED` one returns its stored
 *   result without running the function; an `INPROGRESS` one throws
 *   {@link IdempotencyInProgressError} (409 behind `httpHandler`; a failed record in a batch,
 *   retried later).
 * - On success the result is stored as JSON with status `COMPLETED` until `expiresAfterSeconds`;
 *   on failure the record is deleted, so a retry runs the function again.
 * Differences from Powertools: the input is hashed as canonical JSON (object keys sorted), so
 * `{a,b}` and `{b,a}` are the same input; keys are selected with a function rather than JMESPath
 * (type-checked, and no expression library in the bundle).
 *
 * DynamoDB's time to live deletes expired records within days, not at once, so expiry is also
 * checked here, by the condition of the claim.
 */
import type {
  AttributeValue,
  DeleteItemCommand,
  DeleteItemCommandOutput,
  GetItemCommand,
  GetItemCommandOutput,
  PutItemCommand,
  PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { currentInvocation } from './context';
import { HttpError } from './http-errors';
import { logger } from './logger';
import { once } from './once';

/** Environment variable holding the idempotency table's name (set by the construct's `idempotency`). */
export const IDEMPOTENCY_TABLE_ENV = 'SWITCHYARD_IDEMPOTENCY_TABLE';
/** The table's partition key (string). */
export const IDEMPOTENCY_KEY_ATTRIBUTE = 'id';
/** The table's time to live attribute (epoch seconds). */
export const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';

/** What idempotent() needs of a client: a `DynamoDBClient` satisfies it. */
export interface IdempotencyClient {
  /** Sends a PutItem command. */
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
  /** Sends a GetItem command. */
  send(command: GetItemCommand): Promise<GetItemCommandOutput>;
  /** Sends a DeleteItem command. */
  send(command: DeleteItemCommand): Promise<DeleteItemCommandOutput>;
}

/** Options of {@link idempotent}. */
export interface IdempotentOptions<A extends unknown[]> {
  /**
   * The part of the arguments that identifies a repeat, e.g. `(order) => order.orderId` or
   * `(event) => event.headers['idempotency-key']`; hashed as canonical JSON.
   * @default - the first argument, whole
   */
  readonly key?: (...args: A) => unknown;
  /**
   * A part of the arguments that must be the same on a repeat (e.g. the amount of a payment):
   * a repeat of the key with a different value throws {@link IdempotencyValidationError}.
   * @default - not checked
   */
  readonly payload?: (...args: A) => unknown;
  /**
   * How long a result is kept and returned for repeats, in seconds.
   * @default 3600
   */
  readonly expiresAfterSeconds?: number;
  /**
   * The name that tells this function's records from others' in the same Lambda function.
   * @default - the wrapped function's name, else `'handler'`
   */
  readonly name?: string;
  /**
   * What to do when `key` selects nothing (`undefined`, `null`, `''`, `{}` or `[]`): run the
   * function without idempotency (with a warning), or throw {@link IdempotencyKeyError}.
   * @default 'run'
   */
  readonly onMissingKey?: 'run' | 'throw';
  /**
   * The table.
   * @default - `SWITCHYARD_IDEMPOTENCY_TABLE` from the environment
   */
  readonly tableName?: string;
  /**
   * The client to send with.
   * @default - one `DynamoDBClient` per container, created on first use
   */
  readonly client?: IdempotencyClient;
}

/** Code of {@link IdempotencyKeyError}. */
export const IDEMPOTENCY_KEY_ERROR_CODE = 'SWITCHYARD_IDEMPOTENCY_KEY';
/** Code of {@link IdempotencyStoreError}. */
export const IDEMPOTENCY_STORE_ERROR_CODE = 'SWITCHYARD_IDEMPOTENCY_STORE';

/** The same input is being processed right now (409 behind `httpHandler`); try again later. */
export class IdempotencyInProgressError extends HttpError {
  override readonly name = 'IdempotencyInProgressError';
  constructor(
    /** The record's id. */
    readonly idempotencyKey: string,
  ) {
    super(409, 'A request with the same idempotency key is still being processed; retry later', { idempotencyKey });
  }
}

/** The key was seen before with a different `payload` (422 behind `httpHandler`). */
export class IdempotencyValidationError extends HttpError {
  override readonly name = 'IdempotencyValidationError';
  constructor(
    /** The record's id. */
    readonly idempotencyKey: string,
  ) {
    super(422, 'The idempotency key was used before with a different payload', { idempotencyKey });
  }
}

/** `key` selected nothing and `onMissingKey` is `'throw'`. */
export class IdempotencyKeyError extends Error {
  /** Always {@link IDEMPOTENCY_KEY_ERROR_CODE}. */
  readonly code = IDEMPOTENCY_KEY_ERROR_CODE;
  override readonly name = 'IdempotencyKeyError';
}

/** The idempotency table could not be read or written (no table configured, access denied, a result over DynamoDB's item size). */
export class IdempotencyStoreError extends Error {
  /** Always {@link IDEMPOTENCY_STORE_ERROR_CODE}. */
  readonly code = IDEMPOTENCY_STORE_ERROR_CODE;
  override readonly name = 'IdempotencyStoreError';
}

const DEFAULT_EXPIRES_AFTER_SECONDS = 3600;
// Without a Lambda context the lock lasts as long as the longest invocation Lambda allows.
const MAX_INVOCATION_MS = 15 * 60 * 1000;
const IN_PROGRESS = 'INPROGRESS';
const COMPLETED = 'COMPLETED';

/**
 * Wraps `fn` so that it runs once per distinct input within `expiresAfterSeconds`; a repeat
 * gets the first run's result (as JSON) without running it. The table comes from the
 * construct's `idempotency` switch (`SWITCHYARD_IDEMPOTENCY_TABLE`).
 *
 * @example
 * const charge = idempotent(async (order: Order) => payments.charge(order), { key: (order) => order.orderId });
 * export const handler = sqsBatchHandler({ body: Order }, (order) => charge(order));
 */
export function idempotent<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: IdempotentOptions<A> = {},
): (...args: A) => Promise<Awaited<R>> {
  const name = options.name ?? (fn.name || 'handler');
  return async (...args: A): Promise<Awaited<R>> => {
    const keyData = options.key ? options.key(...args) : args[0];
    if (isEmpty(keyData)) {
      if (options.onMissingKey === 'throw') throw new IdempotencyKeyError(`idempotent(${name}): the key selected nothing from the input`);
      logger.warn('No idempotency key in the input: running without idempotency', { idempotentFunction: name });
      return await fn(...args);
    }
    const store = new RecordStore(options.tableName ?? process.env[IDEMPOTENCY_TABLE_ENV], options.client);
    const id = `${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local'}.${name}#${hash(keyData)}`;
    const validation = options.payload ? hash(options.payload(...args)) : undefined;
    const repeat = await store.claim(id, validation, lockMs(args));
    if (repeat) return repeat.result as Awaited<R>;
    let result: Awaited<R>;
    try {
      result = await fn(...args);
    } catch (error) {
      await store.release(id);
      throw error;
    }
    await store.complete(id, validation, result, options.expiresAfterSeconds ?? DEFAULT_EXPIRES_AFTER_SECONDS);
    return result;
  };
}

/** How long a claim may be held: what is left of the invocation, from the runtime's context or a Lambda context argument. */
function lockMs(args: readonly unknown[]): number {
  const fromContext = currentInvocation()?.remainingTimeMs?.();
  if (fromContext !== undefined) return fromContext;
  const context = args.find((a): a is { getRemainingTimeInMillis(): number } => typeof (a as { getRemainingTimeInMillis?: unknown })?.getRemainingTimeInMillis === 'function');
  return context?.getRemainingTimeInMillis() ?? MAX_INVOCATION_MS;
}

/** The records of one table, as idempotent() reads and writes them. */
class RecordStore {
  constructor(
    private readonly tableName: string | undefined,
    private readonly givenClient: IdempotencyClient | undefined,
  ) {}

  /** Claims `id`; answers the stored result when the input was processed before. */
  async claim(id: string, validation: string | undefined, lockMs: number, retried = false): Promise<{ result: unknown } | undefined> {
    const { PutItemCommand, GetItemCommand } = await loadSdk();
    const now = Date.now();
    const item: Record<string, AttributeValue> = {
      [IDEMPOTENCY_KEY_ATTRIBUTE]: { S: id },
      status: { S: IN_PROGRESS },
      // The claim itself expires with its lock, so a record nobody completes cannot linger.
      [IDEMPOTENCY_TTL_ATTRIBUTE]: { N: String(Math.ceil((now + lockMs) / 1000)) },
      in_progress_expiration: { N: String(now + lockMs) },
      ...(validation ? { validation: { S: validation } } : {}),
    };
    const existing = await this.send(new PutItemCommand({
      TableName: this.table(),
      Item: item,
      ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :now OR (#status = :inProgress AND #lock < :nowMs)',
      ExpressionAttributeNames: { '#id': IDEMPOTENCY_KEY_ATTRIBUTE, '#expiration': IDEMPOTENCY_TTL_ATTRIBUTE, '#status': 'status', '#lock': 'in_progress_expiration' },
      ExpressionAttributeValues: { ':now': { N: String(Math.floor(now / 1000)) }, ':inProgress': { S: IN_PROGRESS }, ':nowMs': { N: String(now) } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })).then(() => undefined, (error: unknown) => claimedBefore(error));
    if (existing === undefined) return undefined;
    // Stores without ReturnValuesOnConditionCheckFailure answer no item: read it.
    const record = existing.Item ?? (await this.send<GetItemCommandOutput>(new GetItemCommand({ TableName: this.table(), Key: { [IDEMPOTENCY_KEY_ATTRIBUTE]: { S: id } }, ConsistentRead: true }))).Item;
    // Deleted between the claim and the read (its function failed): claim again, once.
    if (!record) {
      if (retried) throw new IdempotencyInProgressError(id);
      return this.claim(id, validation, lockMs, true);
    }
    if (validation !== undefined && record.validation?.S !== undefined && record.validation.S !== validation) throw new IdempotencyValidationError(id);
    if (record.status?.S !== COMPLETED) throw new IdempotencyInProgressError(id);
    return { result: record.data?.S === undefined ? undefined : JSON.parse(record.data.S) };
  }

  /** Stores the result of a completed run. */
  async complete(id: string, validation: string | undefined, result: unknown, expiresAfterSeconds: number): Promise<void> {
    const { PutItemCommand } = await loadSdk();
    const data = JSON.stringify(result);
    await this.send(new PutItemCommand({
      TableName: this.table(),
      Item: {
        [IDEMPOTENCY_KEY_ATTRIBUTE]: { S: id },
        status: { S: COMPLETED },
        [IDEMPOTENCY_TTL_ATTRIBUTE]: { N: String(Math.floor(Date.now() / 1000) + expiresAfterSeconds) },
        ...(data === undefined ? {} : { data: { S: data } }),
        ...(validation ? { validation: { S: validation } } : {}),
      },
    }));
  }

  /** Frees a claim whose run failed, so that a retry runs again. */
  async release(id: string): Promise<void> {
    const { DeleteItemCommand } = await loadSdk();
    try {
      await this.send(new DeleteItemCommand({ TableName: this.table(), Key: { [IDEMPOTENCY_KEY_ATTRIBUTE]: { S: id } } }));
    } catch (error) {
      // The run's own error matters more; the claim's lock runs out by itself.
      logger.error('Could not release the idempotency record of a failed run; retries wait for its lock to expire', { idempotencyKey: id, error });
    }
  }

  private table(): string {
    if (this.tableName) return this.tableName;
    throw new IdempotencyStoreError(`No idempotency table: set idempotency: true on the function (the construct sets ${IDEMPOTENCY_TABLE_ENV}), or pass tableName`);
  }

  private async send<O>(command: PutItemCommand | GetItemCommand | DeleteItemCommand): Promise<O> {
    const client = this.givenClient ?? (await defaultClient());
    try {
      return (await (client as { send(c: unknown): Promise<unknown> }).send(command)) as O;
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw error;
      throw new IdempotencyStoreError(`The idempotency table ${this.tableName} could not be used: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
  }
}

/** The record a failed claim ran into, or the error again when the claim failed otherwise. */
function claimedBefore(error: unknown): { Item?: Record<string, AttributeValue> } {
  if (isConditionalCheckFailure(error)) return error as { Item?: Record<string, AttributeValue> };
  throw error;
}

function isConditionalCheckFailure(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'ConditionalCheckFailedException';
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** SHA-256 of the value's canonical JSON: object keys sorted, so key order does not make a new input. */
function hash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value) ?? 'undefined').digest('hex');
}

function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

type Sdk = typeof import('@aws-sdk/client-dynamodb');

// Loaded on first use, not at import; the Node.js runtime ships SDK v3, so bundles leave it external.
const loadSdk = /* @__PURE__ */ once((): Promise<Sdk> => import('@aws-sdk/client-dynamodb'));
// One client per container: it keeps its connections warm across invocations.
const defaultClient = /* @__PURE__ */ once(async (): Promise<IdempotencyClient> => new (await loadSdk()).DynamoDBClient({}));
