/**
 * The one error class of the pattern module, and the reason texts it carries.
 *
 * Reason texts are the ones EventBridge returns in `InvalidEventPatternException`
 * ("Event pattern is not valid. Reason: <reason>"), as recorded against the real service
 * (localstack's AWS-validated snapshots) or as written in aws/event-ruler, the engine behind
 * EventBridge. AWS appends a Jackson location ("at [Source: ...; line: 1, column: 11]"); we
 * carry a JSON-path-like `path` instead, which is more useful at synth time.
 */

/** The prefix AWS puts before every reason. */
export const AWS_REASON_PREFIX = 'Event pattern is not valid. Reason: ';

/**
 * Thrown (or returned by `validateEventPattern`) when an event pattern is not one EventBridge
 * would accept.
 *
 * @example
 * try { compileEventPattern({ source: 'aws.ec2' }); }
 * catch (e) { if (e instanceof InvalidEventPatternError) console.error(e.path, e.reason); }
 * // path "source", reason '"source" must be an object or an array'
 */
export class InvalidEventPatternError extends Error {
  /** Stable code: the name of the exception EventBridge raises for the same pattern. */
  readonly code = 'InvalidEventPatternException';
  /** AWS's reason text, without the "Event pattern is not valid. Reason: " prefix. */
  readonly reason: string;
  /** JSON-path-like location in the pattern, e.g. "detail.amount" ('' for the root). */
  readonly path: string;

  constructor(reason: string, path: string) {
    super(`${AWS_REASON_PREFIX}${reason}${path ? ` (at ${path})` : ''}`);
    this.name = 'InvalidEventPatternError';
    this.reason = reason;
    this.path = path;
  }
}

/**
 * Reason texts, one place so tests and callers can refer to them by name.
 * Functions take the offending token, as AWS interpolates it.
 */
export const Reasons = {
  notJson: (detail: string) => `Filter is not valid JSON: ${detail}`,
  notAnObject: 'Filter is not an object',
  emptyObject: 'Empty objects are not allowed',
  emptyArray: 'Empty arrays are not allowed',
  mustBeObjectOrArray: (key: string) => `"${key}" must be an object or an array`,
  badMatchValue: 'Match value must be String, number, true, false, or null',
  tooLong: (length: number, max: number) =>
    `Event pattern is ${length} characters long; the maximum is ${max}`,
  tooComplex:
    'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
  tooManyCombinations: (max: number) =>
    `The $or branches combine into more than ${max} alternatives (a limit of this library: EventBridge documents none, and each alternative is matched separately)`,

  orNotArray: 'It must be an Array followed with $or.',
  orNotObject: 'Only JSON object is allowed in array of $or relationship.',
  orTooFew: 'There must have at least 2 Objects in $or relationship.',
  orReserved: (key: string) => `${key} is Ruler reserved fieldName which cannot be used inside $or.`,

  noMatchName: 'Match expression name not found',
  onlyOneKey: 'Only one key allowed in match expression',
  unknownMatchType: (name: string) => `Unrecognized match type ${name}`,

  prefixNotString: 'prefix match pattern must be a string',
  suffixNotString: 'suffix match pattern must be a string',
  ignoreCaseNotString: 'equals-ignore-case match pattern must be a string',
  wildcardNotString: 'wildcard match pattern must be a string',
  prefixNameNotFound: 'Prefix expression name not found',
  suffixNameNotFound: 'Suffix expression name not found',
  unsupportedPrefix: (name: string) => `Unsupported prefix pattern: ${name}`,
  unsupportedSuffix: (name: string) => `Unsupported suffix pattern: ${name}`,

  anythingButNameNotFound: 'Anything-But expression name not found',
  unsupportedAnythingBut: (name: string) => `Unsupported anything-but pattern: ${name}`,
  anythingButValue: 'Value of anything-but must be an array or single string/number value.',
  anythingButListType: 'Inside anything but list, start|null|boolean is not supported.',
  anythingButMixed:
    'Inside anything but list, either all values are number or string, mixed type is not supported',
  anythingButIgnoreCaseType:
    'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  anythingButPrefixSuffixType: 'prefix/suffix match pattern must be a string',
  nullPrefixSuffix: 'Null prefix/suffix not allowed',

  numericNotArray: 'Value of numeric must be an array.',
  numericInvalidMember: (text: string) => `Invalid member in numeric match: ${text}`,
  numericUnknownOperator: (op: string) => `Unrecognized numeric range operator: ${op}`,
  numericValueNotNumber: (op: string) => `Value of ${op === '=' ? 'equals' : op} must be numeric`,
  numericTooManyElements: 'Too many elements in numeric expression',
  numericBadRangeValue: (text: string) => `Bad value in numeric range: ${text}`,
  numericBadRangeOperator: (op: string) => `Bad numeric range operator: ${op}`,
  numericTooManyTerms: 'Too many terms in numeric range expression',
  numericBottomNotBelowTop: 'Bottom must be less than top',
  numericOutOfRange: 'Value must be between -5.0E9 and 5.0E9, inclusive',

  existsNotBoolean: 'exists match pattern must be either true or false.',

  cidrNotString: 'prefix match pattern must be a string',
  cidrOneSlash: "Malformed CIDR, one '/' required",
  cidrMaskNotInteger: 'Malformed CIDR, mask bits must be an integer',
  cidrMaskNegative: 'Malformed CIDR, mask bits must not be negative',
  cidrIpv4MaskTooBig: 'IPv4 mask bits must be <= 32',
  cidrIpv6MaskTooBig: 'IPv6 mask bits must be <= 128',
  invalidIp: (ip: string) => `Invalid IP address: ${ip}`,
  nonstandardIp: (ip: string) => `Nonstandard IP address: ${ip}`,

  wildcardConsecutive: (pos: number) => `Consecutive wildcard characters at pos ${pos}`,
  wildcardBadEscape: (pos: number) => `Invalid escape character at pos ${pos}`,
} as const;

/** Internal: raised by the small parsers (cidr, wildcard) that do not know their path. */
export class ReasonError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
