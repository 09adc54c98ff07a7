/**
 * Which app a state folder belongs to. State is kept per app so that another app run in the
 * same project folder (another branch, another cdk.json) never inherits its queues, deliveries
 * or tables: the key is the app's stack artifact ids with its account and region, which are what
 * make its resources its own in AWS too (a stack deployed to another region is another stack).
 */
import { createHash } from 'node:crypto';
import type { AppModel } from '../../model';

/** Longest folder name before the stacks part is shortened to a hash. */
const MAX_NAME = 100;

/**
 * The folder name of an app's state: `<stacks joined by +>-<account>-<region>`, e.g.
 * `ShopStack-000000000000-us-east-1`; past 100 characters the stacks part is shortened and a
 * hash of the whole added, so that it stays unique.
 */
export function appStateKey(model: AppModel): string {
  const stacks = [...new Set(resourcesOf(model).flatMap((r) => (r.stack === undefined ? [] : [r.stack])))].sort();
  const key = `${stacks.join('+') || 'app'}-${model.accountId}-${model.region}`.replace(/[^A-Za-z0-9+._-]/g, '_');
  if (key.length <= MAX_NAME) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${key.slice(0, MAX_NAME - hash.length - 1)}-${hash}`;
}

/** Everything the model holds that names its stack (the implicit default bus names none). */
function resourcesOf(model: AppModel): ReadonlyArray<{ readonly stack?: string }> {
  return [...model.functions, ...model.queues, ...model.tables, ...model.rules, ...model.eventBuses, ...model.httpApis, ...model.restApis, ...(model.outputs ?? [])];
}
