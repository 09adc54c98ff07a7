/**
 * Local physical names, ARNs and URLs of resources: what `Ref` and `Fn::GetAtt` answer when the
 * template is "deployed" on this machine. Names are deterministic (stack name + logical id where
 * CloudFormation would generate one) so that logs, tests and ARNs are stable across runs.
 */
import { createHash } from 'node:crypto';
import type { CfnResource, IntrinsicResolver, ResourceAttributes } from './intrinsics';

/** The account-level settings resources are named in. */
export interface LocalEnvironment {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  /** Base URL of the local AWS-compatible endpoint (queue URLs point at it). */
  readonly endpointUrl: string;
}

/** Answers `Ref`/`Fn::GetAtt` for the resources of one stack. */
export class StackAttributes implements ResourceAttributes {
  /** Set by the reader right after construction: names may themselves be intrinsics. */
  resolver!: IntrinsicResolver;

  constructor(
    private readonly stackName: string,
    private readonly resources: Readonly<Record<string, CfnResource>>,
    private readonly env: LocalEnvironment,
  ) {}

  ref(logicalId: string): string {
    const r = this.resource(logicalId);
    switch (r.Type) {
      case 'AWS::Lambda::Function':
      case 'AWS::Events::EventBus':
      case 'AWS::Events::Rule':
        return this.name(logicalId);
      case 'AWS::SQS::Queue':
        return this.queueUrl(logicalId);
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::Scheduler::Schedule':
      case 'AWS::Scheduler::ScheduleGroup':
        return this.name(logicalId);
      case 'AWS::ApiGatewayV2::Api':
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::ApiKey':
      case 'AWS::ApiGateway::UsagePlan':
      case 'AWS::ApiGateway::Authorizer':
      case 'AWS::ApiGateway::Deployment':
      case 'AWS::ApiGateway::RequestValidator':
        return apiId(this.stackName, logicalId);
      case 'AWS::ApiGateway::Stage':
        return this.resolver.resolveString(r.Properties?.StageName);
      case 'AWS::ApiGateway::Model':
        return r.Properties?.Name === undefined ? logicalId : this.resolver.resolveString(r.Properties.Name);
      case 'AWS::Cognito::UserPool':
        // Pool ids look like `us-east-1_AbCdEfGhI`.
        return `${this.env.region}_${apiId(this.stackName, logicalId).slice(0, 9)}`;
      case 'AWS::Cognito::UserPoolClient':
        return apiId(this.stackName, logicalId) + apiId(this.stackName, `${logicalId}/client`).slice(0, 16);
      case 'AWS::Lambda::LayerVersion':
        return this.layerVersionArn(logicalId);
      case 'AWS::SSM::Parameter':
      case 'AWS::Events::Endpoint':
        return this.name(logicalId);
      case 'AWS::SecretsManager::Secret':
        return this.secretArn(logicalId);
      case 'AWS::Lambda::Alias':
      case 'AWS::Lambda::Version':
        // Both answer `Ref` with a qualified function ARN.
        return `${this.functionArn(this.resolver.resolveString(r.Properties?.FunctionName))}:${
          r.Type === 'AWS::Lambda::Alias' ? this.resolver.resolveString(r.Properties?.Name) : '1'
        }`;
      default:
        return logicalId;
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const r = this.resource(logicalId);
    const { region, accountId: account, partition } = this.env;
    const name = this.name(logicalId);
    switch (`${r.Type}.${attribute}`) {
      case 'AWS::Lambda::Function.Arn':
        return this.functionArn(name);
      case 'AWS::Events::EventBus.Arn':
        return `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::Events::Rule.Arn':
        return this.ruleArn(logicalId);
      case 'AWS::SQS::Queue.Arn':
        return `arn:${partition}:sqs:${region}:${account}:${name}`;
      case 'AWS::SQS::Queue.QueueName':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.queueUrl(logicalId);
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return apiId(this.stackName, logicalId);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `https://${apiId(this.stackName, logicalId)}.execute-api.${region}.amazonaws.com`;
      case 'AWS::ApiGateway::RestApi.RestApiId':
        return apiId(this.stackName, logicalId);
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return rootResourceId(this.stackName, logicalId);
      case 'AWS::Cognito::UserPool.Arn':
        return `arn:${partition}:cognito-idp:${region}:${account}:userpool/${this.ref(logicalId)}`;
      case 'AWS::Cognito::UserPool.ProviderName':
      case 'AWS::Cognito::UserPool.ProviderURL':
        return `cognito-idp.${region}.amazonaws.com/${this.ref(logicalId)}`;
      case 'AWS::DynamoDB::Table.Arn':
      case 'AWS::DynamoDB::GlobalTable.Arn':
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
      case 'AWS::DynamoDB::Table.StreamArn':
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
        // A stream's label is its creation time in AWS; locally a fixed one keeps ARNs stable across runs.
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name}/stream/1970-01-01T00:00:00.000`;
      case 'AWS::Scheduler::Schedule.Arn':
        return this.scheduleArn(logicalId);
      case 'AWS::Scheduler::ScheduleGroup.Arn':
        return `arn:${partition}:scheduler:${region}:${account}:schedule-group/${name}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:${partition}:iam::${account}:role/${name}`;
      case 'AWS::Lambda::Url.FunctionUrl':
        return `https://${functionUrlId(this.stackName, logicalId)}.lambda-url.${region}.on.aws/`;
      case 'AWS::Lambda::Url.FunctionArn': {
        const target = this.functionArn(this.resolver.resolveString(r.Properties?.TargetFunctionArn));
        return r.Properties?.Qualifier === undefined ? target : `${target}:${this.resolver.resolveString(r.Properties.Qualifier)}`;
      }
      case 'AWS::Lambda::LayerVersion.LayerVersionArn':
        return this.layerVersionArn(logicalId);
      case 'AWS::Events::Endpoint.Arn':
        return `arn:${partition}:events:${region}:${account}:endpoint/${name}`;
      case 'AWS::Events::Endpoint.EndpointId':
        return globalEndpointId(this.stackName, logicalId);
      case 'AWS::Events::Endpoint.EndpointUrl':
        return `https://${globalEndpointId(this.stackName, logicalId)}.endpoint.events.amazonaws.com`;
      case 'AWS::SSM::Parameter.Type':
        return this.resolver.resolveString(r.Properties?.Type ?? 'String');
      case 'AWS::SSM::Parameter.Value':
        return this.resolver.resolveString(r.Properties?.Value);
      case 'AWS::SecretsManager::Secret.Id':
        return this.secretArn(logicalId);
      default:
        // Attributes nothing local depends on still resolve, to a recognisable placeholder.
        return `arn:${partition}:local:${region}:${account}:${logicalId}/${attribute}`;
    }
  }

