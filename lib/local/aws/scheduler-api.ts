/**
 * The EventBridge Scheduler API (restJson1, as `@aws-sdk/client-scheduler` sends it):
 *
 *   POST|GET|PUT|DELETE /schedules/{Name}?groupName=   Create/Get/Update/DeleteSchedule
 *   GET /schedules?ScheduleGroup=&NamePrefix=&State=   ListSchedules (MaxResults, NextToken)
 *   POST|GET|DELETE /schedule-groups/{Name}            Create/Get/DeleteScheduleGroup
 *   GET /schedule-groups?NamePrefix=                   ListScheduleGroups
 *
 * Inputs are checked against the API's shapes (scheduler-shapes.ts), then against what the
 * service checks itself: the expression and time zone, the dates, the target. Schedules created
 * here are stored with the template's and fire the same way (schedule/runner.ts).
 */
import { createHash } from 'node:crypto';
import type { ScheduleModel } from '../../model';
import { SCHEDULER_RETRY_DEFAULTS } from '../../model';
import { InvalidScheduleExpressionError, parseSchedulerExpression } from '../schedule/expression';
import type { ScheduleStore, StoredGroup, StoredSchedule } from '../schedule/store';
import { pageOf } from './paging';
import { AwsServiceError, jsonResponse, type AwsResponse } from './protocol';
import { GroupRef, ListGroupsInput, ListSchedulesInput, ScheduleInput, ScheduleRef } from './scheduler-shapes';
import { parseInput } from './shapes';
import type { z } from 'zod';

/** True for a path of the Scheduler API. */
export function isSchedulerApi(path: string): boolean {
  return /^\/(schedules|schedule-groups)(\/[^/]+)?\/?$/.test(path);
}

/** Client tokens seen by CreateSchedule, with what they created (Scheduler keeps them for 8 hours). */
const TOKENS = new WeakMap<ScheduleStore, Map<string, { digest: string; arn: string }>>();

/** Handles one Scheduler API call. */
export function handleSchedulerApi(store: ScheduleStore, method: string, path: string, query: URLSearchParams, body: Buffer): AwsResponse {
  try {
    return route(store, method, path, query, body);
  } catch (err) {
    // Scheduler's errors carry `Message`; the SDK reads that member.
    if (err instanceof AwsServiceError) throw new AwsServiceError(err.status, err.code, err.message, { ...err.extra, Message: err.message }, err.headers);
    throw err;
  }
}

function route(store: ScheduleStore, method: string, path: string, query: URLSearchParams, body: Buffer): AwsResponse {
  const [, collection, encoded] = /^\/(schedules|schedule-groups)(?:\/([^/]+))?\/?$/.exec(path)!;
  const name = encoded === undefined ? undefined : decodeURIComponent(encoded);
  const q = (key: string) => query.get(key) ?? undefined;
  if (collection === 'schedules') {
    if (name === undefined) {
      if (method === 'GET') return listSchedules(store, parseInput(ListSchedulesInput, { GroupName: q('ScheduleGroup'), NamePrefix: q('NamePrefix'), State: q('State'), NextToken: q('NextToken'), MaxResults: int(q('MaxResults')) }));
    } else if (method === 'POST' || method === 'PUT') {
      const input = parseInput(ScheduleInput, { ...jsonBody(body), Name: name });
      return method === 'POST' ? createSchedule(store, input) : updateSchedule(store, input);
    } else if (method === 'GET' || method === 'DELETE') {
      const ref = parseInput(ScheduleRef, { Name: name, GroupName: q('groupName'), ClientToken: q('clientToken') });
      const stored = existing(store, ref.GroupName ?? 'default', ref.Name);
      if (method === 'GET') return json(describeSchedule(stored));
      store.delete(stored.schedule.groupName, stored.schedule.name);
      return json({});
    }
  } else if (name === undefined) {
    if (method === 'GET') return listGroups(store, parseInput(ListGroupsInput, { NamePrefix: q('NamePrefix'), NextToken: q('NextToken'), MaxResults: int(q('MaxResults')) }));
  } else {
    // CreateScheduleGroup takes its token in the body, DeleteScheduleGroup in the query.
    const fromBody = method === 'POST' ? jsonBody(body) : {};
    const ref = parseInput(GroupRef, { ...fromBody, Name: name, ClientToken: q('clientToken') ?? fromBody.ClientToken });
    if (method === 'POST') return createGroup(store, ref.Name);
    if (method === 'GET') return json(describeGroup(existingGroup(store, ref.Name)));
    if (method === 'DELETE') return deleteGroup(store, ref.Name);
  }
  throw new AwsServiceError(404, 'UnknownOperationException', `EventBridge Scheduler has no operation ${method} ${path}`);
}

type ScheduleInputShape = z.output<typeof ScheduleInput>;

