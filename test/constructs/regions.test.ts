import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ErrorCode, EventApp, MultiRegionApp, MultiRegionAppProps, RegionalDomainOptions, SwitchyardError } from '../../lib';
import { thrown } from '../support/thrown';
import { idOf } from './support/template';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';
const DOMAIN: RegionalDomainOptions = {
  domainName: 'api.shop.example.com',
  hostedZone: { hostedZoneId: 'Z0123456789', zoneName: 'shop.example.com' },
  certificateArns: {
    'us-east-1': 'arn:aws:acm:us-east-1:111122223333:certificate/east',
    'us-west-2': 'arn:aws:acm:us-west-2:111122223333:certificate/west',
  },
};

function define(shop: EventApp): void {
  shop.addRoute('GET /health', HELLO);
  shop.addRoute('POST /orders', { entry: OTHER, publishes: true });
}

function deploy(props: Partial<MultiRegionAppProps> = {}): MultiRegionApp {
  return new MultiRegionApp(new App(), 'Shop', { primaryRegion: 'us-east-1', secondaryRegion: 'us-west-2', account: '111122223333', busName: 'shop', define, ...props });
}

describe('an app in two regions, with failover routing', () => {
  const shop = deploy({ domain: DOMAIN });
  const primary = Template.fromStack(shop.primary.stack);
  const secondary = Template.fromStack(shop.secondary.stack);

  test('is a stack per region, named after the app and the region, the primary depending on the secondary', () => {
    expect(shop.regions.map((r) => [r.stack.stackName, r.stack.region, r.stack.account])).toEqual([
      ['Shop-us-east-1', 'us-east-1', '111122223333'],
      ['Shop-us-west-2', 'us-west-2', '111122223333'],
    ]);
    expect(shop.primary.stack.dependencies).toEqual([shop.secondary.stack]);
    expect(shop.secondary.stack.dependencies).toEqual([]);
  });

  test('both regions have the app with the same bus name; only the primary has the global endpoint', () => {
    for (const t of [primary, secondary]) {
      t.hasResourceProperties('AWS::Events::EventBus', { Name: 'shop' });
      t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    }
    primary.resourceCountIs('AWS::Events::Endpoint', 1);
    secondary.resourceCountIs('AWS::Events::Endpoint', 0);
    primary.hasResourceProperties('AWS::Events::Endpoint', {
      EventBuses: [{ EventBusArn: Match.anyValue() }, { EventBusArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-west-2:111122223333:event-bus/shop']] } }],
    });
  });

  test.each([
    ['primary', 'us-east-1', 'PRIMARY'],
    ['secondary', 'us-west-2', 'SECONDARY'],
  ] as const)('the %s region serves the domain with its certificate, an HTTPS health check and a %s failover record', (which, region, failover) => {
    const t = which === 'primary' ? primary : secondary;
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.shop.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: DOMAIN.certificateArns[region], EndpointType: 'REGIONAL' })],
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { ApiId: { Ref: idOf(t, 'AWS::ApiGatewayV2::Api', 'ShopHttpApi') }, DomainName: { Ref: idOf(t, 'AWS::ApiGatewayV2::DomainName', 'Domain') } });
    const api = idOf(t, 'AWS::ApiGatewayV2::Api', 'ShopHttpApi');
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'HTTPS',
        FullyQualifiedDomainName: { 'Fn::Join': ['', [{ Ref: api }, `.execute-api.${region}.`, { Ref: 'AWS::URLSuffix' }]] },
        ResourcePath: '/health',
        Port: 443,
      }),
    });
    const domain = idOf(t, 'AWS::ApiGatewayV2::DomainName', 'Domain');
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.shop.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789',
      SetIdentifier: region,
      Failover: failover,
      HealthCheckId: { Ref: idOf(t, 'AWS::Route53::HealthCheck', 'ApiHealthCheck') },
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': [domain, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [domain, 'RegionalHostedZoneId'] },
        EvaluateTargetHealth: true,
      },
      Region: Match.absent(),
    });
  });

  test("each region's dashboard has a row for the other region, read there", () => {
    expect(JSON.stringify(primary.findResources('AWS::CloudWatch::Dashboard'))).toContain('us-west-2: rule invocations (account)');
    expect(JSON.stringify(secondary.findResources('AWS::CloudWatch::Dashboard'))).toContain('us-east-1: rule invocations (account)');
  });
});

