/**
 * Inline (`ZipFile`) code, laid out as Lambda deploys it: the code in `index.js`, and beside it
 * the `cfn-response` module that CloudFormation gives inline Node.js functions (custom resource
 * providers written inline `require('cfn-response')`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * `cfn-response` as CloudFormation documents it: `send(event, context, status, data,
 * physicalResourceId, noEcho, reason)` PUTs the answer to the request's ResponseURL and ends the
 * invocation through `context.done()`. Written here (the module is not published on npm); it
 * sends with https.request and the URL's host and path, as the original does.
 */
const CFN_RESPONSE = `'use strict';
const https = require('https');
exports.SUCCESS = 'SUCCESS';
exports.FAILED = 'FAILED';
exports.send = function send(event, context, responseStatus, responseData, physicalResourceId, noEcho, reason) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({
      Status: responseStatus,
      Reason: reason || 'See the details in CloudWatch Log Stream: ' + context.logStreamName,
      PhysicalResourceId: physicalResourceId || context.logStreamName,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: noEcho || false,
      Data: responseData,
    });
    const url = new URL(event.ResponseURL);
    const request = https.request({ hostname: url.hostname, port: 443, path: url.pathname + url.search, method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => {
        context.done();
        resolve();
      });
    });
    request.on('error', (error) => {
      console.log('send(..) failed executing https.request(..): ' + error);
      context.done();
      reject(error);
    });
    request.end(body);
  });
};
`;

/** Writes inline code into a task folder as Lambda lays it out. */
export function writeInlineCode(taskDir: string, code: string): void {
  fs.mkdirSync(path.join(taskDir, 'node_modules', 'cfn-response'), { recursive: true });
  fs.writeFileSync(path.join(taskDir, 'index.js'), code);
  fs.writeFileSync(path.join(taskDir, 'node_modules', 'cfn-response', 'index.js'), CFN_RESPONSE);
}
