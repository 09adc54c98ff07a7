/**
 * API keys and usage plans on `apiKeyRequired` methods, as API Gateway applies them: the key
 * (from `x-api-key`, or the authorizer's `usageIdentifierKey`) must be an enabled key attached to a
 * usage plan covering the API's stage (else 403 `{"message":"Forbidden"}`); the plan's quota per
 * key and period (else 429 `Limit Exceeded`) and its throttle, per method when the plan sets one,
 * as a token bucket of `burstLimit` refilled at `rateLimit` per second (else 429 `Too Many Requests`).
 * Counters live in memory: a restart of `dev` starts every quota afresh.
 */
import type { RestApiModel, RestMethodModel, ThrottleModel, UsagePlanModel } from '../../model';
import type { ApiKeyStore } from '../auth/api-keys';
import type { RestFailure } from './rest-errors';

interface Bucket {
  tokens: number;
  at: number;
}

/** Admission of requests by API key and usage plan. */
export class UsagePlanLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly quotas = new Map<string, { window: number; used: number }>();

  /** @param now the clock in ms (injectable for tests) */
  constructor(private readonly keys: ApiKeyStore, private readonly now: () => number = Date.now) {}

  /** The admitted key's id (the request is counted), or the failure to answer. */
  admit(api: RestApiModel, stage: string, method: RestMethodModel, keyValue: string | undefined): RestFailure | { readonly apiKeyId: string } {
    const forbidden: RestFailure = { type: 'INVALID_API_KEY', message: 'Forbidden' };
    if (!keyValue) return forbidden;
    for (const plan of api.usagePlans) {
      const planStage = plan.stages.find((s) => s.stage === stage);
      const key = planStage && plan.apiKeys.find((k) => k.enabled && this.keys.valueOf(k) === keyValue);
      if (!planStage || !key) continue;
      const id = `${plan.stack}/${plan.logicalId}/${key.logicalId}`;
      const methodKey = `${method.resourcePath}/${method.httpMethod}`;
      const methodThrottle = planStage.methodThrottles[methodKey];
      if (plan.quota && this.quotaLeft(id, plan.quota) <= 0) return { type: 'QUOTA_EXCEEDED', message: 'Limit Exceeded' };
      const throttle = methodThrottle ?? plan.throttle;
      if (throttle && !this.take(`${id}/${methodThrottle ? methodKey : '*'}`, throttle)) return { type: 'THROTTLED', message: 'Too Many Requests' };
      if (plan.quota) this.quotas.get(id)!.used++;
      return { apiKeyId: key.id };
    }
    return forbidden;
  }

  private take(id: string, throttle: ThrottleModel): boolean {
    const now = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: throttle.burstLimit, at: now };
    bucket.tokens = Math.min(throttle.burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * throttle.rateLimit);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private quotaLeft(id: string, quota: NonNullable<UsagePlanModel['quota']>): number {
    const window = windowStart(new Date(this.now()), quota.period, quota.offset);
    let q = this.quotas.get(id);
    if (!q || q.window !== window) this.quotas.set(id, (q = { window, used: 0 }));
    return quota.limit - q.used;
  }
}

/** Start (ms, UTC) of the quota period holding `d`: a day, a week from Sunday + offset days, a month from the 1st + offset days. */
function windowStart(d: Date, period: NonNullable<UsagePlanModel['quota']>['period'], offset: number): number {
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const DAY = 86_400_000;
  if (period === 'DAY') return day;
  if (period === 'WEEK') {
    const start = day - ((d.getUTCDay() - offset + 7) % 7) * DAY;
    return start;
  }
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) + offset * DAY;
  return day >= monthStart ? monthStart : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) + offset * DAY;
}
