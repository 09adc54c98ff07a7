import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/**
 * A DynamoDB table the app owns, declared with `EventApp.addTable`: aws-cdk-lib's
 * `TablePropsV2` (every option passes through), with a stream on by default so that
 * `addTableStream` can consume it.
 *
 * @example
 * app.addTable('Orders', { partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING } });
 * app.addTableStream('ShipOrders', { table: 'Orders', handler: 'lambdas/ship.ts', filters: [{ eventName: ['INSERT'] }] });
 */
export interface AppTableProps extends Omit<dynamodb.TablePropsV2, 'dynamoStream'> {
  /**
   * What the table's stream records carry, or `false` for no stream.
   * @default dynamodb.StreamViewType.NEW_AND_OLD_IMAGES
   */
  readonly stream?: dynamodb.StreamViewType | false;
}

/**
 * The app's idempotency for `idempotent()` of `switchyard/runtime`: which functions may use it,
 * and the DynamoDB table that keeps its records (partition key `id` of type string, time to
 * live on `expiration`), created with the first function that uses it.
 */
export interface IdempotencyOptions {
  /**
   * Give every function the app creates or adopts access to the table (a function's own
   * `idempotency: false` opts it out); `false` to grant only functions with `idempotency: true`.
   * @default true
   */
  readonly allFunctions?: boolean;
  /**
   * An existing table to keep the records in (partition key `id` of type string, time to live
   * on `expiration`), instead of a new one.
   * @default - a new on-demand table
   */
  readonly table?: dynamodb.ITable;
  /**
   * What happens to the table created here when it leaves the stack. Records are short-lived
   * (they expire), so the table is removed by default.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}
