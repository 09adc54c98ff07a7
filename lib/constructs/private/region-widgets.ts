import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { GlobalEndpoint } from '../global-endpoint';

// The dashboard's grid is 24 units wide; a row of four graphs (as monitoring.ts lays out).
const WIDTH = 6;
const HEIGHT = 6;

/**
 * The dashboard row of another region of the app: what it receives and how its rules and
 * functions fare there. Its rules and functions have names CloudFormation generated in that
 * region's stack, unknown here, so the row shows the account's metrics of that region (EventBridge
 * and Lambda publish them without dimensions), each widget with `region` so CloudWatch reads
 * them there.
 */
export function regionRow(region: string): cloudwatch.IWidget[] {
  const metric = (namespace: string, metricName: string, label: string, statistic: string = cloudwatch.Stats.SUM) =>
    new cloudwatch.Metric({ namespace, metricName, statistic, label, region });
  const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title: `${region}: ${title}`, left, width: WIDTH, height: HEIGHT, region });
  return [
    graph('PutEvents (account)', [metric('AWS/Events', 'PutEventsApproximateSuccessCount', 'succeeded'), metric('AWS/Events', 'PutEventsApproximateFailedCount', 'failed')]),
    graph('rule invocations (account)', [metric('AWS/Events', 'Invocations', 'invocations'), metric('AWS/Events', 'FailedInvocations', 'failed')]),
    graph('Lambda (account)', [metric('AWS/Lambda', 'Invocations', 'invocations'), metric('AWS/Lambda', 'Errors', 'errors'), metric('AWS/Lambda', 'Throttles', 'throttles')]),
    graph('ingestion to invocation (ms)', [metric('AWS/Events', 'IngestionToInvocationStartLatency', 'average', cloudwatch.Stats.AVERAGE)]),
  ];
}

/**
 * The global endpoint's row: the health check Route 53 fails over on (1 healthy, 0 not; Route 53
 * publishes it in us-east-1 only), the alarm's metric in the primary region, and the same
 * latency in the secondary.
 */
export function globalEndpointRow(endpoint: GlobalEndpoint): cloudwatch.IWidget[] {
  const status = new cloudwatch.Metric({
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensionsMap: { HealthCheckId: endpoint.healthCheck.healthCheckId },
    statistic: cloudwatch.Stats.MINIMUM,
    period: Duration.minutes(1),
    region: 'us-east-1',
    label: 'healthy (1) or failed over (0)',
  });
  const latency = (region: string) => new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'IngestionToInvocationStartLatency', statistic: cloudwatch.Stats.AVERAGE, region, label: region });
  return [
    new cloudwatch.GraphWidget({ title: `Global endpoint: health of ${endpoint.primaryRegion}`, left: [status], leftYAxis: { min: 0, max: 1 }, width: WIDTH, height: HEIGHT, region: 'us-east-1' }),
    new cloudwatch.AlarmStatusWidget({ title: 'Global endpoint: failover alarm', alarms: [endpoint.healthAlarm], width: WIDTH, height: HEIGHT }),
    new cloudwatch.GraphWidget({ title: 'Global endpoint: ingestion to invocation (ms)', left: [latency(endpoint.primaryRegion), latency(endpoint.secondaryRegion)], width: WIDTH, height: HEIGHT }),
  ];
}
