export * from './options';
export * from './cache';
export * from './build';
export * from './code';
