import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';

/** HTTP methods API Gateway HTTP APIs route on. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
/** One of {@link HTTP_METHODS}. */
export type HttpMethodName = (typeof HTTP_METHODS)[number];

/** A parsed route key. `$default` has no method or path. */
export interface RouteKey {
  /** The key as given, e.g. `GET /orders/{id}`. */
  readonly key: string;
  /** The method, or undefined for `$default`. */
  readonly method?: HttpMethodName;
  /** The path, or undefined for `$default`. */
  readonly path?: string;
  /** The path with parameter names erased (`/orders/{}`), which is what API Gateway compares. */
  readonly shape: string;
}

// API Gateway path segments: literal characters, or one `{param}` / greedy `{param+}` segment.
const LITERAL_SEGMENT = /^[A-Za-z0-9._~:@!$&'()*,;=-]+$/;
const PARAM_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/;

/** Parses and validates a route key, throwing a {@link SwitchyardError} naming the fix. */
export function parseRouteKey(scope: IConstruct, key: string): RouteKey {
  const fail = (reason: string, fix: string): never => {
    throw new SwitchyardError({ code: ErrorCode.INVALID_ROUTE_KEY, problem: `Invalid route key (${reason})`, scope, value: key, fix });
  };
  if (key === '$default') return { key, shape: '$default' };
  const match = /^(\S+) (\S+)$/.exec(key);
  if (!match) fail('expected "METHOD /path" or "$default"', 'write the key as "GET /orders/{id}", one space between method and path');
  const [, method, routePath] = match!;
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    fail(`unknown method "${method}"`, `use one of ${HTTP_METHODS.join(', ')} (upper case)`);
  }
  if (!routePath.startsWith('/')) fail('the path must start with "/"', `write "${method} /${routePath}"`);
  if (routePath !== '/') {
    const segments = routePath.slice(1).split('/');
    const names = new Set<string>();
    segments.forEach((segment, i) => {
      if (segment === '') fail('empty path segment or trailing "/"', 'remove the doubled or trailing slash');
      const param = PARAM_SEGMENT.exec(segment);
      if (param) {
        if (names.has(param[1])) fail(`path parameter {${param[1]}} is used twice`, 'give each path parameter its own name');
        names.add(param[1]);
        if (param[2] === '+' && i !== segments.length - 1) fail(`greedy parameter {${param[1]}+} must be the last segment`, 'move the greedy parameter to the end of the path');
      } else if (!LITERAL_SEGMENT.test(segment)) {
        fail(`segment "${segment}" is neither a literal nor a {parameter}`, 'use letters, digits and -._~ in literal segments, and {name} or {name+} for parameters');
      }
    });
  }
  const shape = routePath.replace(/\{[^}+]+(\+?)\}/g, '{$1}');
  return { key, method: method as HttpMethodName, path: routePath, shape: `${method} ${shape}` };
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_FIELDS = 6;

/**
 * Validates an EventBridge schedule expression: `rate(value unit)` or six-field `cron(...)`.
 * Tokens are accepted as is: they are only known at deploy.
 */
export function validateScheduleExpression(scope: IConstruct, expression: string): void {
  if (Token.isUnresolved(expression)) return;
  const fail = (reason: string, fix: string): never => {
    throw new SwitchyardError({ code: ErrorCode.INVALID_SCHEDULE, problem: `Invalid schedule expression (${reason})`, scope, value: expression, fix });
  };
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) fail('the rate must be a positive whole number', 'use rate(1 minute) or more');
    const singular = !rate[2].endsWith('s');
    if (value === 1 && !singular) fail(`a rate of 1 takes the singular unit`, `write rate(1 ${rate[2].slice(0, -1)})`);
    if (value !== 1 && singular) fail(`a rate above 1 takes the plural unit`, `write rate(${value} ${rate[2]}s)`);
    return;
  }
  if (expression.startsWith('rate(')) fail('expected rate(value unit) with unit minute(s), hour(s) or day(s)', 'write e.g. rate(5 minutes)');
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) fail('expected rate(...) or cron(...)', 'write e.g. rate(1 hour) or cron(0 2 * * ? *)');
  const fields = cron![1].trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS) {
    fail(`cron takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`, 'write e.g. cron(0 2 * * ? *)');
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  checkCronField(minutes, 0, 59, 'minutes', fail);
  checkCronField(hours, 0, 23, 'hours', fail);
  checkCronField(dayOfMonth, 1, 31, 'day-of-month', fail, /^(L|LW|\d{1,2}W)$/);
  checkCronField(month, 1, 12, 'month', fail, undefined, MONTHS);
  checkCronField(dayOfWeek, 1, 7, 'day-of-week', fail, /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(#[1-5]|L)$|^L$/, DAYS);
  checkCronField(year, 1970, 2199, 'year', fail);
  const dom = dayOfMonth === '?';
  const dow = dayOfWeek === '?';
  if (dom === dow) {
    fail('exactly one of day-of-month and day-of-week must be "?"', 'put "?" in day-of-month or in day-of-week, e.g. cron(0 2 * * ? *)');
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function checkCronField(
  field: string,
  min: number,
  max: number,
  name: string,
  fail: (reason: string, fix: string) => never,
  special?: RegExp,
  names?: string[],
): void {
  if (field === '*' || (field === '?' && (name === 'day-of-month' || name === 'day-of-week'))) return;
  if (special?.test(field)) return;
  const value = (text: string): number => {
    const byName = names?.indexOf(text.toUpperCase()) ?? -1;
    const n = byName >= 0 ? byName + 1 : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(n >= min && n <= max)) fail(`${name} value "${text}" is outside ${min}-${max}`, `use ${min}-${max}${names ? ` or ${names[0]}-${names[names.length - 1]}` : ''} in the ${name} field`);
    return n;
  };
  for (const part of field.split(',')) {
    const [range, step] = part.split('/');
    if (step !== undefined && !/^\d+$/.test(step)) fail(`${name} step "${step}" is not a number`, `write e.g. */5 in the ${name} field`);
    if (range === '*') continue;
    const [from, to] = range.split('-');
    value(from);
    if (to !== undefined) value(to);
  }
}

/** Throws unless `value` is a whole number within [min, max]. Tokens pass. */
export function checkRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SwitchyardError({
      code: ErrorCode.OUT_OF_RANGE,
      problem: `${prop} is out of range`,
      scope,
      value,
      fix: `set ${prop} to a whole number from ${min} to ${max}${unit}`,
    });
  }
}

/** Throws unless the duration is within [min, max] seconds. Tokens pass. */
export function checkDuration(scope: IConstruct, prop: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds();
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    throw new SwitchyardError({
      code: ErrorCode.OUT_OF_RANGE,
      problem: `${prop} is out of range`,
      scope,
      value: value.toHumanString(),
      fix: `set ${prop} between ${min.toHumanString()} and ${max.toHumanString()}`,
    });
  }
}

/** Names become construct ids and resource names: keep them to what both accept. */
export function checkName(scope: IConstruct, kind: string, name: string, taken: ReadonlySet<string>): void {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(name)) {
    throw new SwitchyardError({
      code: ErrorCode.DUPLICATE_NAME,
      problem: `Invalid ${kind} name`,
      scope,
      value: name,
      fix: 'start with a letter and use at most 64 letters, digits or hyphens',
    });
  }
  if (taken.has(name)) {
    throw new SwitchyardError({
      code: ErrorCode.DUPLICATE_NAME,
      problem: `Duplicate ${kind} name`,
      scope,
      value: name,
      fix: `give each ${kind} a unique name; "${name}" is already used in this app`,
    });
  }
}
