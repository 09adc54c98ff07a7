/**
 * Switchyard: AWS CDK constructs for event-driven serverless applications.
 *
 * `import { EventApp } from 'switchyard'` for the constructs; handler-side helpers are in
 * `switchyard/runtime`, test helpers in `switchyard/testing`.
 */
export * from './constructs';
export type { BundlingOptions, BundleReport } from './bundling';
export { BundlingSession, BundledCode } from './bundling';
export * from './errors';
