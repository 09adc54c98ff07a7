/**
 * The one list of CloudFormation resource types and what `switchyard dev` does with each:
 * serves it, has nothing to run for it, or does not serve it. The start-up report (which
 * resources are not served and what that means for the app), the rule targets recorded as
 * undeliverable, and the README's table all read this list; a test keeps the README true to it.
 *
 * A type missing from the list is not served. Where the list says a type is served, parts of a
 * resource may still not be (a WebSocket API, an HTTP integration): the readers list those.
 */

/** What `switchyard dev` does with a resource type. */
export type LocalTreatment = 'served' | 'nothing-to-run' | 'not-served';

/** One row of the list: types that share a treatment and a description. */
export interface ResourceTypeEntry {
  /** CloudFormation types (`AWS::SNS::Topic`). */
  readonly types: readonly string[];
  readonly treatment: LocalTreatment;
  /** What the user sees locally, in one sentence (the README's and the start-up report's words). */
  readonly locally: string;
  /**
   * For a not-served type: the service whose API the local AWS endpoint does not answer, so
   * that functions calling it fail (`SNS`). Absent for types with no API of their own.
   */
  readonly service?: string;
  /** The property that holds the resource's explicit name (`TopicName`), for display names. */
  readonly nameProperty?: string;
}

/** Every known type, grouped by treatment, in the order the README lists them. */
export const RESOURCE_TYPES: readonly ResourceTypeEntry[] = [
  // Served.
  { types: ['AWS::Lambda::Function'], treatment: 'served', locally: 'Node.js and Python functions from their asset (a folder, or a `.zip` file extracted) or inline (`ZipFile`) code, each instance its own process (Python ones on this machine\'s python3, see Python handlers); container images and other runtimes are listed as not run' },
  { types: ['AWS::Lambda::EventInvokeConfig'], treatment: 'served', locally: "asynchronous invokes retry and go to their on-failure destination or DLQ as configured" },
  { types: ['AWS::Lambda::Url'], treatment: 'served', locally: 'function URLs, each on its own local port: payload 2.0 events, `NONE` and `AWS_IAM` (SigV4) auth, CORS, buffered and streamed responses (see Function URLs locally)' },
  { types: ['AWS::Lambda::LayerVersion'], treatment: 'served', locally: "the layer's content is the /opt of the functions using it: its packages load with `require` and `import`; a layer from outside the app (by ARN) has no content here and is listed at start-up" },
  {
    types: ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Authorizer'],
    treatment: 'served',
    locally: 'HTTP APIs on local ports: Lambda proxy routes, JWT, Lambda and IAM authorizers, CORS; WebSocket APIs and other integrations are listed as not served',
  },
  {
    types: [
      'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment',
      'AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::Model', 'AWS::ApiGateway::RequestValidator', 'AWS::ApiGateway::GatewayResponse',
      'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::UsagePlanKey',
    ],
    treatment: 'served',
    locally: 'REST APIs on local ports, each stage under its name (see REST APIs locally)',
  },
  { types: ['AWS::Events::EventBus'], treatment: 'served', locally: 'PutEvents, TestEventPattern, ListRules, DescribeRule' },
  { types: ['AWS::Events::Rule'], treatment: 'served', locally: 'event patterns and schedules; function, queue and event bus targets (another bus of the app, in any of its regions and accounts) with input transformers, retry policies and DLQs; other targets are recorded in the ledger as undeliverable' },
  { types: ['AWS::Events::Endpoint'], treatment: 'served', locally: "global endpoints: PutEvents with `EndpointId` goes to the primary region's bus, or to the secondary's after `switchyard failover`; replication copies events to the secondary (see Several apps under dev)" },
  {
    types: ['AWS::Scheduler::Schedule', 'AWS::Scheduler::ScheduleGroup'],
    treatment: 'served',
    locally: 'EventBridge Scheduler: rate, cron in time zones and one-time at() schedules fire to Lambda, SQS and EventBridge targets with retry policies and DLQs (waits scaled by `--time-scale`); the Scheduler API creates more (kept across restarts with the app state); other targets are recorded in the ledger as undeliverable',
  },
  { types: ['AWS::SQS::Queue'], treatment: 'served', locally: 'the SQS API, FIFO queues and redrive to a dead-letter queue; rule targets, destinations and DLQs send to it; `dev` keeps the messages across restarts' },
  { types: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'], treatment: 'served', locally: 'the DynamoDB API (dynalite) with the template\'s keys and indexes; `dev` keeps the items across restarts; writes to a table with a stream make its stream records, which its event source mappings read (the DynamoDB Streams API is not served)' },
  { types: ['AWS::Lambda::EventSourceMapping'], treatment: 'served', locally: 'mappings from SQS queues and table streams of the app call their functions with batches, filters, partial batch responses, retries and failure destinations (see Queues and streams locally); Kinesis, Kafka and MQ sources are listed as not served' },
  { types: ['AWS::SecretsManager::Secret', 'AWS::SSM::Parameter'], treatment: 'served', locally: "`GetSecretValue`, `GetParameter`, `GetParameters` and `GetParametersByPath` answer with the template's values (a generated secret's kept in `.switchyard/generated-secrets.json`), overridden by `dev-secrets.json` and `.switchyard/secrets.json`" },
  { types: ['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient'], treatment: 'served', locally: "authorizers accept `switchyard token`'s tokens for the pool's issuer; the Cognito API itself (sign-up, sign-in) is not served" },
  { types: ['Custom::AWS'], treatment: 'served', locally: '`AwsCustomResource`: its provider function runs the `onCreate` SDK call against the local endpoint once at start-up' },
  { types: ['AWS::CloudFormation::CustomResource'], treatment: 'served', locally: 'custom resources (`Custom::*` too): the provider function gets a CloudFormation `Create` request once at start-up; `Update` and `Delete` never run' },

  // Nothing to run locally.
  { types: ['AWS::Lambda::Version', 'AWS::Lambda::Alias'], treatment: 'nothing-to-run', locally: "a version's or alias's ARN invokes the function's current code" },
  { types: ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::ManagedPolicy'], treatment: 'nothing-to-run', locally: 'every call a function makes to the local AWS endpoint is evaluated against its role (`dev --iam warn`, the default, or `enforce`; see Permissions locally)' },
  { types: ['AWS::SQS::QueuePolicy', 'AWS::SQS::QueueInlinePolicy', 'AWS::SecretsManager::ResourcePolicy', 'AWS::Events::EventBusPolicy', 'AWS::Lambda::Permission'], treatment: 'nothing-to-run', locally: "resource policies, evaluated with the role's policies for the calls functions make; service principals' statements (a rule's delivery to a queue) do not apply to them" },
  { types: ['AWS::SNS::TopicPolicy', 'AWS::S3::BucketPolicy', 'AWS::Logs::ResourcePolicy', 'AWS::Lambda::LayerVersionPermission'], treatment: 'nothing-to-run', locally: 'resource policies of services not served: not evaluated' },
  { types: ['AWS::Logs::LogGroup', 'AWS::Logs::MetricFilter'], treatment: 'nothing-to-run', locally: 'function logs are printed by `dev`, not stored; no metrics' },
  { types: ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm', 'AWS::CloudWatch::Dashboard'], treatment: 'nothing-to-run', locally: 'no metrics are kept locally, so alarms never change state' },
  { types: ['AWS::KMS::Key', 'AWS::KMS::Alias'], treatment: 'nothing-to-run', locally: 'nothing is encrypted locally' },
  { types: ['AWS::CDK::Metadata'], treatment: 'nothing-to-run', locally: "CDK's version reporting" },
  { types: ['AWS::ApiGateway::Account'], treatment: 'nothing-to-run', locally: "API Gateway's logging role" },
  {
    types: ['AWS::ApiGateway::DomainName', 'AWS::ApiGateway::BasePathMapping', 'AWS::ApiGatewayV2::DomainName', 'AWS::ApiGatewayV2::ApiMapping'],
    treatment: 'nothing-to-run',
    locally: 'custom domains: each API is served on its local port instead',
  },
  { types: ['AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::CodeDeploy::DeploymentConfig'], treatment: 'nothing-to-run', locally: 'traffic shifting happens at deploy: the current code is served' },
  { types: ['AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy'], treatment: 'nothing-to-run', locally: 'instances start on demand; provisioned concurrency is not kept warm' },
  { types: ['AWS::EventSchemas::Registry', 'AWS::EventSchemas::Schema'], treatment: 'nothing-to-run', locally: "the schema registry documents events; nothing validates against it" },
  {
    types: [
      'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
      'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::RouteTable', 'AWS::EC2::Route',
      'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::VPCEndpoint',
    ],
    treatment: 'nothing-to-run',
    locally: "networking: functions run on this machine's network",
  },
  {
    types: ['Custom::S3AutoDeleteObjects', 'Custom::LogRetention', 'Custom::VpcRestrictDefaultSG'],
    treatment: 'nothing-to-run',
    locally: "CDK's own custom resources for deletion, log retention and default security groups: nothing to do locally, so they are not run",
  },

  // Not served.
  { types: ['AWS::SNS::Topic'], treatment: 'not-served', service: 'SNS', nameProperty: 'TopicName', locally: 'topics are not served: publishing fails and subscribers are never called' },
  { types: ['AWS::SNS::Subscription'], treatment: 'not-served', locally: 'subscriptions never deliver' },
  { types: ['AWS::StepFunctions::StateMachine', 'AWS::StepFunctions::Activity'], treatment: 'not-served', service: 'Step Functions', nameProperty: 'StateMachineName', locally: 'state machines are not run' },
  { types: ['AWS::S3::Bucket'], treatment: 'not-served', service: 'S3', nameProperty: 'BucketName', locally: 'buckets are not served: object calls fail and bucket notifications never fire' },
  { types: ['Custom::CDKBucketDeployment'], treatment: 'not-served', locally: '`BucketDeployment` does not run: no files are copied' },
  { types: ['AWS::Kinesis::Stream', 'AWS::KinesisFirehose::DeliveryStream'], treatment: 'not-served', service: 'Kinesis', nameProperty: 'Name', locally: 'streams are not served: writes fail and consumers are never called' },
  { types: ['AWS::Events::ApiDestination', 'AWS::Events::Connection'], treatment: 'not-served', locally: 'API destinations are not called: their rules record events as undeliverable' },
  { types: ['AWS::Events::Archive'], treatment: 'not-served', locally: 'events are not archived, so they cannot be replayed' },
  { types: ['AWS::Pipes::Pipe'], treatment: 'not-served', locally: 'pipes do not run' },
  { types: ['AWS::AppSync::GraphQLApi'], treatment: 'not-served', service: 'AppSync', locally: 'GraphQL APIs are not served' },
  { types: ['AWS::SES::EmailIdentity', 'AWS::SES::ConfigurationSet'], treatment: 'not-served', service: 'SES', locally: 'e-mail is not sent: SES calls fail' },
  { types: ['AWS::CloudFront::Distribution'], treatment: 'not-served', locally: 'distributions are not served: use the origins\' local URLs' },
];

const BY_TYPE = new Map(RESOURCE_TYPES.flatMap((entry) => entry.types.map((type) => [type, entry] as const)));

/** What the list says about a type not in it. */
const UNKNOWN: Omit<ResourceTypeEntry, 'types'> = { treatment: 'not-served', locally: 'not served by `switchyard dev`' };

/**
 * The entry for a type. `Custom::*` types without an entry of their own are custom resources
 * (run through their provider); any other type not in the list is not served.
 */
export function resourceTypeEntry(type: string): ResourceTypeEntry {
  const known = BY_TYPE.get(type);
  if (known) return known;
  if (type.startsWith('Custom::')) return BY_TYPE.get('AWS::CloudFormation::CustomResource')!;
  return { ...UNKNOWN, types: [type], service: serviceOf(type) };
}

/** What `dev` does with a type. */
export function treatmentOf(type: string): LocalTreatment {
  return resourceTypeEntry(type).treatment;
}

/** True for the types whose resources are custom resources run through a provider function. */
export function isCustomResourceType(type: string): boolean {
  return resourceTypeEntry(type) === BY_TYPE.get('AWS::CloudFormation::CustomResource') || type === 'Custom::AWS';
}

/** The service a type belongs to, from its name (`AWS::Glue::Job` -> `Glue`). */
function serviceOf(type: string): string | undefined {
  const m = /^AWS::([^:]+)::/.exec(type);
  return m?.[1];
}
