/**
 * The parts of the app model for Lambda features beside the function itself: function URLs and
 * layers.
 */
import type { CorsModel, ResourceRef } from './types';

/** A Lambda function URL (`AWS::Lambda::Url`, what `fn.addFunctionUrl()` declares). */
export interface FunctionUrlModel extends ResourceRef {
  /** The name `dev` prints: the declared construct path's tail (`Api/FunctionUrl`). */
  readonly displayName: string;
  /**
   * The id AWS puts in the URL's host name (`<urlId>.lambda-url.<region>.on.aws`): 32 lowercase
   * letters and digits, stable per stack and logical id (AWS draws one at deploy).
   */
  readonly urlId: string;
  /** The URL as `Fn::GetAtt [Url, FunctionUrl]` answers it: `https://<urlId>.lambda-url.<region>.on.aws/`. */
  readonly url: string;
  /** The target function's logical id. */
  readonly functionLogicalId: string;
  /** The alias the URL invokes (`Qualifier`); absent for the unqualified function. */
  readonly qualifier?: string;
  /** `NONE` (anyone) or `AWS_IAM` (SigV4-signed requests). */
  readonly authType: 'NONE' | 'AWS_IAM';
  /** `BUFFERED` (the default) or `RESPONSE_STREAM`. */
  readonly invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  /** The URL's CORS configuration; Lambda answers preflights and adds the headers itself. */
  readonly cors?: CorsModel;
}

/** A layer of a function, in the order Lambda extracts them into /opt (later ones over earlier). */
export interface FunctionLayerModel {
  /** The layer version's ARN, as the function's `Layers` names it. */
  readonly arn: string;
  /** The name `dev` prints: the layer's construct id, or its ARN for a layer from outside the app. */
  readonly displayName: string;
  /**
   * The layer's content folder (its asset in the assembly): what Lambda extracts into /opt.
   * Absent for a layer from outside the app (referenced by ARN), which has no code here.
   */
  readonly codeDir?: string;
  /**
   * For a well-known public layer from outside the app: the package scopes it provides
   * (`@aws-lambda-powertools` for the Powertools layer), which the local runtime takes from the
   * project's node_modules instead, as it takes the AWS SDK that Lambda provides.
   */
  readonly providedScopes?: readonly string[];
}
