import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import { DEFAULT_DISCOVERY_NAMESPACE, discoveryLayout } from '../../runtime/discovery';
import type { AppLookupOptions, ImportedEventAppAttributes, ImportedEventAppSource } from '../discovery';
import { checkAccounts, checkDiscovery, publisherOf } from './endpoints';
import { acknowledgeCustomResourceProviderFindings } from './nag';

/**
 * Reads a looked-up app's values from the parameters it published. In the stack's own account
 * and region, as CloudFormation parameters of type `AWS::SSM::Parameter::Value<String>` (read
 * again on every deployment, as `ssm.StringParameter.valueForStringParameter` does). Elsewhere
 * CloudFormation cannot read them, so an `AwsCustomResource` calls `GetParameter` in the app's
 * region, by the parameter's ARN (the only way SSM serves a parameter another account shared),
 * when it is created or its inputs change.
 */
export function lookupSource(scope: Construct, appName: string, options: AppLookupOptions): ImportedEventAppSource {
  const stack = Stack.of(scope);
  const namespace = options.namespace ?? DEFAULT_DISCOVERY_NAMESPACE;
  checkDiscovery(scope, appName, namespace);
  checkAccounts(scope, 'EventApp.lookup\'s account', options.account ? [options.account] : []);
  const account = options.account ?? stack.account;
  const region = options.region ?? stack.region;
  const otherAccount = account !== stack.account;
  const remote = otherAccount || region !== stack.region;
  const root = discoveryLayout.root(namespace, appName);
  // Within one CDK app, CloudFormation would read a parameter before the stack writing it
  // exists, or in the same deployment: such a reference is a plain token instead. (Granting
  // run-time discovery reads nothing at deploy, so it is fine there.)
  const valuesRead: string[] = [];
  scope.node.addValidation({
    validate: () => {
      const publisher = publisherOf(scope, root);
      if (!publisher || valuesRead.length === 0) return [];
      return [`[${ErrorCode.INVALID_DISCOVERY}] EventApp.lookup('${appName}') at ${scope.node.path} finds an app of this CDK app (${publisher}): its parameters are read before they are written. Fix: reference that EventApp directly (its bus, url, queues; receiveEvents({ from: it }))`];
    },
  });
  return {
    appName, account, region, otherAccount, root, namespace,
    read(within, id, parameterName) {
      const name = parameterName(root);
      valuesRead.push(name);
      if (!remote) return ssm.StringParameter.valueForStringParameter(within, name);
      const arn = stack.formatArn({ service: 'ssm', account, region, resource: 'parameter', resourceName: name.slice(1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
      const call: cr.AwsSdkCall = { service: 'SSM', action: 'getParameter', parameters: { Name: arn }, region, physicalResourceId: cr.PhysicalResourceId.of(name) };
      const read = new cr.AwsCustomResource(within, id, {
        onUpdate: call,
        policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [arn] }),
        installLatestAwsSdk: false,
        memorySize: 256, // one small SDK call; explicit, as cdk-nag's Serverless pack asks
      });
      acknowledgeCustomResourceProviderFindings(stack.node.findChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`));
      return read.getResponseField('Parameter.Value');
    },
  };
}

/** The values given to `EventApp.fromAttributes`; reading one not given is a synth error. */
export function attributesSource(scope: Construct, attributes: ImportedEventAppAttributes): ImportedEventAppSource {
  const stack = Stack.of(scope);
  const arn = attributes.busArn;
  const parts = Token.isUnresolved(arn) ? undefined : Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  if (parts && (parts.service !== 'events' || parts.resource !== 'event-bus')) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_DISCOVERY, problem: 'busArn is not an EventBridge bus ARN', scope, value: arn,
      fix: 'give the ARN of the app\'s bus: arn:aws:events:<region>:<account>:event-bus/<name>',
    });
  }
  const account = parts?.account ?? stack.account;
  const given: Record<string, string | undefined> = { busArn: arn, apiUrl: attributes.apiUrl };
  for (const [name, queueArn] of Object.entries(attributes.queueArns ?? {})) given[`queueArns.${name}`] = queueArn;
  return {
    appName: attributes.appName, account, region: parts?.region ?? stack.region, otherAccount: account !== stack.account,
    read(within, _id, _parameterName, attribute) {
      const value = given[attribute];
      if (value !== undefined) return value;
      throw new SwitchyardError({
        code: ErrorCode.INVALID_DISCOVERY, problem: `The app ${attributes.appName} was imported without this attribute`, scope: within, value: attribute,
        fix: `pass it to EventApp.fromAttributes (${attribute.startsWith('queue') ? 'queueArns: { <name>: <arn> }' : attribute}), or look the app up by name`,
      });
    },
  };
}
