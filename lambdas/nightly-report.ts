import { ScanCommand, ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import type { ScheduledEvent } from 'aws-lambda';
import { publish } from 'switchyard/runtime';
import { DailyOrderReport } from './events';
import { dynamo, ordersTable } from './shared/aws';

/** Nightly: counts orders and revenue by status and publishes `DailyOrderReport`. */
export async function handler(event: ScheduledEvent): Promise<{ orders: number; revenue: number }> {
  const byStatus: Record<string, number> = {};
  let orders = 0;
  let revenueCents = 0;
  let cursor: ScanCommandOutput['LastEvaluatedKey'];
  do {
    // `status` and `total` are both DynamoDB reserved words: an expression names them through placeholders.
    const page: ScanCommandOutput = await dynamo.send(
      new ScanCommand({ TableName: ordersTable(), ProjectionExpression: '#status, #total', ExpressionAttributeNames: { '#status': 'status', '#total': 'total' }, ExclusiveStartKey: cursor }),
    );
    for (const item of page.Items ?? []) {
      orders += 1;
      revenueCents += Math.round(Number(item.total?.N ?? 0) * 100);
      const status = item.status?.S ?? 'unknown';
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  const report = { date: event.time.slice(0, 10), orders, revenue: revenueCents / 100, byStatus };
  await publish(DailyOrderReport, report);
  return { orders, revenue: report.revenue };
}
