// A typical handler's footprint: two SDK clients loaded and constructed at init.
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { SQSClient } = require('@aws-sdk/client-sqs');
new DynamoDBClient({});
new SQSClient({});
const held = [];
exports.handler = async (event) => {
  for (let i = 0; i < (event.mb ?? 0) / 16; i++) held.push(Buffer.allocUnsafe(16 * 1024 * 1024).fill(i % 256));
  await new Promise((r) => setTimeout(r, event.ms ?? 0));
  return { ok: true };
};
