/**
 * Values of the app's API keys locally: the template's `Value` when it has one; otherwise API
 * Gateway would generate one at deploy, and so does the local runtime, once, into
 * `.switchyard/api-keys.json` (git-ignored, mode 0600), so a key keeps its value across restarts
 * of `switchyard dev`. `dev` prints them; `LocalApp.apiKeys()` lists them.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ApiKeyModel, RestApiModel } from '../../model';

/** One API key with its local value and where it is accepted. */
export interface LocalApiKey {
  readonly key: ApiKeyModel;
  readonly value: string;
  /** Whether the value is the template's (else generated locally). */
  readonly fromTemplate: boolean;
  /** `<API name>/<stage>` of each stage a usage plan of the key covers. */
  readonly stages: readonly string[];
  /** Names of the usage plans the key is attached to. */
  readonly plans: readonly string[];
}

/** API keys' local values. */
export class ApiKeyStore {
  /** Loads (and completes) the generated values in `<stateDir>/api-keys.json`; without `stateDir` they live in memory. */
  static load(apis: readonly RestApiModel[], stateDir?: string): ApiKeyStore {
    const keys = new Map<string, LocalApiKey>();
    const file = stateDir === undefined ? undefined : path.join(stateDir, 'api-keys.json');
    const saved: Record<string, string> = file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
    let generated = false;
    for (const api of apis) {
      for (const plan of api.usagePlans) {
        for (const key of plan.apiKeys) {
          const id = `${key.stack}/${key.logicalId}`;
          const prev = keys.get(id);
          if (key.value === undefined && saved[id] === undefined) {
            saved[id] = generateKeyValue();
            generated = true;
          }
          const stages = plan.stages.map((s) => `${api.name}/${s.stage}`);
          keys.set(id, {
            key,
            value: key.value ?? saved[id],
            fromTemplate: key.value !== undefined,
            stages: [...new Set([...(prev?.stages ?? []), ...stages])],
            plans: [...new Set([...(prev?.plans ?? []), plan.name])],
          });
        }
      }
    }
    if (file && generated) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
    }
    return new ApiKeyStore(keys);
  }

  private constructor(private readonly keys: ReadonlyMap<string, LocalApiKey>) {}

  /** Every key attached to a usage plan, with its value. */
  list(): LocalApiKey[] {
    return [...this.keys.values()];
  }

  /** The local value of a key. */
  valueOf(key: ApiKeyModel): string | undefined {
    return this.keys.get(`${key.stack}/${key.logicalId}`)?.value;
  }
}

/** 40 characters of [A-Za-z0-9], the shape of the keys API Gateway generates. */
function generateKeyValue(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // 248 = 4 * 62: rejecting bytes at or above it keeps every character equally likely.
  return Array.from(randomBytes(80).filter((b) => b < 248), (b) => alphabet[b % 62]).slice(0, 40).join('');
}
