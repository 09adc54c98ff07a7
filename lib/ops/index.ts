/**
 * Operations tooling that reads the synthesized app: the cost estimate and the diagram.
 */
export * from './facts';
export * from './prices';
export * from './usage';
export * from './schedule-rate';
export * from './cost';
export * from './regions';
export * from './cost-data';
export * from './format';
export * from './diagram';
export * from './commands';