function createSchedule(store: ScheduleStore, input: ScheduleInputShape): AwsResponse {
  const group = input.GroupName ?? 'default';
  const tokens = TOKENS.get(store) ?? new Map<string, { digest: string; arn: string }>();
  TOKENS.set(store, tokens);
  const digest = createHash('sha256').update(JSON.stringify({ ...input, ClientToken: undefined })).digest('hex');
  const seen = input.ClientToken === undefined ? undefined : tokens.get(input.ClientToken);
  // The same request retried with its token answers as the first did.
  if (seen && seen.digest === digest) return json({ ScheduleArn: seen.arn });
  if (seen) throw new AwsServiceError(409, 'ConflictException', `ClientToken ${input.ClientToken} was already used with different parameters.`);
  existingGroup(store, group);
  if (store.get(group, input.Name)) throw new AwsServiceError(409, 'ConflictException', `Schedule ${input.Name} already exists.`);
  const stored = store.put(scheduleOf(store, input, group));
  if (input.ClientToken !== undefined) tokens.set(input.ClientToken, { digest, arn: stored.schedule.arn });
  return json({ ScheduleArn: stored.schedule.arn });
}

function updateSchedule(store: ScheduleStore, input: ScheduleInputShape): AwsResponse {
  const group = input.GroupName ?? 'default';
  const before = existing(store, group, input.Name);
  // UpdateSchedule replaces every member: what the request leaves out takes its default.
  const stored = store.put({ ...scheduleOf(store, input, group), stack: before.schedule.stack, logicalId: before.schedule.logicalId, displayName: before.schedule.displayName });
  return json({ ScheduleArn: stored.schedule.arn });
}

/** The schedule a Create or Update request describes, checked as Scheduler checks it. */
function scheduleOf(store: ScheduleStore, input: ScheduleInputShape, groupName: string): ScheduleModel {
  const timeZone = input.ScheduleExpressionTimezone ?? 'UTC';
  try {
    parseSchedulerExpression(input.ScheduleExpression, timeZone);
  } catch (err) {
    if (!(err instanceof InvalidScheduleExpressionError)) throw err;
    throw invalid(/time zone/.test(err.message) ? `Invalid ScheduleExpressionTimezone ${timeZone}.` : `Invalid Schedule Expression ${input.ScheduleExpression}.`);
  }
  const startDate = dateOf(input.StartDate);
  const endDate = dateOf(input.EndDate);
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate) throw invalid('The EndDate must be after the StartDate.');
  const window = input.FlexibleTimeWindow;
  if (window.Mode === 'FLEXIBLE' && window.MaximumWindowInMinutes === undefined) throw invalid('MaximumWindowInMinutes is required when Mode is FLEXIBLE.');
  if (window.Mode === 'OFF' && window.MaximumWindowInMinutes !== undefined) throw invalid('MaximumWindowInMinutes must not be set when Mode is OFF.');
  const t = input.Target;
  checkTarget(t.Arn, t.EventBridgeParameters !== undefined);
  return {
    name: input.Name,
    groupName,
    arn: store.scheduleArn(groupName, input.Name),
    expression: input.ScheduleExpression,
    timeZone,
    state: input.State ?? 'ENABLED',
    description: input.Description,
    startDate,
    endDate,
    flexibleWindowMinutes: window.Mode === 'FLEXIBLE' ? window.MaximumWindowInMinutes : undefined,
    actionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
    kmsKeyArn: input.KmsKeyArn,
    target: {
      arn: t.Arn,
      roleArn: t.RoleArn,
      input: t.Input,
      maximumRetryAttempts: t.RetryPolicy?.MaximumRetryAttempts ?? SCHEDULER_RETRY_DEFAULTS.maximumRetryAttempts,
      maximumEventAgeInSeconds: t.RetryPolicy?.MaximumEventAgeInSeconds ?? SCHEDULER_RETRY_DEFAULTS.maximumEventAgeInSeconds,
      deadLetterArn: t.DeadLetterConfig?.Arn,
      eventBridge: t.EventBridgeParameters ? { detailType: t.EventBridgeParameters.DetailType, source: t.EventBridgeParameters.Source } : undefined,
      messageGroupId: t.SqsParameters?.MessageGroupId,
    },
  };
}

/** A target must be an ARN; an event bus target needs its PutEvents parameters. */
function checkTarget(arn: string, hasEventBridgeParameters: boolean): void {
  const m = /^arn:aws(-[a-z]+)?:([a-z0-9-]+):[^:]*:[^:]*:(.+)$/.exec(arn);
  if (!m) throw invalid(`Provided Arn is not in correct format.`);
  if (m[2] === 'events' && m[3].startsWith('event-bus/') && !hasEventBridgeParameters) throw invalid('EventBridgeParameters must be provided for an EventBridge PutEvents target.');
}

