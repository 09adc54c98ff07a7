/**
 * `switchyard why <event>`: for every rule of the event's bus, whether it matches the event and,
 * when not, the first field that failed, why, and the near misses behind it. The event is a
 * JSON file, inline JSON (an EventBridge event or a PutEvents entry), or the id of an event the
 * running `dev` has put (its ledger keeps the recent ones and those that matched no rule).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoggedEvent, RuleVerdict, UnmatchedAnswer, WhyAnswer } from '../local';
import { formatExplanation } from '../patterns';
import type { LocalEndpointClient } from './client';
import type { CommandIo } from './commands';
import { ArgumentError } from './errors';

/** What to explain, from the command line. */
export interface WhyInput {
  /** A file, inline JSON, or an event id. */
  readonly event: string | undefined;
  readonly bus?: string;
  readonly cwd: string;
}

/** Runs `switchyard why`; resolves 0 when some rule matches, 2 when none does. */
export async function whyCommand(client: LocalEndpointClient, io: CommandIo, input: WhyInput): Promise<number> {
  if (!input.event) throw new ArgumentError("why needs an event: a JSON file, inline JSON, or an event id (from put-events, the ledger or dev's log)");
  const answer = await client.why({ ...eventOf(input.event, input.cwd), bus: input.bus });
  io.out(formatWhy(answer));
  return answer.rules.some((r) => r.matched) ? 0 : 2;
}

/** `switchyard ledger --unmatched`: the kept events no rule matched, one line each, newest last. */
export async function unmatchedCommand(client: LocalEndpointClient, io: CommandIo): Promise<number> {
  io.out(formatUnmatched(await client.unmatched()));
  return 0;
}

/** The text of a why answer: a heading, then one block per rule. */
export function formatWhy(answer: WhyAnswer): string {
  const matched = answer.rules.filter((r) => r.matched);
  const id = typeof answer.event.id === 'string' ? ` ${answer.event.id}` : '';
  const lines = [`Event${id} (source ${show(answer.event.source)}, detail-type ${show(answer.event['detail-type'])}) on bus ${answer.bus}: ${answer.rules.length === 0 ? 'the bus has no rules' : `${matched.length} of ${answer.rules.length} rules match`}`];
  if (answer.matchedWhenPut) lines.push(`  when put, it matched: ${answer.matchedWhenPut.join(', ') || 'no rule'}`);
  if (answer.note) lines.push(`  ${answer.note}`);
  for (const rule of answer.rules) lines.push(...ruleLines(rule));
  if (matched.length === 0 && answer.rules.length > 0) lines.push("No rule matches: EventBridge would drop this event. Fix the first failing field of the rule you meant, or the publisher.");
  return lines.join('\n');
}

function ruleLines(rule: RuleVerdict): string[] {
  const head = `  ${rule.displayName}: ${rule.matched ? 'matches' : 'no match'}`;
  const lines = [rule.note ? `${head} (${rule.note})` : head];
  if (rule.explanation && !rule.explanation.matched) lines.push(formatExplanation(rule.explanation, '    '));
  return lines;
}

/** The unmatched events, one line each: when, id, bus, source and detail type. */
export function formatUnmatched(answer: UnmatchedAnswer): string {
  if (answer.events.length === 0) return 'No event has matched no rule.';
  const lines = answer.events.map((e) => `${new Date(e.at).toISOString()}  ${e.event.id}  bus ${e.bus}  source ${show(e.event.source)}  detail-type ${show(e.event['detail-type'])}`);
  const older = answer.count - answer.events.length;
  lines.push(`${answer.count} event(s) matched no rule${older > 0 ? ` (${older} older ones no longer kept)` : ''}. Explain one: switchyard why <id>`);
  return lines.join('\n');
}

/**
 * What `dev` prints for an event that matched no rule: the event, the closest rule's first
 * failing field with its likeliest near miss, and the command that explains every rule.
 */
export function unmatchedLine(logged: LoggedEvent, bus: string, verdicts: readonly RuleVerdict[], busesWithRules: readonly string[] = []): string {
  const { id, source } = logged.event;
  const head = `event ${id} (source ${show(source)}, detail-type ${show(logged.event['detail-type'])}) on bus ${bus} matched no rule`;
  // Closest: fewest failing fields, then one with a near miss (the likelier intended rule).
  const score = (v: RuleVerdict) => v.explanation!.misses.length * 2 - (v.explanation!.misses[0]?.nearMisses.length ? 1 : 0);
  let closest: RuleVerdict | undefined;
  for (const v of verdicts) {
    if (v.explanation && !v.explanation.matched && (!closest || score(v) < score(closest))) closest = v;
  }
  const miss = closest?.explanation?.misses[0];
  const hint = miss
    ? `; closest: ${closest!.displayName}, ${miss.reason}${miss.nearMisses[0] ? ` (${miss.nearMisses[0].hint})` : ''}`
    : verdicts.every((v) => !v.explanation) ? ` (no rule on this bus matches events${busesWithRules.length ? `; buses with rules: ${busesWithRules.join(', ')}` : ''})` : '';
  return `${head}${hint}. 'switchyard why ${id}' explains every rule`;
}

/** The argument as an event (inline JSON or a file's JSON) or an event id. */
function eventOf(arg: string, cwd: string): { event: object } | { eventId: string } {
  if (arg.trimStart().startsWith('{')) return { event: parseEvent(arg, 'the inline event') };
  const file = path.resolve(cwd, arg);
  if (fs.existsSync(file)) return { event: parseEvent(fs.readFileSync(file, 'utf8'), file) };
  if (/[/\\]|\.json$/i.test(arg)) throw new ArgumentError(`no file ${file}`);
  return { eventId: arg };
}

function parseEvent(text: string, where: string): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ArgumentError(`${where} is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ArgumentError(`${where} must be a JSON object (an EventBridge event or a PutEvents entry)`);
  return parsed;
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
