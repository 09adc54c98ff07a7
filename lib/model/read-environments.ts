/**
 * Several stacks, accounts, regions and cloud assemblies as one app: which account and region
 * each stack's resources are named in, and the assemblies loaded together with the collisions
 * that would make a name mean two things refused up front.
 */
import * as path from 'node:path';
import { AssemblyError, loadAssembly, type LoadedStack } from './assembly';
import type { LocalEnvironment } from './physical';

/**
 * The environment a stack's resources are named in: the account and region its manifest binds it
 * to (`new Stack(app, 'Billing', { env: { region: 'us-west-2' } })`), each else the app's default,
 * as `cdk deploy` would take them from the profile.
 */
export function stackEnvironment(stack: LoadedStack, defaults: LocalEnvironment): LocalEnvironment {
  const { account, region } = stack.environment;
  if (account === undefined && region === undefined) return defaults;
  return { ...defaults, accountId: account ?? defaults.accountId, region: region ?? defaults.region };
}

/**
 * Loads the stacks of every assembly, in the order given (each in its manifest's order).
 *
 * Stack artifact ids identify a stack everywhere locally (the `stack` of every model element,
 * the durable state's folder), so two assemblies may not hold the same one; and CloudFormation
 * itself allows one stack of a name per account and region. Either collision is an
 * {@link AssemblyError} naming both.
 */
export function loadAssemblies(dirs: readonly string[]): LoadedStack[] {
  const stacks: LoadedStack[] = [];
  const byId = new Map<string, string>();
  const byName = new Map<string, LoadedStack>();
  for (const dir of dirs) {
    const abs = path.resolve(dir);
    for (const stack of loadAssembly(abs)) {
      const earlier = byId.get(stack.id);
      if (earlier !== undefined) {
        const where = earlier === abs ? `twice in ${abs} (was it given twice?)` : `in two assemblies, ${earlier} and ${abs}`;
        throw new AssemblyError(`Stack '${stack.id}' is ${where}: stacks run together by one 'dev' need distinct ids. Fix: give one of the stacks another construct id, or run the apps in separate 'dev's (each with its own --aws-port).`);
      }
      byId.set(stack.id, abs);
      const key = `${stack.environment.account ?? '(default account)'}/${stack.environment.region ?? '(default region)'}/${stack.stackName}`;
      const twin = byName.get(key);
      if (twin) {
        throw new AssemblyError(`Stacks '${twin.id}' (${twin.dir}) and '${stack.id}' (${stack.dir}) are both named '${stack.stackName}' in the same account and region: CloudFormation keeps one stack of a name there. Fix: set another stackName on one of them, or bind them to different regions (env).`);
      }
      byName.set(key, stack);
      stacks.push(stack);
    }
  }
  return stacks;
}

/**
 * Refuses two functions, queues or tables of one name in different accounts or regions: in AWS
 * each lives in its own region, but locally they share one host and one endpoint that finds
 * them by name (a queue URL's last segment, `FunctionName`, `TableName`).
 */
export function assertLocalNamesUnique(kind: string, items: ReadonlyArray<{ readonly name: string; readonly arn: string; readonly stack?: string }>): void {
  const seen = new Map<string, { readonly arn: string; readonly stack?: string }>();
  for (const item of items) {
    const twin = seen.get(item.name);
    if (twin && twin.arn !== item.arn) {
      throw new AssemblyError(`The ${kind} '${item.name}' is in stack '${twin.stack}' (${twin.arn}) and in stack '${item.stack}' (${item.arn}): locally the ${kind}s of the app share one namespace across regions. Fix: give one stack another stackName (generated names start with it), or name the ${kind} explicitly.`);
    }
    seen.set(item.name, item);
  }
}
