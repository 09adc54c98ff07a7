/**
 * The app model: a synthesized cloud assembly read into one plain, serializable description.
 * See docs/ARCHITECTURE.md, "The app model".
 */
export * from './types';
export { readAppModel, type ReadAppModelOptions, type ReadAppModelResult } from './read-model';
export { AssemblyError, loadAssembly, type LoadedStack } from './assembly';
export { IntrinsicResolver, UnresolvableIntrinsicError, type CfnTemplate, type CfnResource, type PseudoParameters, type ResourceAttributes } from './intrinsics';
export { busNameOf } from './physical';
