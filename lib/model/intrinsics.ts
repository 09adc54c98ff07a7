/**
 * Resolution of the CloudFormation intrinsic functions that matter for running an app locally:
 * `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::ImportValue`,
 * `Fn::If` (condition evaluated when it is cheap) and the pseudo parameters.
 */

/** A CloudFormation template, as far as this module reads it. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Type?: string; readonly Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Description?: string; readonly Export?: { readonly Name?: unknown } }>;
}

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  /** Resources created before this one. */
  readonly DependsOn?: string | readonly string[];
}

/**
 * How a resource answers `Ref` and `Fn::GetAtt`: supplied by the model reader, which knows the
 * local physical names, ARNs and URLs of the resource types it serves.
 */
export interface ResourceAttributes {
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
}

/** The values of the pseudo parameters. */
export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

/** Thrown when a value cannot be resolved to a local value. */
export class UnresolvableIntrinsicError extends Error {
  /** Stable code for callers that switch on errors. */
  readonly code = 'UnresolvableIntrinsic';
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableIntrinsicError';
  }
}

/**
 * Resolves intrinsics in one stack's context.
 *
 * @example
 * const r = new IntrinsicResolver(template, pseudo, attributes, exports);
 * r.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }]] }); // 'arn:aws'
 */
export class IntrinsicResolver {
  constructor(
    private readonly template: CfnTemplate,
    private readonly pseudo: PseudoParameters,
    private readonly attributes: ResourceAttributes,
    private readonly exports: ReadonlyMap<string, string> = new Map(),
    private readonly ssmParameters: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Resolves any JSON value, recursing into arrays and objects that are not intrinsics. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
      return this.resolveIntrinsic(keys[0], obj[keys[0]]);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = this.resolve(obj[k]);
    return out;
  }

  /** Resolves a value that must end up a string (numbers and booleans are stringified as CloudFormation does). */
  resolveString(value: unknown): string {
    const v = this.resolve(value);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new UnresolvableIntrinsicError(`Expected a string, got ${JSON.stringify(v)}`);
  }

  private resolveIntrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : splitOnce(String(arg), '.');
        return this.attributes.getAtt(id, attr);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown];
        const list = this.resolve(parts);
        if (!Array.isArray(list)) throw new UnresolvableIntrinsicError(`Fn::Join expects a list, got ${JSON.stringify(list)}`);
        return list.map((p) => this.stringOf(p)).join(sep);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const resolved = this.resolve(list);
        if (!Array.isArray(resolved)) throw new UnresolvableIntrinsicError('Fn::Select expects a list');
        return resolved[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return this.resolveString(source).split(sep);
      }
      case 'Fn::ImportValue': {
        const name = this.resolveString(arg);
        const v = this.exports.get(name);
        if (v === undefined) throw new UnresolvableIntrinsicError(`No stack in the assembly exports '${name}'`);
        return v;
      }
      case 'Fn::If': {
        const [cond, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.resolve(this.condition(cond) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = arg as [unknown, unknown];
        return JSON.stringify(this.resolve(a)) === JSON.stringify(this.resolve(b));
      }
      case 'Fn::Not':
        return !this.truthy((arg as unknown[])[0]);
      case 'Fn::And':
        return (arg as unknown[]).every((c) => this.truthy(c));
      case 'Fn::Or':
        return (arg as unknown[]).some((c) => this.truthy(c));
      case 'Condition':
        return this.condition(String(arg));
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${this.pseudo.region}${z}`);
      case 'Fn::Base64':
        return Buffer.from(this.resolveString(arg)).toString('base64');
      default:
        throw new UnresolvableIntrinsicError(`Intrinsic ${fn} is not supported locally`);
    }
  }

  private truthy(value: unknown): boolean {
    return this.resolve(value) === true;
  }

  private condition(name: string): boolean {
    const def = this.template.Conditions?.[name];
    if (def === undefined) throw new UnresolvableIntrinsicError(`Unknown condition '${name}'`);
    return this.resolve(def) === true;
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.pseudo.region;
      case 'AWS::AccountId':
        return this.pseudo.accountId;
      case 'AWS::Partition':
        return this.pseudo.partition;
      case 'AWS::URLSuffix':
        return this.pseudo.urlSuffix;
      case 'AWS::StackName':
        return this.pseudo.stackName;
      case 'AWS::StackId':
        return `arn:${this.pseudo.partition}:cloudformation:${this.pseudo.region}:${this.pseudo.accountId}:stack/${this.pseudo.stackName}/local`;
      case 'AWS::NoValue':
        return undefined;
      case 'AWS::NotificationARNs':
        return [];
    }
    const param = this.template.Parameters?.[name];
    // A parameter CloudFormation fills from SSM (`AWS::SSM::Parameter::Value<String>`, what
    // `valueForStringParameter` and EventApp.lookup write) answers with the value another stack of
    // the app stores under that name, as the deploy would read it; else with its default, the name.
    if (param?.Type?.startsWith('AWS::SSM::Parameter::Value<') && typeof param.Default === 'string') return this.ssmParameters.get(param.Default) ?? param.Default;
    if (param) return param.Default;
    return this.attributes.ref(name);
  }

  private sub(arg: unknown): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>?]) : [String(arg), undefined];
    // `${!Literal}` stands for the literal text `${Literal}`.
    return text.replace(/\$\{([^}]*)\}/g, (whole, expr: string) => {
      if (expr.startsWith('!')) return '${' + expr.slice(1) + '}';
      if (vars && expr in vars) return this.resolveString(vars[expr]);
      if (expr.includes('.') && !expr.startsWith('AWS::')) {
        const [id, attr] = splitOnce(expr, '.');
        return this.attributes.getAtt(id, attr);
      }
      const v = this.ref(expr);
      if (v === undefined) throw new UnresolvableIntrinsicError(`Cannot resolve ${whole} in Fn::Sub`);
      return this.stringOf(v);
    });
  }

  private stringOf(v: unknown): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v === undefined) return '';
    throw new UnresolvableIntrinsicError(`Expected a string, got ${JSON.stringify(v)}`);
  }
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