describe('options', () => {
  test("latency routing: each region's record names its region, with its health check, and no failover", () => {
    const shop = deploy({ domain: { ...DOMAIN, routing: 'latency' } });
    for (const { stack, region } of shop.regions) {
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::Route53::RecordSet', { SetIdentifier: region, Region: region, Failover: Match.absent(), HealthCheckId: Match.anyValue() });
    }
  });

  test('globalEndpoint: false has no endpoint and no stack dependency; the publishers put events on their own bus', () => {
    const shop = deploy({ globalEndpoint: false });
    const t = Template.fromStack(shop.primary.stack);
    t.resourceCountIs('AWS::Events::Endpoint', 0);
    expect(shop.primary.stack.dependencies).toEqual([]);
    const env = Object.values(t.findResources('AWS::Lambda::Function')).map((f) => Object.keys(f.Properties.Environment?.Variables ?? {}));
    expect(env.flat()).not.toContain('SWITCHYARD_EVENT_ENDPOINT_ID');
  });

  test('a dashboard name per region is accepted', () => {
    const shop = deploy({ app: ({ region }) => ({ monitoring: { dashboardName: `Shop-${region}` } }) });
    for (const { stack, region } of shop.regions) Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `Shop-${region}` });
  });

  test('app props per region reach each region', () => {
    const shop = deploy({ app: ({ region, primary }) => ({ functionDefaults: { environment: { SHOP_REGION: region, SHOP_PRIMARY: String(primary) } } }) });
    for (const { stack, region } of shop.regions) {
      const variables = { SHOP_REGION: region, SHOP_PRIMARY: String(region === 'us-east-1') };
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike(variables) } });
    }
  });
});

describe('bad settings fail at synth', () => {
  const cases: Array<{ name: string; props: Partial<MultiRegionAppProps>; code: ErrorCode; mentions: string }> = [
    { name: 'secondary equal to the primary', props: { secondaryRegion: 'us-east-1' }, code: ErrorCode.INVALID_REGION, mentions: 'is the primary region itself' },
    { name: 'a malformed primary region', props: { primaryRegion: 'Virginia' }, code: ErrorCode.INVALID_REGION, mentions: 'primaryRegion is not a region name' },
    { name: 'regions of two partitions', props: { secondaryRegion: 'us-gov-west-1' }, code: ErrorCode.INVALID_REGION, mentions: 'partition aws-us-gov' },
    { name: 'a domain outside its zone', props: { domain: { ...DOMAIN, domainName: 'api.example.org' } }, code: ErrorCode.INVALID_PROPS, mentions: 'not in domain.hostedZone' },
    { name: 'a region without a certificate', props: { domain: { ...DOMAIN, certificateArns: { 'us-east-1': DOMAIN.certificateArns['us-east-1']! } } }, code: ErrorCode.INVALID_PROPS, mentions: 'us-west-2' },
    { name: 'a health path no route serves', props: { domain: { ...DOMAIN, healthCheckPath: '/ping' } }, code: ErrorCode.INVALID_PROPS, mentions: "add a route 'GET /ping'" },
    { name: 'one dashboard name for both regions', props: { app: { monitoring: { dashboardName: 'Shop' } } }, code: ErrorCode.INVALID_PROPS, mentions: 'global to the account' },
    { name: 'a domain without routes', props: { domain: DOMAIN, define: () => undefined }, code: ErrorCode.INVALID_PROPS, mentions: 'no HTTP route' },
  ];
  test.each(cases)('$name', ({ props, code, mentions }) => {
    const error = thrown(() => deploy(props)) as SwitchyardError;
    expect(error.code).toBe(code);
    expect(error.message).toContain(mentions);
    expect(error.constructPath).toMatch(/^Shop/);
  });
});
