/**
 * What a rule sends to its target: the event, constant `Input`, the part at `InputPath`, or an
 * `InputTransformer` template filled from the event.
 */
import type { RuleModel, RuleTargetModel } from '../../model';

/** The rule an event matched, for the predefined `aws.events.rule-*` variables of input templates. */
export type MatchedRule = Pick<RuleModel, 'name' | 'arn'>;

/**
 * The JSON text a target receives for an event matched by `rule`. `eventJson` is the event's
 * own JSON when the caller has it: an event matched by several targets is serialized once.
 */
export function targetInput(target: RuleTargetModel, event: Record<string, unknown>, rule?: MatchedRule, eventJson?: string): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(jsonPath(event, target.inputPath) ?? null);
  if (target.inputTransformer) return transform(target.inputTransformer.inputPathsMap, target.inputTransformer.inputTemplate, event, rule);
  return eventJson ?? JSON.stringify(event);
}

/** True when a target receives the whole event (no `Input`, `InputPath` or `InputTransformer`). */
export function sendsWholeEvent(target: RuleTargetModel): boolean {
  return target.input === undefined && target.inputPath === undefined && !target.inputTransformer;
}

/** The value at a simple JSONPath (`$`, `$.a.b`, `$.a[0]`, `$['a-b']`); undefined when absent. */
export function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  const tokens = [...path.replace(/^\$/, '').matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]/g)];
  let cur: unknown = value;
  for (const t of tokens) {
    const key = t[1] ?? t[3] ?? t[4] ?? Number(t[2]);
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/**
 * Fills `<name>` placeholders. Inside a JSON string a value is inserted as text; elsewhere as
 * JSON (strings quoted), as EventBridge does. The predefined variables are EventBridge's:
 * `aws.events.rule-arn` and `aws.events.rule-name` (the matched rule), `aws.events.event` (the
 * event without its detail), `aws.events.event.json` (the whole event) and
 * `aws.events.event.ingestion-time` (when it was received: here, when it is delivered).
 */
export function transform(paths: Readonly<Record<string, string>>, template: string, event: Record<string, unknown>, rule?: MatchedRule): string {
  const values = new Map<string, unknown>(Object.entries(paths).map(([k, p]) => [k, jsonPath(event, p)]));
  const { detail: _detail, ...withoutDetail } = event;
  values.set('aws.events.event', withoutDetail);
  values.set('aws.events.event.json', event);
  if (rule) {
    values.set('aws.events.rule-arn', rule.arn);
    values.set('aws.events.rule-name', rule.name);
  }
  values.set('aws.events.event.ingestion-time', new Date().toISOString());
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '"' && template[i - 1] !== '\\') inString = !inString;
    if (ch === '<') {
      const end = template.indexOf('>', i);
      const name = end > 0 ? template.slice(i + 1, end) : '';
      if (name && values.has(name)) {
        const v = values.get(name);
        if (inString) out += v === undefined || v === null ? '' : typeof v === 'string' ? JSON.stringify(v).slice(1, -1) : JSON.stringify(v).replace(/"/g, '\\"');
        else out += v === undefined ? 'null' : JSON.stringify(v);
        i = end;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
