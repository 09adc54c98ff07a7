/**
 * Which Python runs a Python function, and what `dev` says when this machine's Python cannot
 * run it as Lambda would: no python3 at all, another version, no boto3. The Node.js functions of
 * the app run whatever becomes of the Python ones.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LocalApp, type FunctionLogRecord } from '../../lib/local';
import { resolvePythonInterpreters, type PythonInterpreter } from '../../lib/local/host/runtimes';
import { clientConfig, synthPythonApp } from './helpers';

describe('resolvePythonInterpreters', () => {
  const machine = (installed: Record<string, string>) => (command: string): PythonInterpreter | undefined =>
    installed[command] ? { command, executable: `/usr/bin/${command}`, version: installed[command] } : undefined;

  test.each([
    ['its own version on PATH', { 'python3.12': '3.12.4', python3: '3.11.2' }, undefined, '/usr/bin/python3.12', []],
    ['python3 of the same version', { python3: '3.12.1' }, undefined, '/usr/bin/python3', []],
    ['python3 of another version, with a notice', { python3: '3.11.2' }, undefined, '/usr/bin/python3', ["python3.12 (2 functions): runs on this machine's Python 3.11.2 (python3), not Python 3.12 (to match Lambda: install python3.12 on PATH)."]],
    ['a shim of the right name that runs another version is passed over', { 'python3.12': '3.11.2', python3: '3.11.2' }, undefined, '/usr/bin/python3', [expect.stringContaining('Python 3.11.2 (python3)')]],
    ['the configured one, not PATH', { 'python3.12': '3.12.4', mine: '3.12.0' }, 'mine', '/usr/bin/mine', []],
    ['none: a notice, no interpreter', {}, undefined, undefined, ['python3.12 (2 functions): no python3 on this machine, so these functions fail with Runtime.ExitError (the other functions run): install Python 3 (e.g. apt-get install python3 python3-boto3).']],
    ['a configured one that does not run', { python3: '3.12.1' }, '/opt/py', undefined, [expect.stringMatching(/^python3\.12 \(2 functions\): the Python interpreter \/opt\/py does not run, so /)]],
  ])('%s', (_, installed, configured, executable, notices) => {
    const runtimes = new Map([['python3.12', 2], ['nodejs22.x', 1]]);
    const found = resolvePythonInterpreters(runtimes, configured, machine(installed));
    expect(found.byRuntime.get('python3.12')?.executable).toBe(executable);
    expect(found.byRuntime.has('nodejs22.x')).toBe(false);
    expect(found.notices).toEqual(notices);
  });

  test('each interpreter is probed once, whatever the number of runtimes', () => {
    const probed: string[] = [];
    resolvePythonInterpreters(new Map([['python3.11', 1], ['python3.12', 1], ['python3.13', 1]]), undefined, (command) => {
      probed.push(command);
      return command === 'python3' ? { command, executable: '/usr/bin/python3', version: '3.11.2' } : undefined;
    });
    expect(probed).toEqual(['python3.11', 'python3', 'python3.12', 'python3.13']);
  });
});

/** Starts the Python fixture app on `python`, collecting its log lines. */
async function startOn(python: string): Promise<{ app: LocalApp; logs: FunctionLogRecord[]; invoke: (id: string) => Promise<{ error?: string; payload: any }> }> {
  const app = await LocalApp.start(synthPythonApp(), { httpPort: 0, awsPort: 0, schedules: false, python });
  const logs: FunctionLogRecord[] = [];
  app.host.on('log', (l) => logs.push(l));
  const client = new LambdaClient(clientConfig(app));
  const invoke = async (id: string) => {
    const name = app.model.functions.find((f) => f.logicalId.startsWith(id))!.name;
    const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"hello":"there"}') }));
    return { error: out.FunctionError, payload: JSON.parse(Buffer.from(out.Payload!).toString('utf8')) };
  };
  return { app, logs, invoke };
}

describe('a machine whose Python cannot run the functions', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-python-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('no Python: dev says so at start, Python functions fail with Runtime.ExitError, Node.js ones run', async () => {
    const missing = path.join(tmp, 'no-such-python3');
    const { app, invoke } = await startOn(missing);
    try {
      expect(app.host.runtimeNotices).toContain(`python3.12 (6 functions): the Python interpreter ${missing} does not run, so these functions fail with Runtime.ExitError (the other functions run): install Python 3 (e.g. apt-get install python3 python3-boto3).`);
      const failed = await invoke('Http');
      expect(failed.error).toBe('Unhandled');
      expect(failed.payload).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('ENOENT') });
      expect(await invoke('NodeFn')).toEqual({ error: undefined, payload: { node: true, event: { hello: 'there' } } });
    } finally {
      await app.stop();
    }
  });

  test('no boto3 (a virtualenv without it): the import fails as in Lambda, and dev says once what to install', async () => {
    // A virtualenv that does not see the system's packages: python3 as a project's venv has it.
    const venv = path.join(tmp, 'venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv], { stdio: 'pipe' });
    const python = path.join(venv, 'bin', 'python');
    const { app, logs, invoke } = await startOn(python);
    try {
      for (const id of ['Http', 'Worker', 'Http']) {
        const failed = await invoke(id);
        expect(failed).toEqual({ error: 'Unhandled', payload: { errorMessage: expect.stringMatching(/^Unable to import module '(app|worker)': No module named 'boto3'$/), errorType: 'Runtime.ImportModuleError', requestId: '', stackTrace: [] } });
      }
      const hints = logs.filter((l) => l.level === 'WARN' && l.text.startsWith('boto3'));
      expect(hints.map((h) => h.text)).toEqual([`boto3, which Lambda's Python runtime provides, is not installed for ${python} on this machine: install it (pip install boto3, or apt-get install python3-boto3); new instances load it.`]);
      expect(await invoke('NodeFn')).toMatchObject({ error: undefined });
    } finally {
      await app.stop();
    }
  });
});
