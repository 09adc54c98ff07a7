/**
 * Input shapes of the EventBridge Scheduler API, as its Smithy model constrains them (names,
 * ARNs, ranges, enums), for the zod-based validation every endpoint operation goes through.
 */
import { enumOf, integer, string, structure, timestamp } from './shapes';

/** Schedule and group names. */
const NAME = { min: 1, max: 64, pattern: '[0-9a-zA-Z-_.]+' } as const;
const ROLE_ARN = { min: 1, max: 1600, pattern: 'arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+' } as const;
const DLQ_ARN = { min: 1, max: 1600, pattern: 'arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+' } as const;
const CLIENT_TOKEN = { min: 1, max: 64, pattern: '[a-zA-Z0-9-_]+' } as const;

const Target = structure({
  Arn: string({ min: 1, max: 1600 }),
  RoleArn: string(ROLE_ARN),
  Input: string({ min: 1, max: 8192 }).optional(),
  RetryPolicy: structure({
    MaximumEventAgeInSeconds: integer({ min: 60, max: 86_400 }).optional(),
    MaximumRetryAttempts: integer({ min: 0, max: 185 }).optional(),
  }).optional(),
  DeadLetterConfig: structure({ Arn: string(DLQ_ARN).optional() }).optional(),
  EventBridgeParameters: structure({
    DetailType: string({ min: 1, max: 128 }),
    Source: string({ min: 1, max: 256, pattern: '(?=[/\\.\\-_A-Za-z0-9]+)((?!aws\\.).*)|(\\$(\\.[\\w_-]+(\\[(\\d+|\\*)\\])*)*)' }),
  }).optional(),
  SqsParameters: structure({ MessageGroupId: string({ min: 1, max: 128 }).optional() }).optional(),
});

/** CreateSchedule and UpdateSchedule: the same members (Name from the path). */
export const ScheduleInput = structure({
  Name: string(NAME),
  GroupName: string(NAME).optional(),
  ScheduleExpression: string({ min: 1, max: 256 }),
  ScheduleExpressionTimezone: string({ min: 1, max: 50 }).optional(),
  StartDate: timestamp().optional(),
  EndDate: timestamp().optional(),
  Description: string({ max: 512 }).optional(),
  State: enumOf(['ENABLED', 'DISABLED']).optional(),
  KmsKeyArn: string({ min: 1, max: 2048, pattern: 'arn:aws(-[a-z]+)?:kms:[a-z0-9\\-]+:\\d{12}:(key|alias)\\/[0-9a-zA-Z-_]*' }).optional(),
  ClientToken: string(CLIENT_TOKEN).optional(),
  ActionAfterCompletion: enumOf(['NONE', 'DELETE']).optional(),
  FlexibleTimeWindow: structure({ Mode: enumOf(['OFF', 'FLEXIBLE']), MaximumWindowInMinutes: integer({ min: 1, max: 1440 }).optional() }),
  Target,
});

/** GetSchedule and DeleteSchedule. */
export const ScheduleRef = structure({ Name: string(NAME), GroupName: string(NAME).optional(), ClientToken: string(CLIENT_TOKEN).optional() });

/** ListSchedules. */
export const ListSchedulesInput = structure({
  GroupName: string(NAME).optional(),
  NamePrefix: string(NAME).optional(),
  State: enumOf(['ENABLED', 'DISABLED']).optional(),
  NextToken: string({ min: 1, max: 2048 }).optional(),
  MaxResults: integer({ min: 1, max: 100 }).optional(),
});

/** CreateScheduleGroup, GetScheduleGroup and DeleteScheduleGroup. */
export const GroupRef = structure({ Name: string(NAME), ClientToken: string(CLIENT_TOKEN).optional() });

/** ListScheduleGroups. */
export const ListGroupsInput = structure({
  NamePrefix: string(NAME).optional(),
  NextToken: string({ min: 1, max: 2048 }).optional(),
  MaxResults: integer({ min: 1, max: 100 }).optional(),
});
