// One Lambda function instance: a Node.js process started by instance.ts, with the function's
// staged code as its working directory, as /var/task is in Lambda. Plain JavaScript on purpose:
// it runs on whichever node binary serves the function's runtime, outside any TypeScript
// loader, for ESM and CJS handlers alike. Protocol: see protocol.ts (over the IPC channel).
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { format } from 'node:util';
import * as path from 'node:path';
import { installAwsLambdaGlobal, invokeStreaming, isStreamingHandler } from './streaming.mjs';

/** @type {import('./protocol').InstanceInit} */
let init;
let currentRequestId;
// Lambda's runtime keeps the last request id on log lines written after a handler returned
// (a timer's output, an uncaught exception): they land in that request's log stream.
let lastRequestId;

/** Sends a message to the host; resolves once it is written (in the kernel's buffer, safe from an exit). */
const send = (msg) =>
  new Promise((resolve) => {
    if (process.connected) process.send(msg, () => resolve());
    else resolve();
  });

// Handlers find the `awslambda` global of Lambda's Node.js runtime (response streaming).
installAwsLambdaGlobal();

// Logs go to the host as messages so each line carries the function and request id, as
// CloudWatch's `<time>\t<requestId>\t<LEVEL>\t<message>` lines do.
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => send({ type: 'log', requestId: currentRequestId ?? lastRequestId, level, text: format(...args) });
}

// Process warnings (process.emitWarning: deprecations, the AWS SDK's Node.js version notice) are
// warnings, not errors: Node's default printer writes them to stderr, which the host logs as
// ERROR. They go to the host as WARN lines instead, marked `once`: the host shows each at most
// once per function, not on every cold start.
const runtimeMajor = Number(/nodejs(\d+)\.x/.exec(process.env.AWS_EXECUTION_ENV ?? '')?.[1]);
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (onlyOnThisMachine(warning)) return;
  const text = `${warning.code ? `[${warning.code}] ` : ''}${warning.name}: ${warning.message}`;
  send({ type: 'log', requestId: currentRequestId ?? lastRequestId, level: 'WARN', text, once: true });
});

/**
 * The AWS SDK's notice that its next versions need a newer Node.js (NodeVersionSupportWarning:
 * "... will require node >=22. You are running node v20...") is about the Node.js that runs the
 * code. In Lambda that is the function's runtime (nodejs24.x runs Node 24), so a function whose
 * runtime is new enough never logs it in AWS: here it would only describe this machine's Node.js.
 */
function onlyOnThisMachine(warning) {
  const required = /^NodeVersionSupportWarning:[\s\S]*?require node >=(\d+)/.exec(warning.message)?.[1];
  return required !== undefined && runtimeMajor >= Number(required);
}

// Custom resource providers answer CloudFormation with a PUT to the request's ResponseURL, a
// presigned S3 URL in AWS and the dev endpoint here (lib/local/custom-resources.ts, same path).
// CDK's responders and the cfn-response module send it with https.request and only the URL's
// host and path, which would speak TLS to port 443: those requests go to the endpoint over HTTP.
// Nothing else is touched (no other path, no other host).
const CFN_RESPONSE_PATH = '/_switchyard/cloudformation-response/';
const endpoint = process.env.AWS_ENDPOINT_URL ? new URL(process.env.AWS_ENDPOINT_URL) : undefined;
if (endpoint) {
  const httpsRequest = https.request;
  https.request = function request(...args) {
    const toEndpoint = cfnResponseRequest(args);
    return toEndpoint ? http.request(...toEndpoint) : httpsRequest.apply(this, args);
  };
  // `import { request } from 'node:https'` sees the same function.
  syncBuiltinESMExports();
}

/** The arguments of an http.request to the endpoint, when `args` is a request for a ResponseURL of this endpoint. */
function cfnResponseRequest(args) {
  const [first, ...rest] = args;
  const url = typeof first === 'string' || first instanceof URL ? new URL(first) : undefined;
  const options = url ? (rest[0] && typeof rest[0] === 'object' ? rest.shift() : {}) : first ?? {};
  const host = url?.hostname ?? options.hostname ?? String(options.host ?? '').split(':')[0];
  const requestPath = url ? url.pathname + url.search : options.path;
  if (host !== endpoint.hostname || typeof requestPath !== 'string' || !requestPath.startsWith(CFN_RESPONSE_PATH)) return undefined;
  const { agent: _agent, host: _host, ...rest0 } = options;
  return [{ ...rest0, protocol: 'http:', hostname: endpoint.hostname, port: endpoint.port, path: requestPath }, ...rest];
}

