/**
 * IAM policy evaluation over the app model: pure, no I/O. The local endpoint uses it to check
 * each call a function makes against the function's synthesized role (`--iam enforce|warn`).
 */
export { RequestContext, isUndecidable, substitute, type Tri, type Undecidable } from './context';
export { evaluateConditions, evaluateOne } from './conditions';
export { evaluate, statementsOf, type ApplicablePolicies, type AuthorizationRequest, type Decision, type NamedPolicy, type Principal } from './evaluate';
export { actionMatch, arnMatch, globMatch } from './glob';
export { accessDeniedMessage, fixFor } from './messages';
