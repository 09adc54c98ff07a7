/** The console's JSON API: the stories of an event and of an invocation (see api-types.ts). */
import type { DeliveryEntry, ErrorInfo, EventEntry, InvocationEntry, RequestEntry } from './activity';

/** Whether the event matches one rule of its bus, and why not (the pattern engine's verdict). */
export interface RuleVerdictInfo {
  readonly name: string;
  readonly displayName: string;
  readonly arn: string;
  readonly matched: boolean;
  /** The pattern's explanation: the failing fields with what was expected and found. */
  readonly explanation?: {
    readonly matched: boolean;
    readonly alternatives: number;
    readonly misses: ReadonlyArray<{ readonly field: string; readonly expected: readonly unknown[]; readonly actual: readonly unknown[]; readonly reason: string; readonly nearMisses: readonly unknown[] }>;
  };
  readonly note?: string;
}

/** One attempt of a delivery, as the activity saw it. */
export interface AttemptInfo {
  readonly attempt: number;
  /** When the attempt ended. */
  readonly at: number;
  readonly outcome: 'success' | 'error';
  readonly error?: ErrorInfo;
  /** When the next attempt was due after this one failed. */
  readonly nextAttemptAt?: number;
}

/** One delivery of an event to one target. */
export interface DeliveryInfo {
  readonly id: string;
  readonly kind: string;
  readonly rule?: string;
  readonly target: string;
  readonly targetArn: string;
  /** `pending`, `retrying`, `delivered`, `failed`, `dead-lettered`, `dropped`, `undeliverable`. */
  readonly state: string;
  readonly attempts: number;
  readonly acceptedAt: number;
  readonly updatedAt: number;
  readonly nextAttemptAt?: number;
  readonly lastError?: ErrorInfo;
  /** Where it ended when dead-lettered (display name of the queue). */
  readonly deadLetter?: string;
  /** Why it was dropped or is undeliverable. */
  readonly reason?: string;
  /** The attempts' outcomes the activity still holds, oldest first. */
  readonly history: readonly AttemptInfo[];
  readonly redriveOf?: string;
}

/** `GET /api/events/:id`. 404 when the event is neither recent nor a kept unmatched one. */
export interface EventStory {
  /** The event as targets receive it. */
  readonly event: Readonly<Record<string, unknown>> & { readonly id: string };
  readonly bus: string;
  /** When it was put. */
  readonly at: number;
  /** The rules it matched when it was put. */
  readonly matchedRules: readonly string[];
  /** Every rule of its bus now, matched or not, and why. */
  readonly rules: readonly RuleVerdictInfo[];
  readonly deliveries: readonly DeliveryInfo[];
  /** The invocation that put it (by the correlation id), when the activity still holds it. */
  readonly publishedBy?: InvocationEntry;
}

/** One log line of an invocation. */
export interface LogLine {
  readonly at: number;
  /** `INFO`, `WARN`, `ERROR`, ... */
  readonly level: string;
  readonly text: string;
}

/** `GET /api/invocations/:requestId`. 404 when the activity holds no invocation with that id. */
export interface InvocationStory {
  /** Its invocations, oldest first (an async invoke's retries share the request id). */
  readonly invocations: readonly InvocationEntry[];
  /** Its last log lines (at most 200 kept per request id). */
  readonly logs: readonly LogLine[];
  /** True when older lines were left out. */
  readonly logsTruncated: boolean;
  /** Events it published (their correlation id is its request id). */
  readonly published: readonly EventEntry[];
  /** The HTTP request that caused it. */
  readonly request?: RequestEntry;
  /** The deliveries it was an attempt of. */
  readonly deliveries: readonly DeliveryEntry[];
}
