/**
 * `AWS::SSM::Parameter` and `AWS::SecretsManager::Secret` -> {@link ParameterModel} and
 * {@link SecretModel}: the configuration a template declares, which the local SSM and Secrets
 * Manager APIs serve (below the project's local override files).
 */
import { resourcesOfType, type StackContext } from './context';
import type { CfnResource } from './intrinsics';
import type { GenerateSecretStringModel, ParameterModel, SecretModel } from './types';

/** Reads the SSM parameters of one stack; one whose value cannot be resolved locally is left out, with the reason in `skipped`. */
export function readParameters(ctx: StackContext, skipped: string[]): ParameterModel[] {
  const out: ParameterModel[] = [];
  for (const [logicalId, r] of resourcesOfType(ctx, 'AWS::SSM::Parameter')) {
    const p = r.Properties ?? {};
    const name = ctx.attributes.name(logicalId);
    const value = resolved(ctx, p.Value, `SSM parameter ${name}`, skipped);
    if (value === undefined) continue;
    out.push({
      stack: ctx.stack.id,
      logicalId,
      name,
      type: ctx.resolver.resolveString(p.Type ?? 'String'),
      value,
      dataType: p.DataType === undefined ? 'text' : ctx.resolver.resolveString(p.DataType),
    });
  }
  return out;
}

/** Reads the secrets of one stack; one whose value cannot be resolved locally is left out, with the reason in `skipped`. */
export function readSecrets(ctx: StackContext, skipped: string[]): SecretModel[] {
  const out: SecretModel[] = [];
  for (const [logicalId, r] of resourcesOfType(ctx, 'AWS::SecretsManager::Secret')) {
    const p = r.Properties ?? {};
    const name = ctx.attributes.name(logicalId);
    const base = { stack: ctx.stack.id, logicalId, name, arn: ctx.attributes.secretArn(logicalId) };
    if (p.SecretString !== undefined) {
      const value = resolved(ctx, p.SecretString, `secret ${name}`, skipped);
      if (value !== undefined) out.push({ ...base, value });
    } else {
      out.push({ ...base, generate: p.GenerateSecretString === undefined ? undefined : generateSpec(ctx, r) });
    }
  }
  return out;
}

/** `GenerateSecretString` with AWS's defaults (GetRandomPassword's). */
function generateSpec(ctx: StackContext, r: CfnResource): GenerateSecretStringModel {
  const g = (ctx.resolver.resolve(r.Properties?.GenerateSecretString) ?? {}) as Record<string, unknown>;
  const flag = (v: unknown, fallback: boolean) => (v === undefined ? fallback : v === true || v === 'true');
  return {
    passwordLength: g.PasswordLength === undefined ? 32 : Number(g.PasswordLength),
    excludeCharacters: typeof g.ExcludeCharacters === 'string' ? g.ExcludeCharacters : '',
    excludeLowercase: flag(g.ExcludeLowercase, false),
    excludeUppercase: flag(g.ExcludeUppercase, false),
    excludeNumbers: flag(g.ExcludeNumbers, false),
    excludePunctuation: flag(g.ExcludePunctuation, false),
    includeSpace: flag(g.IncludeSpace, false),
    requireEachIncludedType: flag(g.RequireEachIncludedType, true),
    secretStringTemplate: typeof g.SecretStringTemplate === 'string' ? g.SecretStringTemplate : undefined,
    generateStringKey: typeof g.GenerateStringKey === 'string' ? g.GenerateStringKey : undefined,
  };
}

function resolved(ctx: StackContext, value: unknown, what: string, skipped: string[]): string | undefined {
  try {
    return ctx.resolver.resolveString(value);
  } catch (err) {
    skipped.push(`${what}: its value cannot be resolved locally (${(err as Error).message}), so it is not served`);
    return undefined;
  }
}