function toErrorPayload(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
  }
  return { errorType: typeof err === 'string' ? 'string' : 'Error', errorMessage: typeof err === 'string' ? err : safeJson(err) };
}

function safeJson(v) {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Reports a fatal error as Lambda's Node.js runtime does (a log line, the invocation's error), then exits with its code. */
let dying = false;
function die(logPrefix, error, exitCode) {
  if (dying) return;
  dying = true;
  console.error(logPrefix, JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace }));
  // Once the IPC messages are written, the process goes (and at the latest a moment later).
  void send({ type: 'crash', requestId: currentRequestId, error }).then(() => process.exit(exitCode));
  setTimeout(() => process.exit(exitCode), 500).unref();
}

// Lambda's runtime ends the process on both (exit codes 129 and 128), whether or not an
// invocation is running: a crashed environment is never reused.
process.on('uncaughtException', (err) => die('Uncaught Exception', toErrorPayload(err), 129));
process.on('unhandledRejection', (reason) => {
  const e = toErrorPayload(reason);
  die('Unhandled Promise Rejection', { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: `${e.errorType}: ${e.errorMessage}`, trace: e.trace }, 128);
});
// The host went away (killed, crashed): an orphaned instance must not linger.
process.on('disconnect', () => process.exit(0));

async function loadHandler() {
  // `dir/module.fn`: the last dot after the last slash separates module from export.
  const slash = init.handler.lastIndexOf('/');
  const dot = init.handler.indexOf('.', slash + 1);
  if (dot < 0) throw Object.assign(new Error(`Bad handler ${init.handler}: expected <module>.<export>`), { name: 'Runtime.MalformedHandlerName' });
  const moduleName = init.handler.slice(0, dot);
  const exportPath = init.handler.slice(dot + 1).split('.');
  // Lambda's Node.js runtime tries these extensions in this order.
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.resolve(init.codeDir, moduleName + ext)).find((f) => existsSync(f));
  if (!file) {
    throw Object.assign(new Error(`Error: Cannot find module '${moduleName}'`), { name: 'Runtime.ImportModuleError' });
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw userCodeError(err);
  }
  let fn = mod;
  for (const key of exportPath) fn = fn?.[key] ?? (fn === mod ? mod.default?.[key] : undefined);
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${init.handler} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return fn;
}

/** Lambda's classification of a failure to load the handler's module. */
function userCodeError(err) {
  if (!(err instanceof Error) || err.name.startsWith('Runtime.')) return err;
  if (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND') {
    // Lambda: `Runtime.ImportModuleError` with the loader's error as text (`Error: Cannot find module 'x'`).
    return Object.assign(new Error(String(err)), { name: 'Runtime.ImportModuleError', stack: `Runtime.ImportModuleError: ${err.stack}` });
  }
  if (err instanceof SyntaxError) err.name = 'Runtime.UserCodeSyntaxError';
  return err;
}

function contextFor(msg, deadline, settle) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: init.functionArn,
    memoryLimitInMB: String(init.memoryMb),
    awsRequestId: msg.requestId,
    logGroupName: init.logGroupName,
    logStreamName: init.logStreamName,
    clientContext: msg.clientContext ? JSON.parse(Buffer.from(msg.clientContext, 'base64').toString('utf8')) : undefined,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline + heldMs(msg.requestId) - Date.now()),
    done: (err, result) => settle(err, result),
    succeed: (result) => settle(null, result),
    fail: (err) => settle(err ?? new Error('handled')),
  };
}

// Time a debugger held the process paused during an invocation (`dev --inspect`): the host's
// timeout stood still meanwhile, and so does the deadline the handler sees.
let held = { requestId: undefined, ms: 0 };
const heldMs = (requestId) => (held.requestId === requestId ? held.ms : 0);

