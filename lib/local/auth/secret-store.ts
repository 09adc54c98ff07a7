/**
 * The local values of secrets and parameters, first match wins:
 *
 * 1. `.switchyard/secrets.json`: git-ignored, for real values (a sandbox key, a test database
 *    password). It overrides the committed file key by key.
 * 2. `dev-secrets.json`: committed beside `cdk.json`, holding obviously fake placeholder values
 *    so that a fresh clone runs as is. Never a real value: it is in version control.
 * 3. The template: an `ssm.StringParameter`'s value, a `secretsmanager.Secret`'s
 *    `secretStringValue`, or for a secret Secrets Manager generates (`generateSecretString`) a
 *    value generated once by the same rules into `.switchyard/generated-secrets.json`
 *    (git-ignored, mode 0600), so that it stays the same across restarts as a deployed one does.
 *
 * Both files have the same shape, keyed by the names the services know:
 *
 *   { "secretsmanager": { "shop/payment-api-key": "..." }, "ssm": { "/shop/db-password": "..." } }
 *
 * Other top-level keys (a `"//"` note) are ignored. The files are read on every call, so an edit
 * takes effect without restarting `switchyard dev`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParameterModel, SecretModel } from '../../model';
import { AwsServiceError } from '../aws/protocol';
import { generateSecretValue } from './generate-secret';

/** The committed file of fake development values, relative to the project folder. */
export const DEV_SECRETS_FILE = 'dev-secrets.json';
/** The git-ignored file of real local values, relative to the project folder. */
export const LOCAL_SECRETS_FILE = path.join('.switchyard', 'secrets.json');
/** Where generated secret values are kept, relative to the project folder. */
export const GENERATED_SECRETS_FILE = path.join('.switchyard', 'generated-secrets.json');

/** The two services a local value can be read through. */
export type SecretService = 'secretsmanager' | 'ssm';
type SecretsFile = Partial<Record<SecretService, Record<string, unknown>>>;

/** What the templates declare, served below the files. */
export interface DeclaredValues {
  readonly parameters?: readonly ParameterModel[];
  readonly secrets?: readonly SecretModel[];
}

/** A secret as `GetSecretValue` answers it. */
export interface LocalSecret {
  readonly name: string;
  readonly arn: string;
  /** Undefined for a declared secret that has no value (neither `SecretString` nor `GenerateSecretString`). */
  readonly value?: string;
  /** Where the value comes from: a file's path, `template` or `generated`. */
  readonly source: string;
  /** Why a declared secret has no value locally (its `GenerateSecretString` cannot generate one). */
  readonly problem?: string;
}

/** A parameter as `GetParameter` answers it. */
export interface LocalParameter {
  readonly name: string;
  readonly value: string;
  readonly type: string;
  readonly dataType: string;
  /** A file's path or `template`. */
  readonly source: string;
}

/** The local values of secrets and parameters. */
export class SecretStore {
  private readonly generated = new Map<string, { value?: string; problem?: string }>();
  /** Maps a template's value to its local form (see {@link localizeWith}). */
  private localValue: (value: string) => string = (value) => value;

  /**
   * @param files the JSON files holding the values, the one that wins first
   * @param declared what the templates declare, served below the files
   * @param options where generated secret values are kept (without it they live in memory), and
   *   the project folder that sources are named relative to
   */
  constructor(
    readonly files: readonly string[],
    private readonly region: string,
    private readonly accountId: string,
    private readonly declared: DeclaredValues = {},
    private readonly options: { readonly generatedFile?: string; readonly projectDir?: string } = {},
  ) {
    this.generateValues(options.generatedFile);
  }

  /** The store of a project: `.switchyard/secrets.json` over `dev-secrets.json` over the template. */
  static forProject(projectDir: string, region: string, accountId: string, declared: DeclaredValues = {}): SecretStore {
    const files = [path.join(projectDir, LOCAL_SECRETS_FILE), path.join(projectDir, DEV_SECRETS_FILE)];
    return new SecretStore(files, region, accountId, declared, { generatedFile: path.join(projectDir, GENERATED_SECRETS_FILE), projectDir });
  }

  /** A secret by name or ARN (full, or partial: without the random suffix). */
  secret(id: string): LocalSecret | undefined {
    const arnName = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(id)?.[1];
    const declared = (this.declared.secrets ?? []).find((s) => s.arn === id || s.name === id || s.name === arnName);
    const names = declared ? [declared.name] : [id, arnName, arnName?.replace(/-[A-Za-z0-9]{6}$/, '')];
    for (const name of names) {
      const found = name === undefined ? undefined : this.lookup('secretsmanager', name);
      if (name !== undefined && found) return { name, value: found.value, source: found.file, arn: declared?.arn ?? this.fileSecretArn(name) };
    }
    if (!declared) return undefined;
    const key = `${declared.stack}/${declared.logicalId}`;
    const base = { name: declared.name, arn: declared.arn };
    if (declared.value !== undefined) return { ...base, value: declared.value, source: 'template' };
    if (!declared.generate) return { ...base, source: 'template' };
    return { ...base, source: 'generated', ...this.generated.get(key) };
  }

