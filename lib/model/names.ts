/**
 * Display names: the one name per function, rule, queue and bus that `switchyard dev` prints and
 * that every local command and API accepts beside the physical name, the ARN and the logical id.
 *
 * - A resource whose template sets its name (`FunctionName`, a rule's `Name`, `QueueName`, a
 *   bus's `Name`) is shown by that name: it is its name in AWS too.
 * - Otherwise CloudFormation generates the name in AWS (`<stack>-<logicalId>-<random>`), which
 *   nobody recognises; the resource is shown by the id it was declared with, from the construct
 *   path (`Shop/Functions/PlaceOrder/Resource` -> `PlaceOrder`), with as many parent ids as it
 *   takes to tell it from the others of its kind (`Nightly/DeadLetters`).
 * - Without path metadata: the logical id less CDK's hash suffix, else the logical id.
 *
 * A display name never equals another resource's name, ARN or logical id of the same kind, so
 * lookups by any of them cannot be ambiguous.
 */
import type { CfnResource } from './intrinsics';

/** What names are derived from: a model element and its template resource. */
export interface NameSource {
  readonly name: string;
  readonly arn?: string;
  readonly logicalId: string;
  /** The template resource (for its `aws:cdk:path` metadata and name property). */
  readonly resource?: CfnResource;
}

/** Construct ids that say what a resource is rather than which one: the parent's id names it. */
const KIND_IDS = new Set(['Resource', 'Default', 'Rule', 'Api']);
/** Construct ids that qualify their parent (a subscription's `DeadLetters`): shown with it. */
const QUALIFIER_IDS = new Set(['DeadLetters', 'FunctionUrl']);
/** CDK's logical ids end in an 8-character hash of the construct path. */
const HASH_SUFFIX = /(?<=.)[0-9A-F]{8}$/;

/**
 * The display name of each source, in order.
 *
 * @param nameProperty the property that names the resource type explicitly (`FunctionName`);
 *   none for types without one (custom resources)
 */
export function displayNames(sources: readonly NameSource[], nameProperty?: string): string[] {
  // Which sources each name, ARN and logical id belongs to: a display name may equal its own.
  const owners = new Map<string, Set<number>>();
  sources.forEach((s, i) => {
    for (const x of [s.name, s.arn, s.logicalId]) if (x !== undefined) owners.set(x, (owners.get(x) ?? new Set()).add(i));
  });
  const takenByOthers = (candidate: string, i: number) => [...(owners.get(candidate) ?? [])].some((j) => j !== i);
  const segments = sources.map(meaningfulSegments);
  const names = sources.map((s, i) => {
    if (nameProperty !== undefined && s.resource?.Properties?.[nameProperty] !== undefined) return s.name;
    const own = segments[i];
    for (let k = minimumTail(own); k <= own.length; k++) {
      const candidate = own.slice(own.length - k).join('/');
      const shared = segments.some((other, j) => j !== i && tail(other, k) === candidate);
      if (!shared && !takenByOthers(candidate, i)) return candidate;
    }
    return s.logicalId;
  });
  // Two fallbacks can still meet (equal logical ids in two stacks): those keep their physical names.
  return names.map((n, i) => (names.indexOf(n) === names.lastIndexOf(n) ? n : sources[i].name));
}

/** The construct path without CDK's structural ids, or the logical id less its hash. */
function meaningfulSegments(source: NameSource): string[] {
  const cdkPath = source.resource?.Metadata?.['aws:cdk:path'];
  if (typeof cdkPath !== 'string') return [source.logicalId.replace(HASH_SUFFIX, '')];
  const segments = cdkPath.split('/').filter(Boolean);
  while (segments.length > 1 && KIND_IDS.has(segments[segments.length - 1])) segments.pop();
  return segments;
}

function minimumTail(segments: readonly string[]): number {
  return QUALIFIER_IDS.has(segments[segments.length - 1]) ? Math.min(2, segments.length) : 1;
}

function tail(segments: readonly string[], k: number): string | undefined {
  return k > segments.length ? undefined : segments.slice(segments.length - k).join('/');
}
