export * from './options';
export * from './plugins';
export * from './node-modules';
export * from './cache';
export * from './build';
export * from './report';
export * from './session';
export * from './code';
