#!/usr/bin/env node
// The example app, as `cdk synth` / `cdk deploy` / `switchyard dev` run it (see cdk.json).
import { App } from 'aws-cdk-lib';
import { ShopStack } from './shop-stack';

const app = new App();
new ShopStack(app, 'SwitchyardShop', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