  /** The physical name of a resource: its name property if set, else `<stack>-<logicalId>`. */
  name(logicalId: string): string {
    const r = this.resource(logicalId);
    const nameProp = NAME_PROPERTY[r.Type];
    const given = nameProp ? r.Properties?.[nameProp] : undefined;
    if (given !== undefined) return this.resolver.resolveString(given);
    const suffix = randomLooking(`${this.stackName}/${logicalId}`, 12);
    // CloudFormation's own patterns for these types' generated names.
    if (r.Type === 'AWS::SSM::Parameter') return `CFN-${logicalId}-${suffix}`;
    if (r.Type === 'AWS::SecretsManager::Secret') return `${logicalId}-${suffix}`;
    if (r.Type === 'AWS::Lambda::LayerVersion') return logicalId;
    const generated = `${this.stackName}-${logicalId}`.slice(0, 64);
    if (r.Type === 'AWS::SQS::Queue' && r.Properties?.FifoQueue === true) return `${generated.slice(0, 75)}.fifo`;
    return generated;
  }

  /** The ARN of a function given by name or ARN. */
  functionArn(nameOrArn: string): string {
    if (nameOrArn.startsWith('arn:')) return nameOrArn;
    const { region, accountId: account, partition } = this.env;
    return `arn:${partition}:lambda:${region}:${account}:function:${nameOrArn}`;
  }

