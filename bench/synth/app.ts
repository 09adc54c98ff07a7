/**
 * One synth of a generated app, run in a fresh process by `run.ts`:
 *
 *   node --import tsx bench/synth/app.ts <variant> <n> <work dir> <outdir>
 *
 * Every variant declares the same N functions, each behind an HTTP route and targeted by an
 * EventBridge rule, in stacks of 20 functions (CloudFormation allows 500 resources per stack).
 * Prints `{"maxRssKb":...}` on stdout when done.
 */
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { EventApp } from '../../lib';

/** What a variant measures. */
export type Variant = 'cdk-floor' | 'nodejs' | 'switchyard' | 'switchyard-floor';

const [variant, nText, work, outdir] = process.argv.slice(2) as [Variant, string, string, string];
const n = Number(nText);
const PER_STACK = 20;
const entry = (name: string): string => path.join(work, 'handlers', `${name}.ts`);
const prebuilt = (name: string): lambda.Code => lambda.Code.fromAsset(path.join(work, 'prebuilt', name));

// The Switchyard floor is the same EventApp app with bundling skipped, through the context key
// `cdk synth --exclusively` uses for stacks it does not deploy: every function's code is a
// stub folder, staged like pre-built code, and nothing else in the construct tree differs.
const context = variant === 'switchyard-floor' ? { 'aws:cdk:bundling-stacks': [] } : {};
const app = new App({ outdir, context });
for (let first = 0; first < n; first += PER_STACK) {
  const names = Array.from({ length: Math.min(PER_STACK, n - first) }, (_, i) => `fn${first + i}`);
  declare(new Stack(app, `Bench${first / PER_STACK}`), names);
}

function declare(stack: Stack, names: string[]): void {
  if (variant === 'switchyard' || variant === 'switchyard-floor') {
    // Each function declared once and referenced by name: an entry path given to both a route
    // and a subscription would declare two functions.
    new EventApp(stack, 'App', {
      functions: Object.fromEntries(names.map((name) => [name, entry(name)])),
      routes: Object.fromEntries(names.map((name) => [`GET /${name}`, name])),
      subscriptions: Object.fromEntries(
        names.map((name) => [`On${name}`, { pattern: { source: ['bench'], detailType: [name] }, handler: name }]),
      ),
    });
    return;
  }
  // Plain aws-cdk-lib: what a NodejsFunction user writes, and the same with pre-built code.
  const api = new apigw.HttpApi(stack, 'Api');
  const bus = new events.EventBus(stack, 'Bus');
  for (const name of names) {
    const fn =
      variant === 'nodejs'
        ? new nodejs.NodejsFunction(stack, name, { entry: entry(name), runtime: lambda.Runtime.NODEJS_24_X })
        : new lambda.Function(stack, name, { code: prebuilt(name), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X });
    api.addRoutes({ path: `/${name}`, methods: [apigw.HttpMethod.GET], integration: new integrations.HttpLambdaIntegration(`${name}Int`, fn) });
    new events.Rule(stack, `On${name}`, { eventBus: bus, eventPattern: { source: ['bench'], detailType: [name] }, targets: [new targets.LambdaFunction(fn)] });
  }
}

app.synth();
process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
