/**
 * Helpers for users' jest tests: `import { templateSerializer } from 'switchyard/testing'`.
 */
export * from './snapshot';
export * from './local-app';