  /** The ARN of a rule: rules on a custom bus carry the bus name in theirs. */
  ruleArn(logicalId: string): string {
    const r = this.resource(logicalId);
    const { region, accountId: account, partition } = this.env;
    const bus = r.Properties?.EventBusName === undefined ? 'default' : busNameOf(this.resolver.resolveString(r.Properties.EventBusName));
    const prefix = bus === 'default' ? '' : `${bus}/`;
    return `arn:${partition}:events:${region}:${account}:rule/${prefix}${this.name(logicalId)}`;
  }

  /** The ARN of a Scheduler schedule: its group's name is part of it. */
  scheduleArn(logicalId: string): string {
    const r = this.resource(logicalId);
    const { region, accountId: account, partition } = this.env;
    const group = r.Properties?.GroupName === undefined ? 'default' : scheduleGroupNameOf(this.resolver.resolveString(r.Properties.GroupName));
    return `arn:${partition}:scheduler:${region}:${account}:schedule/${group}/${this.name(logicalId)}`;
  }

  /** A layer version's ARN: every layer of the app is at its first version locally. */
  layerVersionArn(logicalId: string): string {
    const { region, accountId: account, partition } = this.env;
    return `arn:${partition}:lambda:${region}:${account}:layer:${this.name(logicalId)}:1`;
  }

  /** A secret's ARN: its name and the 6 random characters Secrets Manager appends (stable here). */
  secretArn(logicalId: string): string {
    const { region, accountId: account, partition } = this.env;
    return `arn:${partition}:secretsmanager:${region}:${account}:secret:${this.name(logicalId)}-${randomLooking(`${this.stackName}/${logicalId}/arn`, 6)}`;
  }

  private queueUrl(logicalId: string): string {
    return `${this.env.endpointUrl.replace(/\/$/, '')}/${this.env.accountId}/${this.name(logicalId)}`;
  }

  private resource(logicalId: string): CfnResource {
    const r = this.resources[logicalId];
    if (!r) throw new Error(`Stack ${this.stackName} has no resource '${logicalId}' (referenced by Ref/Fn::GetAtt)`);
    return r;
  }
}

/** A bus given by name or ARN, as a name. */
export function busNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}

/** A schedule group given by name or ARN, as a name. */
export function scheduleGroupNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:scheduler:[^:]*:[^:]*:schedule-group\/(.+)$/.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}

/** A stable, API-Gateway-looking id (10 lowercase alphanumerics) for an API. */
export function apiId(stackName: string, logicalId: string): string {
  return stableId(`${stackName}/${logicalId}`, 10, LOWER_ALPHANUMERIC);
}

/** A global endpoint's id (`EndpointId`): like AWS's, lowercase letters and digits, a dot, and three more. */
export function globalEndpointId(stackName: string, logicalId: string): string {
  const id = stableId(`${stackName}/${logicalId}/endpoint`, 13, LOWER_ALPHANUMERIC);
  return `${id.slice(0, 10)}.${id.slice(10)}`;
}

/** A function URL's id (`<urlId>.lambda-url.<region>.on.aws`): 32 lowercase letters and digits, as AWS draws them. */
export function functionUrlId(stackName: string, logicalId: string): string {
  return stableId(`${stackName}/${logicalId}/url`, 32, LOWER_ALPHANUMERIC);
}

/** `length` letters and digits derived from `seed`: the random parts of generated names, stable across runs. */
function randomLooking(seed: string, length: number): string {
  return stableId(seed, length, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
}

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Up to 32 characters of `alphabet` drawn from the SHA-256 of `seed`. */
function stableId(seed: string, length: number, alphabet: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return Array.from(digest.subarray(0, length), (b) => alphabet[b % alphabet.length]).join('');
}

/** The local id of a REST API's root resource (`/`), what `Fn::GetAtt [api, RootResourceId]` answers. */
export function rootResourceId(stackName: string, apiLogicalId: string): string {
  return apiId(stackName, `${apiLogicalId}/`);
}

const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::ApiGatewayV2::Api': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::Lambda::LayerVersion': 'LayerName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::Events::Endpoint': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
};
