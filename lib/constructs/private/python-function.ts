/**
 * What a Python entry (`entry: 'lambdas/report/app.py'`) makes of a function: its package (the
 * entry's folder and its requirements, see bundling/python.ts), its Lambda handler
 * (`app.lambda_handler`) and its runtime, each checked at synth so that a function that could
 * not start in Lambda (no such module or function, a runtime that cannot run Python) fails
 * here with a coded error rather than at its first invocation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CACHE_DIR_CONTEXT } from '../../bundling/session';
import { PythonPackagingError, packagePython } from '../../bundling/python';
import { ErrorCode, SwitchyardError } from '../../errors';

/**
 * The Python runtime of new functions: python3.14, Lambda's current Python runtime (GA since
 * November 2025). Not simply the newest name aws-cdk-lib knows: pip installs only wheels built
 * for the runtime's version, and a Python release needs months before the packages handlers use
 * (numpy, pydantic-core, cryptography) publish manylinux arm64 wheels for it; 3.14's have been out
 * for a year.
 */
export const DEFAULT_PYTHON_RUNTIME = lambda.Runtime.PYTHON_3_14;

/** Python runtimes Lambda no longer lets functions be created on. */
const RETIRED = new Set(['python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9']);

/** Lambda's Python handler function by default (what the console and SAM generate). */
const DEFAULT_HANDLER = 'lambda_handler';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for an entry that is a Python module. */
export function isPythonEntry(entry: string): boolean {
  return entry.endsWith('.py');
}

/** What a Python function is made of. */
export interface PythonFunctionCode {
  readonly code: lambda.Code;
  /** Lambda's handler: `<module>.<function>`. */
  readonly handler: string;
  readonly runtime: lambda.Runtime;
}

/** Checks and packages a Python entry. */
export function pythonFunctionCode(scope: Construct, id: string, entry: string, handler: string | undefined, runtime: lambda.Runtime = DEFAULT_PYTHON_RUNTIME, architecture: lambda.Architecture = lambda.Architecture.ARM_64): PythonFunctionCode {
  checkRuntime(scope, id, runtime);
  const moduleName = path.basename(entry, '.py');
  const fnName = handler ?? DEFAULT_HANDLER;
  checkHandler(scope, id, entry, moduleName, fnName);
  let dir: string;
  try {
    dir = packagePython({ entry: path.resolve(entry), runtime: runtime.name, architecture: architecture.name, cacheDir: scope.node.tryGetContext(CACHE_DIR_CONTEXT) as string | undefined });
  } catch (err) {
    if (!(err instanceof PythonPackagingError)) throw err;
    throw new SwitchyardError({ code: ErrorCode.PYTHON_PACKAGING_FAILED, problem: `Python function ${id} could not be packaged: ${err.message}`, scope, value: entry, fix: err.fix });
  }
  return { code: lambda.Code.fromAsset(dir), handler: `${moduleName}.${fnName}`, runtime };
}

/** Throws unless `runtime` is a Python runtime Lambda still offers. */
function checkRuntime(scope: Construct, id: string, runtime: lambda.Runtime): void {
  if (runtime.family === lambda.RuntimeFamily.PYTHON && !RETIRED.has(runtime.name)) return;
  const why = runtime.family === lambda.RuntimeFamily.PYTHON ? 'a Python version Lambda no longer offers' : 'not a Python runtime';
  throw new SwitchyardError({
    code: ErrorCode.UNSUPPORTED_RUNTIME,
    problem: `runtime of ${id} cannot run its Python entry: ${why}`,
    scope,
    value: runtime.name,
    fix: `set "runtime" to lambda.Runtime.${DEFAULT_PYTHON_RUNTIME.name.replace('python', 'PYTHON_').replace('.', '_')} (the default) or another Python runtime from python3.10 on`,
  });
}

/**
 * Throws unless the module can be imported by its name and defines the handler: a `def`, or a
 * module-level name bound by assignment or import (a decorated or wrapped handler).
 */
function checkHandler(scope: Construct, id: string, entry: string, moduleName: string, fnName: string): void {
  if (!IDENTIFIER.test(moduleName)) {
    throw new SwitchyardError({ code: ErrorCode.PYTHON_HANDLER_NOT_FOUND, problem: `entry of ${id} is not an importable Python module name`, scope, value: entry, fix: `rename the file to a Python identifier (e.g. "${moduleName.replace(/\W/g, '_')}.py"): Lambda imports the handler module by its name` });
  }
  if (!IDENTIFIER.test(fnName)) {
    throw new SwitchyardError({ code: ErrorCode.PYTHON_HANDLER_NOT_FOUND, problem: `handler of ${id} is not a Python function name`, scope, value: fnName, fix: `set "handler" to the name of the function in ${entry} (e.g. "${DEFAULT_HANDLER}"); the module is "entry"` });
  }
  const source = fs.readFileSync(entry, 'utf8');
  const defined = new RegExp(`^(?:async\\s+)?def\\s+${fnName}\\s*\\(|^${fnName}\\s*(?::[^=\\n]*)?=|^(?:from\\s+\\S+\\s+)?import\\s+.*\\b${fnName}\\b`, 'm');
  if (defined.test(source)) return;
  throw new SwitchyardError({
    code: ErrorCode.PYTHON_HANDLER_NOT_FOUND,
    problem: `${entry} does not define the handler function of ${id}`,
    scope,
    value: fnName,
    fix: `define "def ${fnName}(event, context):" at the top level of ${entry}, or set "handler" to the name of the function it defines`,
  });
}
