/**
 * Helpers for users' jest tests: `import { templateSerializer } from 'switchyard/testing'`.
 *
 * Snapshots that do not churn with handler code (`templateSerializer`, `normalizeTemplate`),
 * and `startLocalApp` to run a stack in-process against real HTTP and SDK clients.
 */
export { normalizeTemplate, templateSerializer } from './snapshot';
export type { NormalizeOptions } from './snapshot';
export { startLocalApp } from './local-app';
export type { LocalAppSource, RunningLocalApp } from './local-app';
export type { IamMode, LocalAppOptions, PermissionGap } from '../local';