function invoke(handler, msg, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) reject(err);
      else resolve(result);
    };
    const event = JSON.parse(msg.payload);
    const context = contextFor(msg, deadline, settle);
    // A streaming handler gets a response stream instead of a callback, and writes the response to it.
    const returned = isStreamingHandler(handler) ? invokeStreaming(handler, event, context, msg.requestId) : handler(event, context, settle);
    // An async handler settles through its promise; a callback handler through the callback.
    if (returned && typeof returned.then === 'function') returned.then((r) => settle(null, r), (e) => settle(e ?? new Error('Promise rejected')));
  });
}

async function onInvoke(handler, msg, timeoutMs) {
  currentRequestId = msg.requestId;
  lastRequestId = msg.requestId;
  try {
    const result = await invoke(handler, msg, timeoutMs);
    const payload = result === undefined ? 'null' : JSON.stringify(result);
    currentRequestId = undefined;
    // Written before the next invocation starts: if that one ends the process, this answer is not lost.
    await send({ type: 'result', requestId: msg.requestId, payload: payload ?? 'null' });
  } catch (err) {
    currentRequestId = undefined;
    await send({ type: 'error', requestId: msg.requestId, error: toErrorPayload(err) });
  }
}

// Invocations the host has sent and this instance has not run yet, in order. They run one at a
// time, as in a Lambda execution environment; several may arrive in one message.
const queue = [];
let running = false;

async function runQueue(handler) {
  running = true;
  while (queue.length) {
    const { msg, timeoutMs } = queue.shift();
    await onInvoke(handler, msg, timeoutMs);
    // Between invocations the event loop turns, as it does in Lambda while the runtime asks for
    // the next event: timers and I/O the last handler left run now, not inside the next one.
    if (queue.length) await new Promise((resolve) => setImmediate(resolve));
  }
  running = false;
}

// While no init has come, which only happens to a process started ahead of its code (hot
// reload's spare, see instance.ts), load the built-in modules the AWS SDK and most handlers
// use besides http and https (loaded above), one per turn of the event loop: Lambda's runtime
// has them loaded before the handler too, and the spare's wait for the build is otherwise
// idle. A normal cold start gets its init at once and skips this.
const PRELOADED = ['node:crypto', 'node:stream', 'node:os', 'node:zlib'];
let initReceived = false;
const requireBuiltin = createRequire(import.meta.url);
const preload = (i) => {
  if (initReceived || i >= PRELOADED.length) return;
  requireBuiltin(PRELOADED[i]);
  setImmediate(preload, i + 1);
};
setImmediate(preload, 0);
// A spare may also be given a module to load meanwhile (its only argument, see instance.ts):
// the packages the new code imports from outside its bundle, the AWS SDK above all, which take
// most of an init. Loaded from the function's folder, they are the very modules the bundle's
// imports resolve to, so its init finds them loaded (or, still loading, waits for them rather
// than load them twice). A package that fails to load is the init's to report, not this.
if (process.argv[2]) {
  const preloading = process.argv[2].endsWith('.cjs') ? Promise.resolve().then(() => createRequire(process.argv[2])(process.argv[2])) : import(pathToFileURL(process.argv[2]).href);
  preloading.catch(() => undefined);
}

// The first message is the instance's init; every later one a batch of invocations.
process.once('message', async (first) => {
  initReceived = true;
  init = first.init;
  // A process started before its code was staged (see SpareProcess) moves to its task root.
  if (process.cwd() !== init.codeDir) process.chdir(init.codeDir);
  process.env.LAMBDA_TASK_ROOT = init.codeDir;
  // On a free port that only the host's proxy knows (the port debuggers attach to is the
  // host's, and outlives instances); its URL goes to the host with `ready`. The module is
  // loaded only then: a cold start without a debugger does not pay for it.
  const inspector = init.inspect ? await import('node:inspector') : undefined;
  inspector?.open(0, '127.0.0.1');
  const handler = await loadHandler().catch((err) => {
    send({ type: 'init-error', error: toErrorPayload(err) });
    return undefined;
  });
  if (!handler) return;
  process.on('message', (msg) => {
    if (msg.type === 'resumed') {
      held = { requestId: msg.requestId, ms: heldMs(msg.requestId) + msg.heldMs };
      return;
    }
    for (const invocation of msg.invocations) queue.push({ msg: invocation, timeoutMs: msg.timeoutMs });
    if (!running) void runQueue(handler);
  });
  send({ type: 'ready', inspectorUrl: inspector?.url() });
});
