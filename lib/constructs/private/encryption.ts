import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

const prepared = new WeakSet<kms.IKey>();

/**
 * Lets the AWS services that write into Switchyard's encrypted resources use a customer-managed
 * key, through its key policy (service principals cannot be granted through IAM roles):
 *
 * - EventBridge (`events.amazonaws.com`) sends undeliverable events to an SQS dead-letter queue
 *   encrypted with the key, which needs `kms:GenerateDataKey` and `kms:Decrypt`; limited to
 *   this account's rules by `aws:SourceAccount`.
 * - CloudWatch Logs (`logs.<region>.amazonaws.com`) encrypts log groups with the key; limited
 *   to this account's log groups through the `aws:logs:arn` encryption context.
 *
 * Lambda writes to an encrypted on-failure queue with the function's own role, which
 * `SqsDestination` already grants on the key. An imported key's policy cannot be changed here:
 * a warning names the statements to add by hand.
 */
export function allowServicesToUseKey(scope: IConstruct, key: kms.IKey): void {
  if (prepared.has(key)) return;
  prepared.add(key);
  const stack = Stack.of(scope);
  const statements = [
    new iam.PolicyStatement({
      sid: 'AllowEventBridgeDeadLetterQueues',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsEncryption',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
    }),
  ];
  const added = statements.map((s) => key.addToResourcePolicy(s).statementAdded);
  if (added.includes(false)) {
    Annotations.of(scope).addWarningV2(
      'switchyard:importedEncryptionKey',
      `The encryption key ${key.node.path} is imported, so its key policy cannot be extended here. ` +
        'Fix: add statements to its key policy allowing events.amazonaws.com kms:GenerateDataKey and kms:Decrypt (condition aws:SourceAccount), ' +
        `and logs.${stack.region}.amazonaws.com kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe* (condition on kms:EncryptionContext:aws:logs:arn), or pass a kms.Key defined in this app.`,
    );
  }
}
