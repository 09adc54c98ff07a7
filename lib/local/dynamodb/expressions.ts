/**
 * DynamoDB expressions, the subset handlers commonly use: condition/filter expressions
 * (comparisons, BETWEEN, IN, AND/OR/NOT, attribute_exists, attribute_not_exists, begins_with,
 * contains, size), update expressions (SET with `+`/`-`, if_not_exists, list_append; REMOVE;
 * ADD for numbers) and projection expressions, with `#name` and `:value` placeholders.
 */

/** A DynamoDB attribute value in the JSON wire format. */
export type AttributeValue = { S: string } | { N: string } | { B: string } | { BOOL: boolean } | { NULL: true } | { M: Item } | { L: AttributeValue[] } | { SS: string[] } | { NS: string[] } | { BS: string[] };

/** An item: attribute name -> value. */
export type Item = { [name: string]: AttributeValue };

/** Placeholders of a request. */
export interface ExpressionContext {
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, AttributeValue>>;
}

/** Thrown for an expression this local DynamoDB cannot parse (DynamoDB: ValidationException). */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

type Path = ReadonlyArray<string | number>;

class Parser {
  private readonly tokens: string[];
  private i = 0;

  constructor(text: string, private readonly ctx: ExpressionContext) {
    this.tokens = text.match(/<>|<=|>=|[=<>(),.+\-[\]]|[#:]?[A-Za-z0-9_]+/g) ?? [];
  }

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): string | undefined {
    return this.tokens[this.i];
  }

  next(): string {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new ExpressionError('Invalid expression: unexpected end of input');
    return t;
  }

  keyword(word: string): boolean {
    if (this.peek()?.toUpperCase() !== word) return false;
    this.i++;
    return true;
  }

  expect(token: string): void {
    const t = this.next();
    if (t !== token) throw new ExpressionError(`Invalid expression: expected '${token}', found '${t}'`);
  }

  path(): Path {
    const out: Array<string | number> = [this.name(this.next())];
    for (;;) {
      if (this.peek() === '.') {
        this.i++;
        out.push(this.name(this.next()));
      } else if (this.peek() === '[') {
        this.i++;
        out.push(Number(this.next()));
        this.expect(']');
      } else return out;
    }
  }

  value(token: string): AttributeValue {
    const v = this.ctx.values?.[token];
    if (!v) throw new ExpressionError(`Value provided in ExpressionAttributeValues unused or missing: ${token}`);
    return v;
  }

  private name(token: string): string {
    if (!token.startsWith('#')) return token;
    const n = this.ctx.names?.[token];
    if (n === undefined) throw new ExpressionError(`An expression attribute name used in the document path is not defined; attribute name: ${token}`);
    return n;
  }
}

/** Evaluates a condition or filter expression against an item (undefined item = no item). */
export function evaluateCondition(expression: string, item: Item | undefined, ctx: ExpressionContext): boolean {
  const p = new Parser(expression, ctx);
  const result = orExpr(p, item ?? {});
  if (!p.done) throw new ExpressionError(`Invalid ConditionExpression: unexpected '${p.peek()}'`);
  return result;
}

function orExpr(p: Parser, item: Item): boolean {
  let v = andExpr(p, item);
  while (p.keyword('OR')) v = andExpr(p, item) || v;
  return v;
}

function andExpr(p: Parser, item: Item): boolean {
  let v = notExpr(p, item);
  while (p.keyword('AND')) v = notExpr(p, item) && v;
  return v;
}

function notExpr(p: Parser, item: Item): boolean {
  if (p.keyword('NOT')) return !notExpr(p, item);
  if (p.peek() === '(') {
    p.next();
    const v = orExpr(p, item);
    p.expect(')');
    return v;
  }
  const fn = p.peek()?.toLowerCase();
  if (fn === 'attribute_exists' || fn === 'attribute_not_exists' || fn === 'begins_with' || fn === 'contains' || fn === 'attribute_type') {
    p.next();
    p.expect('(');
    const a = operand(p, item);
    let b: AttributeValue | undefined;
    if (fn !== 'attribute_exists' && fn !== 'attribute_not_exists') {
      p.expect(',');
      b = operand(p, item);
    }
    p.expect(')');
    if (fn === 'attribute_exists') return a !== undefined;
    if (fn === 'attribute_not_exists') return a === undefined;
    if (fn === 'attribute_type') return a !== undefined && b !== undefined && 'S' in b && Object.keys(a)[0] === b.S;
    if (fn === 'begins_with') return a !== undefined && b !== undefined && 'S' in a && 'S' in b && a.S.startsWith(b.S);
    return contains(a, b);
  }
  const left = operand(p, item);
  if (p.keyword('BETWEEN')) {
    const lo = operand(p, item);
    if (!p.keyword('AND')) throw new ExpressionError('Invalid expression: BETWEEN needs AND');
    const hi = operand(p, item);
    return compare(left, lo) >= 0 && compare(left, hi) <= 0 && left !== undefined;
  }
  if (p.keyword('IN')) {
    p.expect('(');
    const list = [operand(p, item)];
    while (p.peek() === ',') {
      p.next();
      list.push(operand(p, item));
    }
    p.expect(')');
    return list.some((x) => equal(left, x));
  }
  const op = p.next();
  const right = operand(p, item);
  if (left === undefined || right === undefined) return op === '<>' && left !== right;
  switch (op) {
    case '=':
      return equal(left, right);
    case '<>':
      return !equal(left, right);
    case '<':
      return compare(left, right) < 0;
    case '<=':
      return compare(left, right) <= 0;
    case '>':
      return compare(left, right) > 0;
    case '>=':
      return compare(left, right) >= 0;
    default:
      throw new ExpressionError(`Invalid expression: unknown operator '${op}'`);
  }
}

function operand(p: Parser, item: Item): AttributeValue | undefined {
  const t = p.peek();
  if (t?.startsWith(':')) return p.value(p.next());
  if (t?.toLowerCase() === 'size') {
    p.next();
    p.expect('(');
    const v = operand(p, item);
    p.expect(')');
    return v === undefined ? undefined : { N: String(sizeOf(v)) };
  }
  return getPath(item, p.path());
}

/** Applies an update expression to an item (mutates and returns it). */
export function applyUpdate(expression: string, item: Item, ctx: ExpressionContext): Item {
  const p = new Parser(expression, ctx);
  while (!p.done) {
    const clause = p.next().toUpperCase();
    do {
      if (clause === 'SET') {
        const path = p.path();
        p.expect('=');
        let v = setTerm(p, item);
        while (p.peek() === '+' || p.peek() === '-') {
          const sign = p.next() === '+' ? 1 : -1;
          const w = setTerm(p, item);
          if (!v || !w || !('N' in v) || !('N' in w)) throw new ExpressionError('An operand in the update expression has an incorrect data type');
          v = { N: String(Number(v.N) + sign * Number(w.N)) };
        }
        if (!v) throw new ExpressionError('The provided expression refers to an attribute that does not exist in the item');
        setPath(item, path, v);
      } else if (clause === 'REMOVE') {
        removePath(item, p.path());
      } else if (clause === 'ADD') {
        const path = p.path();
        const v = p.value(p.next());
        const cur = getPath(item, path);
        if ('N' in v) setPath(item, path, { N: String(Number(cur && 'N' in cur ? cur.N : 0) + Number(v.N)) });
        else if ('SS' in v) setPath(item, path, { SS: [...new Set([...(cur && 'SS' in cur ? cur.SS : []), ...v.SS])] });
        else throw new ExpressionError('ADD supports numbers and string sets locally');
      } else {
        throw new ExpressionError(`Invalid UpdateExpression: unsupported clause '${clause}'`);
      }
    } while (p.peek() === ',' && p.next());
  }
  return item;
}

function setTerm(p: Parser, item: Item): AttributeValue | undefined {
  const fn = p.peek()?.toLowerCase();
  if (fn === 'if_not_exists' || fn === 'list_append') {
    p.next();
    p.expect('(');
    const a = operand(p, item);
    p.expect(',');
    const b = operand(p, item);
    p.expect(')');
    if (fn === 'if_not_exists') return a ?? b;
    return { L: [...(a && 'L' in a ? a.L : []), ...(b && 'L' in b ? b.L : [])] };
  }
  return operand(p, item);
}

/** Keeps only the attributes a projection expression names. */
export function project(item: Item, expression: string | undefined, ctx: ExpressionContext): Item {
  if (!expression) return item;
  const out: Item = {};
  for (const part of expression.split(',')) {
    const path = new Parser(part.trim(), ctx).path();
    const v = getPath(item, path);
    if (v !== undefined) out[String(path[0])] = path.length === 1 ? v : (item[String(path[0])] as AttributeValue);
  }
  return out;
}

function getPath(item: Item, path: Path): AttributeValue | undefined {
  let cur: AttributeValue | undefined = item[String(path[0])];
  for (const key of path.slice(1)) {
    if (cur && typeof key === 'number' && 'L' in cur) cur = cur.L[key];
    else if (cur && typeof key === 'string' && 'M' in cur) cur = cur.M[key];
    else return undefined;
  }
  return cur;
}

function setPath(item: Item, path: Path, value: AttributeValue): void {
  if (path.length === 1) {
    item[String(path[0])] = value;
    return;
  }
  const parent = getPath(item, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent && 'M' in parent && typeof key === 'string') parent.M[key] = value;
  else if (parent && 'L' in parent && typeof key === 'number') parent.L[key] = value;
  else throw new ExpressionError('The document path provided in the update expression is invalid for update');
}

function removePath(item: Item, path: Path): void {
  if (path.length === 1) {
    delete item[String(path[0])];
    return;
  }
  const parent = getPath(item, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent && 'M' in parent && typeof key === 'string') delete parent.M[key];
  else if (parent && 'L' in parent && typeof key === 'number') parent.L.splice(key, 1);
}

/** Value equality (sets compare as sets). */
export function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if ('N' in a && 'N' in b) return Number(a.N) === Number(b.N);
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Ordering of two scalars of the same type (N numerically, S and B by bytes). */
export function compare(a: AttributeValue | undefined, b: AttributeValue | undefined): number {
  if (a && b && 'N' in a && 'N' in b) return Number(a.N) - Number(b.N);
  if (a && b && 'S' in a && 'S' in b) return Buffer.compare(Buffer.from(a.S), Buffer.from(b.S));
  if (a && b && 'B' in a && 'B' in b) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from(b.B, 'base64'));
  return NaN;
}

function normalize(v: AttributeValue): unknown {
  if ('SS' in v) return { SS: [...v.SS].sort() };
  if ('NS' in v) return { NS: v.NS.map(Number).sort((x, y) => x - y) };
  if ('M' in v) return { M: Object.fromEntries(Object.keys(v.M).sort().map((k) => [k, normalize(v.M[k])])) };
  if ('L' in v) return { L: v.L.map(normalize) };
  return v;
}

function contains(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (!a || !b) return false;
  if ('S' in a && 'S' in b) return a.S.includes(b.S);
  if ('SS' in a && 'S' in b) return a.SS.includes(b.S);
  if ('NS' in a && 'N' in b) return a.NS.some((n) => Number(n) === Number(b.N));
  if ('L' in a) return a.L.some((x) => equal(x, b));
  return false;
}

function sizeOf(v: AttributeValue): number {
  if ('S' in v) return Buffer.byteLength(v.S);
  if ('B' in v) return Buffer.from(v.B, 'base64').length;
  if ('L' in v) return v.L.length;
  if ('M' in v) return Object.keys(v.M).length;
  if ('SS' in v) return v.SS.length;
  if ('NS' in v) return v.NS.length;
  if ('BS' in v) return v.BS.length;
  return 0;
}
