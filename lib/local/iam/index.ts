/** Permissions on the local endpoint: functions' credentials, the actions each call needs, and the gate that evaluates them. */
export { IAM_MODES, IamGate, gapLine, type IamMode, type PermissionGap } from './gate';
export { FUNCTION_SECRET_ACCESS_KEY, FUNCTION_SESSION_TOKEN, callerAccessKeyId, functionAccessKeyId, isFunctionAccessKeyId } from './credentials';
export { requiredPermissions, type ArnResolver, type EndpointRequest, type IamService, type RequiredPermission } from './actions';
