import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag findings that are inherent to how Switchyard builds a function, acknowledged with
 * the reason. Everything else is left for cdk-nag to report. Ids are the qualified,
 * granular ids cdk-nag 3 reports, so only the exact finding is acknowledged.
 */
export function acknowledgeFunctionFindings(fn: lambda.Function): void {
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write CloudWatch Logs; it is the AWS-maintained minimum for Lambda.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions, so active tracing needs Resource "*".',
    },
    {
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'Functions behind HTTP routes are invoked synchronously and return errors to the caller; functions invoked asynchronously ' +
        'get an on-failure destination to an SQS queue (AWS::Lambda::EventInvokeConfig), which supersedes the legacy DeadLetterConfig.',
    },
  );
  if (fn.isBoundToVpc) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: 'AWSLambdaVPCAccessExecutionRole only lets the function manage its network interfaces in the VPC it was given; it is the AWS-maintained minimum for Lambda in a VPC.',
    });
  }
}

/**
 * Acknowledges findings on a dead-letter queue Switchyard created.
 * @param deadLetterQueueOf what the queue is the dead-letter queue of, in words (`an EventBridge target and a Lambda on-failure destination`)
 */
export function acknowledgeQueueFindings(queue: sqs.IQueue, deadLetterQueueOf: string): void {
  Validations.of(queue).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: `This queue is a dead-letter queue, of ${deadLetterQueueOf}, which cdk-nag only recognizes when another queue's redrive policy names it.`,
    },
    {
      id: 'Serverless::Serverless-SQSRedrivePolicy',
      reason: `This queue is itself the dead-letter queue of ${deadLetterQueueOf}; a redrive policy on it would only move failures further away.`,
    },
  );
}

/**
 * Acknowledges findings on aws-cdk-lib's provider function of `AwsCustomResource` (one per
 * stack), which Switchyard uses to read another region's or account's parameters at deploy.
 */
export function acknowledgeCustomResourceProviderFindings(provider: IConstruct): void {
  Validations.of(provider).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "aws-cdk-lib's AwsCustomResource provider: AWSLambdaBasicExecutionRole only lets it write CloudWatch Logs; the SDK calls it makes are granted one by one.",
    },
    {
      id: 'Serverless::Serverless-LambdaDLQ',
      reason: 'A CloudFormation custom resource provider: CloudFormation invokes it and fails the deployment on an error, so a dead-letter queue would hold nothing to act on.',
    },
  );
}

/** Acknowledges findings on the event source mapping of an SQS queue Switchyard created. */
export function acknowledgeMappingFindings(mapping: IConstruct): void {
  Validations.of(mapping).acknowledge({
    id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
    reason: "Lambda takes no on-failure destination for an SQS event source: failed messages return to the queue and move to its dead-letter queue through the queue's redrive policy, which Switchyard sets (alarmed).",
  });
}
