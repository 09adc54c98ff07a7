/**
 * `AccessDeniedException` in each protocol's error shape, so that the AWS SDK raises it by name:
 * JSON protocols carry the code in `__type` (HTTP 400, as DynamoDB, EventBridge, Secrets Manager
 * and SSM answer it); Lambda and Scheduler (REST-JSON) in `x-amzn-errortype` with HTTP 403; SQS's
 * JSON protocol adds the query API's code (`AccessDenied;Sender`), which the SDK reports.
 */
import { AwsServiceError } from '../aws/protocol';
import type { IamService } from './actions';

/** The service's access-denied error with `message`. */
export function accessDenied(service: IamService, message: string): AwsServiceError {
  switch (service) {
    case 'sqs':
      return new AwsServiceError(403, 'com.amazon.coral.service#AccessDeniedException', message, {}, { 'x-amzn-query-error': 'AccessDenied;Sender' });
    case 'lambda':
      return new AwsServiceError(403, 'AccessDeniedException', message, { Type: 'User' });
    case 'scheduler':
      return new AwsServiceError(403, 'AccessDeniedException', message);
    case 'dynamodb':
      return new AwsServiceError(400, 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message);
    default:
      return new AwsServiceError(400, 'AccessDeniedException', message);
  }
}
