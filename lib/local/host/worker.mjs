// One Lambda function instance, run in a worker thread. Plain JavaScript on purpose: it is
// loaded by Node directly (no TypeScript loader in workers), for ESM and CJS handlers alike.
// Protocol: see protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { format } from 'node:util';
import * as path from 'node:path';

/** @type {import('./protocol').InstanceInit} */
const init = workerData;
let currentRequestId;

// Logs go to the host as messages so each line carries the function and request id, as
// CloudWatch's `<time>\t<requestId>\t<LEVEL>\t<message>` lines do.
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => parentPort.postMessage({ type: 'log', requestId: currentRequestId, level, text: format(...args) });
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

process.on('unhandledRejection', (reason) => {
  const e = toErrorPayload(reason);
  parentPort.postMessage({
    type: 'crash',
    requestId: currentRequestId,
    error: { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: `${e.errorType}: ${e.errorMessage}`, trace: e.trace },
  });
  process.exit(128);
});

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
    if (err instanceof Error && !err.name.startsWith('Runtime.')) err.name = err instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : err.name;
    throw err;
  }
  let fn = mod;
  for (const key of exportPath) fn = fn?.[key] ?? (fn === mod ? mod.default?.[key] : undefined);
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${init.handler} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return fn;
}

function contextFor(msg, settle) {
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
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
    done: (err, result) => settle(err, result),
    succeed: (result) => settle(null, result),
    fail: (err) => settle(err ?? new Error('handled')),
  };
}

function invoke(handler, msg) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) reject(err);
      else resolve(result);
    };
    const event = JSON.parse(msg.payload);
    const context = contextFor(msg, settle);
    const returned = handler(event, context, settle);
    // An async handler settles through its promise; a callback handler through the callback.
    if (returned && typeof returned.then === 'function') returned.then((r) => settle(null, r), (e) => settle(e ?? new Error('Promise rejected')));
  });
}

const handler = await loadHandler().catch((err) => {
  parentPort.postMessage({ type: 'init-error', error: toErrorPayload(err) });
  return undefined;
});
if (handler) {
  parentPort.on('message', async (msg) => {
    currentRequestId = msg.requestId;
    try {
      const result = await invoke(handler, msg);
      const payload = result === undefined ? 'null' : JSON.stringify(result);
      parentPort.postMessage({ type: 'result', requestId: msg.requestId, payload: payload ?? 'null' });
    } catch (err) {
      parentPort.postMessage({ type: 'error', requestId: msg.requestId, error: toErrorPayload(err) });
    } finally {
      currentRequestId = undefined;
    }
  });
  parentPort.postMessage({ type: 'ready' });
}
