import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { EventApp } from '../event-app';
import type { RegionalDomainOptions } from '../regions';

/** Throws unless the domain is in its zone and has a certificate in every region. */
export function checkDomain(scope: Construct, domain: RegionalDomainOptions, regions: readonly string[]): void {
  const zone = domain.hostedZone.zoneName.replace(/\.$/, '');
  const name = domain.domainName.replace(/\.$/, '');
  if (!Token.isUnresolved(name) && !Token.isUnresolved(zone) && name !== zone && !name.endsWith(`.${zone}`)) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: 'domain.domainName is not in domain.hostedZone', scope, value: { domainName: domain.domainName, zoneName: domain.hostedZone.zoneName }, fix: `use a name ending in .${zone}, or the hosted zone of ${name}` });
  }
  const missing = regions.filter((region) => !domain.certificateArns[region]);
  if (missing.length > 0) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: 'domain.certificateArns lacks a certificate for a region: a regional API domain needs one in its own region',
      scope,
      value: missing,
      fix: `add certificateArns for ${missing.join(', ')} (an ACM certificate for ${domain.domainName} issued in that region)`,
    });
  }
}

/**
 * Route 53's HTTPS check of the region's API at `path` (on its execute-api host, which answers
 * without the custom domain's DNS), after a check that a route serves that path; failover and
 * latency records both leave a region out while it fails.
 */
export function apiHealthCheck(stack: Stack, app: EventApp, region: string, path: string): route53.HealthCheck {
  const served = app.routeKeys.some((key) => key === '$default' || key === `GET ${path}` || key === `ANY ${path}`);
  if (!served) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: 'domain.healthCheckPath is not served by a route of the app, so Route 53 would find every region unhealthy',
      scope: app,
      value: path,
      fix: `add a route 'GET ${path}' (a function answering 200 while the region can serve), or set domain.healthCheckPath to a GET route of the app`,
    });
  }
  return new route53.HealthCheck(stack, 'ApiHealthCheck', {
    type: route53.HealthCheckType.HTTPS,
    fqdn: `${app.api!.apiId}.execute-api.${region}.${Aws.URL_SUFFIX}`,
    resourcePath: path,
    port: 443,
    enableSNI: true,
  });
}
