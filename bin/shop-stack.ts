import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EventApp } from '../lib';
import { CustomerNotified, DailyOrderReport, OrderPlaced, StockReserved } from '../lambdas/events';

/** Props of the example shop. */
export interface ShopStackProps extends StackProps {
  /**
   * Where handler entries are resolved from; the repository root by default, so the stack
   * synthesizes the same from `cdk synth`, `npm start` and jest.
   * @default the repository root
   */
  readonly root?: string;
  /**
   * The identity provider whose access tokens the API accepts.
   * @default - context `shop:jwtIssuer` and `shop:jwtAudience`, else `https://auth.example.com/` and `shop-api`
   */
  readonly auth?: { readonly issuer: string; readonly audience: string };
}

/**
 * The example order-processing app: `POST /orders` places an order and announces
 * `OrderPlaced`; customer notification subscribes to it, and stock reservation takes it from a
 * queue in batches; shipment preparation reacts to `StockReserved`; a nightly report sums up
 * the day.
 */
export class ShopStack extends Stack {
  /** The app. */
  public readonly app: EventApp;
  /** Orders, keyed by `orderId`. */
  public readonly orders: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: ShopStackProps = {}) {
    super(scope, id, props);

    this.orders = new dynamodb.TableV2(this, 'Orders', {
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const issuer = props.auth?.issuer ?? this.node.tryGetContext('shop:jwtIssuer') ?? 'https://auth.example.com/';
    const audience = props.auth?.audience ?? this.node.tryGetContext('shop:jwtAudience') ?? 'shop-api';
    const app = new EventApp(this, 'Shop', {
      // Every route needs a valid access token; writing orders also needs the orders:write scope.
      http: { auth: { jwt: { issuer, audience: [audience] } } },
      functionDefaults: {
        memorySize: 256,
        timeout: Duration.seconds(10),
        environment: { ORDERS_TABLE: this.orders.tableName, POWERTOOLS_SERVICE_NAME: 'shop' },
      },
      // Published but not subscribed to inside the app: listed for the Schema Registry.
      events: [CustomerNotified, DailyOrderReport],
    });
    this.app = app;
    // Synth warns (SY122) about a defined event no subscription of the app matches; these two are
    // meant for consumers outside the shop, which is the reason each acknowledgement records.
    for (const event of [CustomerNotified, DailyOrderReport]) {
      Annotations.of(app).acknowledgeWarning(`switchyard:SY122:${event.source}@${event.detailType}`, 'published for consumers outside the shop (listed in its Schema Registry)');
    }

    // Orders are the shop's front door: new code takes 10% of them for 5 minutes, and rolls
    // back by itself if the function's errors alarm fires.
    // It reads the payment provider's key from Secrets Manager: only that secret, never in its environment.
    const place = app.addFunction('PlaceOrder', {
      entry: 'lambdas/place-order.ts',
      publishes: true,
      deployment: true,
      secrets: { paymentApiKey: 'shop/payment-api-key' },
    });
    this.orders.grantWriteData(place);
    app.addRoute('POST /orders', place, { scopes: ['orders:write'] });
    const get = app.addRoute('GET /orders/{id}', { entry: 'lambdas/get-order.ts' });
    this.orders.grantReadData(get);

    // Stock reservations wait in a queue: a burst of orders is taken in batches at the pace of
    // at most 5 concurrent consumers (the inventory's, not the storefront's), a failing message
    // is retried alone, and one that keeps failing ends in the queue's dead-letter queue.
    // ReserveStock and PrepareShipment move an order along by a conditional write and read it
    // when the condition fails: they get those two actions on the table, nothing more.
    const reserve = app.addFunction('ReserveStock', { entry: 'lambdas/reserve-stock.ts', publishes: true });
    this.orders.grant(reserve, 'dynamodb:UpdateItem', 'dynamodb:GetItem');
    app.addQueue('StockReservations', { handler: 'ReserveStock', maxConcurrency: 5 });
    app.addSubscription('ReserveStockOnOrderPlaced', { event: OrderPlaced, queue: 'StockReservations' });
    app.addSubscription('NotifyCustomer', {
      event: OrderPlaced,
      handler: { entry: 'lambdas/notify-customer.ts', publishes: true },
    });
    const ship = app.addFunction('PrepareShipment', { entry: 'lambdas/prepare-shipment.ts' });
    this.orders.grant(ship, 'dynamodb:UpdateItem', 'dynamodb:GetItem');
    app.addSubscription('PrepareShipmentOnStockReserved', {
      event: StockReserved,
      handler: 'PrepareShipment',
    });
    // The reporting code is Python, as a shop's often is: boto3 scans the orders and publishes.
    const report = app.addFunction('NightlyReport', { entry: 'lambdas/nightly-report/app.py', publishes: true, timeout: Duration.minutes(5) });
    this.orders.grantReadData(report);
    const runtimeReason = `${report.runtime.name} is Lambda's current Python runtime; aws-cdk-lib also lists newer names, which cdk-nag takes as the latest`;
    Validations.of(report).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-L1', reason: runtimeReason },
      { id: 'Serverless::Serverless-LambdaLatestVersion', reason: runtimeReason },
    );
    app.addSchedule('Nightly', { schedule: 'cron(0 2 * * ? *)', handler: 'NightlyReport' });

    // What a user of the deployed shop needs; `switchyard dev` prints them with their local values.
    new CfnOutput(this, 'ApiUrl', { value: app.api!.apiEndpoint, description: 'Base URL of the shop API: POST $ApiUrl/orders, GET $ApiUrl/orders/{id}' });
    new CfnOutput(this, 'BusName', { value: app.bus.eventBusName, description: 'The event bus the shop publishes to and subscribes on' });
    new CfnOutput(this, 'OrdersTableName', { value: this.orders.tableName, description: 'The orders table' });
    new CfnOutput(this, 'PlaceOrderFunctionName', { value: place.functionName, description: 'The function behind POST /orders' });
  }
}
