import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { IDEMPOTENCY_KEY_ATTRIBUTE, IDEMPOTENCY_TABLE_ENV, IDEMPOTENCY_TTL_ATTRIBUTE } from '../../runtime/idempotency';
import type { IdempotencyOptions } from '../tables';
import { setEnvironment } from './environment';

// What idempotent() does with a record, and nothing else: no Query, Scan or batch access.
const RECORD_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
// What DynamoDB does with a customer-managed key on the caller's behalf when reading and writing items.
const KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/**
 * The app's idempotency records: the table, created when the first function is granted, and
 * each function's exact access to it with the table's name in its environment.
 */
export class IdempotencyStore {
  private created?: dynamodb.ITable;

  constructor(
    private readonly scope: Construct,
    private readonly options: IdempotencyOptions = {},
    private readonly encryptionKey?: kms.IKey,
  ) {}

  /** Whether functions get access unless they opt out. */
  public get allFunctions(): boolean {
    return this.options.allFunctions ?? true;
  }

  /** The table, once a function uses it. */
  public get table(): dynamodb.ITable | undefined {
    return this.created;
  }

  /**
   * Lets `fn` keep idempotency records: `GetItem`, `PutItem`, `UpdateItem` and `DeleteItem` on
   * the table only (and use of its key through DynamoDB), and the table's name in
   * `SWITCHYARD_IDEMPOTENCY_TABLE`.
   */
  public grant(fn: lambda.IFunction): void {
    const table = (this.created ??= this.options.table ?? this.createTable());
    fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: RECORD_ACTIONS, resources: [table.tableArn] }));
    if (table.encryptionKey) {
      // Named actions, not aws-cdk-lib's wildcards, and only through DynamoDB.
      fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: KEY_ACTIONS,
        resources: [table.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(table).region}.amazonaws.com` } },
      }));
    }
    setEnvironment(
      fn,
      { [IDEMPOTENCY_TABLE_ENV]: table.tableName },
      `set ${IDEMPOTENCY_TABLE_ENV} to the idempotency table's name (app.idempotencyTable.tableName) where the function is defined, for idempotent() of switchyard/runtime`,
    );
  }

  // A dynamodb.Table rather than a TableV2: a TableV2 with a customer-managed key cannot be
  // rendered in a stack without a region (aws-cdk-lib 2.276), and the app's key applies here.
  private createTable(): dynamodb.Table {
    const table = new dynamodb.Table(this.scope, 'IdempotencyTable', {
      partitionKey: { name: IDEMPOTENCY_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(this.encryptionKey ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: this.encryptionKey } : {}),
      removalPolicy: this.options.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    Validations.of(table).acknowledge({
      id: 'AwsSolutions::AwsSolutions-DDB3',
      reason: 'The idempotency table keeps short-lived records that expire by themselves (time to live); restoring it to a point in time would only bring back expired locks.',
    });
    return table;
  }
}
