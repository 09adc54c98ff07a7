/**
 * `switchyard api-keys`: the REST APIs' API keys with the values `switchyard dev` accepts in
 * `x-api-key`: the template's `Value`, else the one generated locally into
 * `.switchyard/api-keys.json` (generated here if `dev` has not run yet, so both agree).
 */
import * as path from 'node:path';
import { ApiKeyStore } from '../local/auth/api-keys';
import { readAppModel } from '../model';
import { apiKeyName, table } from './format';
import { TokenError, findAssembly } from './token';

/** Prints the keys as a table; throws a {@link TokenError} (printed without a stack) when there is no assembly. */
export function listApiKeys(projectDir: string, assembly?: string): string {
  const dir = findAssembly(projectDir, assembly);
  if (!dir) throw new TokenError('No cloud assembly found (run `switchyard dev` or `cdk synth` first, or pass --assembly).');
  const { model } = readAppModel(dir, { projectDir });
  const keys = ApiKeyStore.load(model.restApis, path.join(projectDir, '.switchyard')).list();
  if (!keys.length) return 'No API keys in usage plans of the app.';
  return table([
    ['KEY', 'VALUE', 'USAGE PLANS', 'STAGES', 'SOURCE'],
    ...keys.map((k) => [apiKeyName(k.key), k.value, k.plans.join(', '), k.stages.join(', '), k.fromTemplate ? 'template' : 'generated locally']),
  ]);
}
