export * from './event-app';
export * from './function';
export * from './http';
export * from './delivery';
export * from './pattern';
export * from './validation';