function listSchedules(store: ScheduleStore, input: z.output<typeof ListSchedulesInput>): AwsResponse {
  if (input.GroupName !== undefined) existingGroup(store, input.GroupName);
  const all = store
    .list(input.GroupName)
    .filter((s) => (input.NamePrefix === undefined || s.schedule.name.startsWith(input.NamePrefix)) && (input.State === undefined || s.schedule.state === input.State))
    .sort((a, b) => `${a.schedule.groupName}/${a.schedule.name}`.localeCompare(`${b.schedule.groupName}/${b.schedule.name}`));
  const page = pageOf(all, input.MaxResults ?? 100, input.NextToken, `schedules ${input.GroupName} ${input.NamePrefix} ${input.State}`);
  if (!page) throw invalid('Invalid NextToken.');
  return json({
    Schedules: page.items.map((s) => ({
      Arn: s.schedule.arn,
      Name: s.schedule.name,
      GroupName: s.schedule.groupName,
      State: s.schedule.state,
      CreationDate: seconds(s.creationDate),
      LastModificationDate: seconds(s.lastModificationDate),
      Target: { Arn: s.schedule.target.arn },
    })),
    NextToken: page.nextToken,
  });
}

function createGroup(store: ScheduleStore, name: string): AwsResponse {
  if (store.group(name)) throw new AwsServiceError(409, 'ConflictException', `Schedule group ${name} already exists.`);
  return json({ ScheduleGroupArn: store.addGroup(name).group.arn });
}

function deleteGroup(store: ScheduleStore, name: string): AwsResponse {
  if (name === 'default') throw invalid('Cannot delete the default schedule group.');
  existingGroup(store, name);
  store.deleteGroup(name);
  return json({});
}

function listGroups(store: ScheduleStore, input: z.output<typeof ListGroupsInput>): AwsResponse {
  const all = store.listGroups().filter((g) => input.NamePrefix === undefined || g.group.name.startsWith(input.NamePrefix));
  const page = pageOf(all, input.MaxResults ?? 100, input.NextToken, `groups ${input.NamePrefix}`);
  if (!page) throw invalid('Invalid NextToken.');
  return json({ ScheduleGroups: page.items.map(describeGroup), NextToken: page.nextToken });
}

function describeSchedule(s: StoredSchedule): Record<string, unknown> {
  const m = s.schedule;
  const t = m.target;
  return {
    Arn: m.arn,
    Name: m.name,
    GroupName: m.groupName,
    ScheduleExpression: m.expression,
    ScheduleExpressionTimezone: m.timeZone,
    StartDate: m.startDate === undefined ? undefined : seconds(m.startDate),
    EndDate: m.endDate === undefined ? undefined : seconds(m.endDate),
    Description: m.description,
    State: m.state,
    KmsKeyArn: m.kmsKeyArn,
    ActionAfterCompletion: m.actionAfterCompletion,
    CreationDate: seconds(s.creationDate),
    LastModificationDate: seconds(s.lastModificationDate),
    FlexibleTimeWindow: m.flexibleWindowMinutes === undefined ? { Mode: 'OFF' } : { Mode: 'FLEXIBLE', MaximumWindowInMinutes: m.flexibleWindowMinutes },
    Target: {
      Arn: t.arn,
      RoleArn: t.roleArn,
      Input: t.input,
      RetryPolicy: { MaximumRetryAttempts: t.maximumRetryAttempts, MaximumEventAgeInSeconds: t.maximumEventAgeInSeconds },
      DeadLetterConfig: t.deadLetterArn === undefined ? undefined : { Arn: t.deadLetterArn },
      EventBridgeParameters: t.eventBridge === undefined ? undefined : { DetailType: t.eventBridge.detailType, Source: t.eventBridge.source },
      SqsParameters: t.messageGroupId === undefined ? undefined : { MessageGroupId: t.messageGroupId },
    },
  };
}

function describeGroup(g: StoredGroup): Record<string, unknown> {
  return { Arn: g.group.arn, Name: g.group.name, State: 'ACTIVE', CreationDate: seconds(g.creationDate), LastModificationDate: seconds(g.lastModificationDate) };
}

function existing(store: ScheduleStore, group: string, name: string): StoredSchedule {
  existingGroup(store, group);
  const stored = store.get(group, name);
  if (!stored) throw new AwsServiceError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
  return stored;
}

function existingGroup(store: ScheduleStore, name: string): StoredGroup {
  const group = store.group(name);
  if (!group) throw new AwsServiceError(404, 'ResourceNotFoundException', `Schedule group ${name} does not exist.`);
  return group;
}

function invalid(message: string): AwsServiceError {
  return new AwsServiceError(400, 'ValidationException', message);
}

/** The JSON body: an object, or nothing. */
function jsonBody(body: Buffer): Record<string, unknown> {
  if (!body.length) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsServiceError(400, 'SerializationException', 'The request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AwsServiceError(400, 'SerializationException', 'Unexpected field type');
  return value as Record<string, unknown>;
}

/** A query integer as the shape reads it (a text that is not one stays text, and is refused). */
function int(text: string | undefined): number | string | undefined {
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : text;
}

/** restJson1 timestamps: epoch seconds. */
function dateOf(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value * 1000 : Date.parse(value);
}

function seconds(ms: number): number {
  return ms / 1000;
}

function json(value: unknown): AwsResponse {
  return jsonResponse(value, 'application/json');
}
