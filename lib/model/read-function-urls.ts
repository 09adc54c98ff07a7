/**
 * `AWS::Lambda::Url` -> {@link FunctionUrlModel}: what `fn.addFunctionUrl()` (or an alias's)
 * declares.
 */
import { resourcesOfType, type StackContext } from './context';
import { displayNames } from './names';
import { functionUrlId } from './physical';
import { corsOf } from './read-http';
import type { FunctionUrlModel } from './types';

/**
 * Reads the function URLs of one stack. A URL whose target is not a function the local runtime
 * runs (a function imported by ARN, a container image) is left out: the unserved resources list
 * it with the reason (see unserved.ts).
 */
export function readFunctionUrls(ctx: StackContext, functionOf: (arn: string) => string | undefined): FunctionUrlModel[] {
  const urls = resourcesOfType(ctx, 'AWS::Lambda::Url');
  const names = displayNames(urls.map(([logicalId, resource]) => ({ name: logicalId, logicalId, resource })));
  const out: FunctionUrlModel[] = [];
  urls.forEach(([logicalId, r], i) => {
    const p = r.Properties ?? {};
    const target = ctx.resolver.resolveString(p.TargetFunctionArn);
    const functionLogicalId = functionOf(ctx.attributes.functionArn(target));
    if (!functionLogicalId) return;
    out.push({
      stack: ctx.stack.id,
      logicalId,
      displayName: names[i],
      urlId: functionUrlId(ctx.stack.stackName, logicalId),
      url: ctx.attributes.getAtt(logicalId, 'FunctionUrl'),
      functionLogicalId,
      qualifier: p.Qualifier === undefined ? undefined : ctx.resolver.resolveString(p.Qualifier),
      authType: ctx.resolver.resolveString(p.AuthType ?? 'NONE') === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
      invokeMode: p.InvokeMode !== undefined && ctx.resolver.resolveString(p.InvokeMode) === 'RESPONSE_STREAM' ? 'RESPONSE_STREAM' : 'BUFFERED',
      cors: corsOf(ctx, p.Cors),
    });
  });
  return out;
}

