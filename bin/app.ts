#!/usr/bin/env node
// The example app, as `cdk synth` / `cdk deploy` / `switchyard dev` run it (see cdk.json).
import { App } from 'aws-cdk-lib';
import { BillingStack } from './billing-stack';
import { ShopStack } from './shop-stack';

const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
const shop = new ShopStack(app, 'SwitchyardShop', { env });
// A separate service that subscribes to the shop's OrderPlaced through the shop's bus.
new BillingStack(app, 'SwitchyardBilling', { env, shop: shop.app });
app.synth();
