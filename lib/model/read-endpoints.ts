/**
 * `AWS::Events::Endpoint` -> {@link GlobalEndpointModel}: which of the endpoint's two buses is
 * the primary (the one outside the secondary `Route`'s region) and whether events are replicated.
 */
import { resourcesOfType, type StackContext } from './context';
import type { GlobalEndpointModel } from './types';

/** Reads the global endpoints of one stack; one without two buses is left out (CloudFormation refuses it). */
export function readGlobalEndpoints(ctx: StackContext): GlobalEndpointModel[] {
  const out: GlobalEndpointModel[] = [];
  for (const [logicalId, r] of resourcesOfType(ctx, 'AWS::Events::Endpoint')) {
    // Only what routing needs is resolved: a role or a description may use intrinsics not served here.
    const p = Object.fromEntries(['EventBuses', 'ReplicationConfig', 'RoutingConfig'].map((k) => [k, ctx.resolver.resolve(r.Properties?.[k])])) as EndpointProperties;
    const buses = (p.EventBuses ?? []).map((b) => String(b.EventBusArn));
    const secondaryRegion = p.RoutingConfig?.FailoverConfig?.Secondary?.Route;
    const secondary = buses.find((arn) => arn.split(':')[3] === secondaryRegion) ?? buses[1];
    const primary = buses.find((arn) => arn !== secondary);
    if (buses.length !== 2 || primary === undefined || secondary === undefined) continue;
    out.push({
      stack: ctx.stack.id,
      logicalId,
      name: ctx.attributes.name(logicalId),
      endpointId: ctx.attributes.getAtt(logicalId, 'EndpointId'),
      arn: ctx.attributes.getAtt(logicalId, 'Arn'),
      url: ctx.attributes.getAtt(logicalId, 'EndpointUrl'),
      primaryBusArn: primary,
      secondaryBusArn: secondary,
      replication: p.ReplicationConfig?.State !== 'DISABLED',
      healthCheck: p.RoutingConfig?.FailoverConfig?.Primary?.HealthCheck,
    });
  }
  return out;
}

/** The properties of `AWS::Events::Endpoint`, resolved. */
interface EndpointProperties {
  readonly EventBuses?: ReadonlyArray<{ readonly EventBusArn?: unknown }>;
  readonly ReplicationConfig?: { readonly State?: string };
  readonly RoutingConfig?: {
    readonly FailoverConfig?: { readonly Primary?: { readonly HealthCheck?: string }; readonly Secondary?: { readonly Route?: string } };
  };
}
