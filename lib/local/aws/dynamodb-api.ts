/**
 * DynamoDB's JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`), answered by the
 * app's local tables (see `TableStore`), so handlers that keep state in a table run unchanged.
 *
 * dynalite validates the operations itself, in DynamoDB's words. Where it does not, and a bad
 * input would throw out of its storage layer (and end the process), the shape is checked here:
 * a tag without a value reached LevelDB as `undefined`.
 */
import type { TableStore } from '../dynamodb/table-store';
import type { AwsResponse } from './protocol';
import { list, parseInput, string, structure } from './shapes';

const resourceArn = string({ min: 1, max: 1283 });
const TagResourceInput = structure({ ResourceArn: resourceArn, Tags: list(structure({ Key: string({ min: 1, max: 128 }), Value: string({ min: 0, max: 256 }) })) });
const UntagResourceInput = structure({ ResourceArn: resourceArn, TagKeys: list(string({ min: 1, max: 128 })) });

/** Shapes checked before dynalite sees the request. */
const CHECKED: Readonly<Record<string, typeof TagResourceInput | typeof UntagResourceInput>> = {
  TagResource: TagResourceInput,
  UntagResource: UntagResourceInput,
};

/** Handles one DynamoDB operation. */
export function handleDynamoDb(store: TableStore, operation: string, input: Record<string, unknown>): Promise<AwsResponse> {
  const shape = CHECKED[operation];
  if (shape) parseInput(shape, input);
  return store.handle(operation, input);
}
