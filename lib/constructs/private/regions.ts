import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';

// A region name as AWS writes them: us-east-1, ap-southeast-3, us-gov-west-1, cn-north-1.
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

// Regions where EventBridge global endpoints were announced (July 2022). Written by hand from
// that announcement, as no package lists them; AWS may have added regions since, so a region
// outside the list is a warning, not an error.
const GLOBAL_ENDPOINT_REGIONS = new Set([
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1',
  'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-south-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
  'sa-east-1',
]);

/** The partition a region belongs to, from its prefix (the same rule the SDKs' partition table encodes). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  return 'aws';
}

/** Throws unless `region` is a concrete, well-formed region name. */
export function checkConcreteRegion(scope: IConstruct, region: string, prop: string): void {
  if (Token.isUnresolved(region)) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_REGION,
      problem: `${prop} needs a concrete region, but the stack is region-agnostic`,
      scope,
      value: '(unresolved: ${AWS::Region})',
      fix: "give the stack an env with a region (new Stack(app, 'Shop', { env: { region: 'us-east-1' } })), or use MultiRegionApp, which makes a stack per region",
    });
  }
  if (!REGION_NAME.test(region)) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_REGION, problem: `${prop} is not a region name`, scope, value: region, fix: "write a region as AWS does, e.g. 'us-east-1' or 'eu-west-2'" });
  }
}

/**
 * Throws unless `primary` and `secondary` are two concrete regions of one partition (a global
 * endpoint and replication cannot cross partitions); warns for a region outside the list of
 * regions known to offer global endpoints.
 */
export function checkRegionPair(scope: IConstruct, regions: { readonly primary: string; readonly secondary: string }, props: { readonly primary: string; readonly secondary: string }, globalEndpoint = true): void {
  const { primary, secondary } = regions;
  const prop = props.secondary;
  checkConcreteRegion(scope, primary, props.primary);
  checkConcreteRegion(scope, secondary, prop);
  if (primary === secondary) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_REGION, problem: `${prop} is the primary region itself`, scope, value: secondary, fix: `choose another region than ${primary} for ${prop}: failover needs a second region` });
  }
  if (partitionOf(primary) !== partitionOf(secondary)) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_REGION,
      problem: `${prop} is in partition ${partitionOf(secondary)}, the primary region ${primary} in ${partitionOf(primary)}`,
      scope,
      value: secondary,
      fix: `choose a secondary region of partition ${partitionOf(primary)}: events cannot fail over or replicate across partitions`,
    });
  }
  for (const region of globalEndpoint ? [primary, secondary] : []) {
    if (GLOBAL_ENDPOINT_REGIONS.has(region)) continue;
    Annotations.of(scope).addWarningV2(
      'switchyard:globalEndpointRegion',
      `${region} is not among the regions known to offer EventBridge global endpoints (${[...GLOBAL_ENDPOINT_REGIONS].join(', ')}); the deployment may fail there. Fix: check the EventBridge endpoints page for ${region}, or choose a listed region.`,
    );
  }
}