  /**
   * Serves the template's parameter values in their local form: a parameter holding an API's URL
   * in AWS (one app publishing its endpoint for another) answers with its local URL. Set once the
   * APIs listen; values from the override files are served as written.
   */
  localizeWith(localValue: (value: string) => string): void {
    this.localValue = localValue;
  }

  /** A parameter by name or ARN. */
  parameter(id: string): LocalParameter | undefined {
    const arnPath = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(id)?.[1];
    // `parameter/a/b` is the ARN of `/a/b`, and of `a` for a name without a leading slash.
    for (const name of arnPath ? [arnPath, arnPath.slice(1)] : [id]) {
      const declared = (this.declared.parameters ?? []).find((p) => p.name === name);
      const found = this.lookup('ssm', name);
      if (found) return { name, value: found.value, type: declared?.type ?? 'SecureString', dataType: declared?.dataType ?? 'text', source: found.file };
      if (declared) return { name, value: this.localValue(declared.value), type: declared.type, dataType: declared.dataType, source: 'template' };
    }
    return undefined;
  }

  /** Every parameter name known: the templates' and the files'. */
  parameterNames(): string[] {
    const names = new Set((this.declared.parameters ?? []).map((p) => p.name));
    for (const file of this.files) for (const name of Object.keys(read(file).ssm ?? {})) names.add(name);
    return [...names].sort();
  }

  /** The parameter's ARN. */
  parameterArn(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter/${name.replace(/^\//, '')}`;
  }

  /**
   * The secrets and parameters the templates declare, with where each value comes from now: a
   * file (relative to the project), `template`, `generated` or `none` with the reason.
   */
  declaredSources(): Array<{ readonly kind: 'secret' | 'parameter'; readonly name: string; readonly source: string }> {
    const shown = (source: string) => (this.options.projectDir && path.isAbsolute(source) ? path.relative(this.options.projectDir, source) : source);
    return [
      ...(this.declared.secrets ?? []).map((s) => ({ kind: 'secret' as const, name: s.name, source: shown(this.sourceOf(this.secret(s.arn))) })),
      ...(this.declared.parameters ?? []).map((p) => ({ kind: 'parameter' as const, name: p.name, source: shown(this.parameter(p.name)?.source ?? 'template') })),
    ];
  }

  /** What to tell a user whose value is missing: where each file is and the exact JSON to add. */
  missingHint(service: SecretService, name: string): string {
    const entry = JSON.stringify({ [service]: { [name]: '<value>' } });
    const [local, committed] = this.files;
    const where = committed
      ? `add ${entry} to ${local} (git-ignored, for real values) or, for a fake placeholder the whole team may share, to ${committed} (committed)`
      : `add ${entry} to ${local}`;
    return `(Locally: ${where}.)`;
  }

  private sourceOf(secret: LocalSecret | undefined): string {
    if (!secret) return 'none';
    if (secret.problem) return `none: ${secret.problem}`;
    return secret.value === undefined ? 'none (the template gives it no value)' : secret.source;
  }

  /** A secret only the files know: an ARN with a fixed suffix, as the name alone cannot give Secrets Manager's random one. */
  private fileSecretArn(name: string): string {
    return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-local0`;
  }

  private lookup(service: SecretService, name: string): { value: string; file: string } | undefined {
    for (const file of this.files) {
      const value = read(file)[service]?.[name];
      if (typeof value === 'string') return { value, file };
    }
    return undefined;
  }

  /**
   * Values for the secrets Secrets Manager would generate: kept in `file` per secret, with a
   * digest of the generation options, so that a value survives restarts and is drawn again only
   * when the options change (a redeploy that replaces the secret does the same).
   */
  private generateValues(file: string | undefined): void {
    const kept = file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { options: string; value: string }>) : {};
    let changed = false;
    for (const secret of this.declared.secrets ?? []) {
      if (!secret.generate) continue;
      const key = `${secret.stack}/${secret.logicalId}`;
      const options = createHash('sha256').update(JSON.stringify(secret.generate)).digest('hex').slice(0, 16);
      if (kept[key]?.options === options) {
        this.generated.set(key, { value: kept[key].value });
        continue;
      }
      try {
        kept[key] = { options, value: generateSecretValue(secret.generate) };
        this.generated.set(key, { value: kept[key].value });
        changed = true;
      } catch (err) {
        this.generated.set(key, { problem: `its GenerateSecretString cannot generate a value: ${(err as Error).message}` });
      }
    }
    if (file && changed) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
    }
  }
}

function read(file: string): SecretsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    return JSON.parse(text) as SecretsFile;
  } catch (err) {
    throw new AwsServiceError(500, 'InternalServiceError', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}
