/**
 * REST request validators: required request parameters (`validateRequestParameters`) and the
 * body against the method's request model for its Content-Type (`validateRequestBody`), a JSON
 * Schema draft 4 checked with Ajv's draft-04 class (the schema dialect API Gateway models use).
 */
import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import type { RestApiModel, RestMethodModel } from '../../model';
import type { RestFailure } from './rest-errors';
import { firstMediaType } from './rest-response';

/** The request parts a validator reads. */
export interface ValidatedRequest {
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query: URLSearchParams;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Validates requests of one API; schemas are compiled on first use and kept. */
export class RestValidator {
  private readonly ajv: Ajv04;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly api: RestApiModel) {
    // Models may refer to each other by their API Gateway URL, so each is registered under it.
    this.ajv = new Ajv04({ strict: false, allErrors: false });
    for (const [name, schema] of Object.entries(api.models)) {
      const { $schema: _dialect, ...rest } = schema;
      this.ajv.addSchema(rest, modelUrl(api.apiId, name));
    }
  }

  /** Undefined when the request passes the method's validator (or it has none). */
  validate(method: RestMethodModel, req: ValidatedRequest): RestFailure | undefined {
    if (!method.validator) return undefined;
    if (method.validator.parameters) {
      const missing = method.requiredParameters.filter((p) => !present(p, req)).map((p) => p.replace(/^method\.request\.(header|querystring|path|multivaluequerystring|multivalueheader)\./, ''));
      if (missing.length) return { type: 'BAD_REQUEST_PARAMETERS', message: `Missing required request parameters: [${missing.join(', ')}]` };
    }
    if (method.validator.body) return this.validateBody(method, req);
    return undefined;
  }

  private validateBody(method: RestMethodModel, req: ValidatedRequest): RestFailure | undefined {
    // Without a Content-Type API Gateway assumes JSON; a type without a model falls back to `$default`.
    const contentType = firstMediaType(String(req.headers['content-type'] ?? '')) || 'application/json';
    const modelName = method.requestModels[contentType] ?? method.requestModels.$default;
    if (modelName === undefined) return undefined;
    const validate = this.validatorFor(modelName);
    if (!validate) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(req.body.toString('utf8'));
    } catch {
      return { type: 'BAD_REQUEST_BODY', message: 'Invalid request body', validationErrorString: '[Invalid JSON in request body]' };
    }
    if (validate(value)) return undefined;
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    return { type: 'BAD_REQUEST_BODY', message: 'Invalid request body', validationErrorString: `[${errors.join(', ')}]` };
  }

  private validatorFor(modelName: string): ValidateFunction | undefined {
    let fn = this.compiled.get(modelName);
    if (!fn) {
      fn = this.ajv.getSchema(modelUrl(this.api.apiId, modelName));
      if (fn) this.compiled.set(modelName, fn);
    }
    return fn;
  }
}

/** The URL API Gateway gives a model, by which other models `$ref` it. */
export function modelUrl(apiId: string, name: string): string {
  return `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;
}

function present(parameter: string, req: ValidatedRequest): boolean {
  const m = /^method\.request\.(header|querystring|path|multivaluequerystring|multivalueheader)\.(.+)$/.exec(parameter);
  if (!m) return true;
  const [, where, name] = m;
  if (where === 'header' || where === 'multivalueheader') return req.headers[name.toLowerCase()] !== undefined;
  if (where === 'path') return req.pathParameters[name] !== undefined;
  return req.query.has(name);
}
