import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { HttpAuthorization } from './auth';

/** Settings of the app's HTTP API. */
export interface HttpApiOptions {
  /**
   * Name of the API.
   * @default - derived from the construct path
   */
  readonly apiName?: string;
  /**
   * Default throttling of every route.
   * @default { rateLimit: 1000, burstLimit: 2000 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * How long access logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * CORS preflight settings; none unless given. A wildcard origin with credentials, or an
   * origin that is not `scheme://host[:port]`, fails synth.
   * @default - no CORS
   */
  readonly cors?: apigwv2.CorsPreflightOptions;
  /**
   * Who may call every route that does not say otherwise: `'iam'`, a JWT or a Lambda
   * authorizer. Routes opt out only explicitly, with `auth: 'none'`.
   * @default - no default: routes are public unless they set `auth`
   */
  readonly auth?: HttpAuthorization;
  /**
   * A customer-managed KMS key for the access log group.
   * @default - the app's `encryptionKey`, else CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}
