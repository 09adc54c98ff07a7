/**
 * The names the console shows: what `switchyard dev` prints for a function, queue, rule or bus
 * (its display name), from any reference to it (ARN, name, logical id).
 */
import type { LocalApp } from '../local-app';

/** Display names of an app's resources. */
export class DisplayNames {
  private readonly rules: Map<string, string>;
  private readonly queues: Map<string, string>;

  constructor(private readonly app: LocalApp) {
    this.rules = new Map(app.model.rules.map((r) => [r.arn, r.displayName ?? r.name]));
    this.queues = new Map(app.model.queues.map((q) => [q.arn, q.displayName ?? q.name]));
  }

  /** A function's display name (the reference itself when it is not a function of the app). */
  fn(ref: string): string {
    const fn = this.app.host.find(ref);
    return fn ? fn.displayName ?? fn.name : ref;
  }

  /** Every name a function is known by, for the `function=` filter; undefined when none is. */
  functionAliases(ref: string): Set<string> | undefined {
    const fn = this.app.host.find(ref);
    return fn ? new Set([fn.displayName ?? fn.name]) : undefined;
  }

  rule(arn: string | undefined): string | undefined {
    return arn === undefined ? undefined : this.rules.get(arn) ?? arn;
  }

  queue(arn: string | undefined): string | undefined {
    return arn === undefined ? undefined : this.queues.get(arn) ?? arn;
  }

  bus(name: string): string {
    const bus = this.app.router.bus(name);
    return bus ? bus.displayName ?? bus.name : name;
  }

  /** A target: a function or queue of the app by its display name, else the ARN. */
  target(arn: string): string {
    const fn = this.app.host.find(arn);
    if (fn) return fn.displayName ?? fn.name;
    return this.queues.get(arn) ?? arn;
  }

  /** What kind of target an ARN is. */
  targetKind(arn: string): 'function' | 'queue' | 'other' {
    return this.app.host.find(arn) ? 'function' : this.queues.has(arn) ? 'queue' : 'other';
  }
}
