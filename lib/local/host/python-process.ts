/**
 * The process of a Python function's instance: `bootstrap.py` (Lambda's Python runtime
 * interface client, locally) on a python3 interpreter, and the channel the host talks to it
 * over.
 *
 * Why two pipes and not Node's IPC channel: Node documents its IPC channel for Node.js
 * children only. The same messages as newline-delimited JSON over a pipe each way are as cheap,
 * need nothing but the standard library on the Python side, and keep stdout and stderr free
 * for output that bypasses `print` (native code writing to fd 1 and 2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { InstanceMessage } from './protocol';

/** The runtime side of an instance, next to the host's code (scripts/build.mjs copies it into dist). */
export const PYTHON_BOOTSTRAP = path.join(__dirname, 'bootstrap.py');

/**
 * What the host needs of an instance's message channel: Node's `ChildProcess` (its IPC
 * channel) is one, {@link PipeChannel} another.
 */
export interface InstanceChannel {
  /** False once the channel is closed (the process exited, or will not read any more). */
  readonly connected: boolean;
  send(message: object, callback: (error: Error | null) => void): unknown;
  on(event: 'message', listener: (message: InstanceMessage) => void): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

/** A process with the channel to its runtime. */
export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly channel: InstanceChannel;
}

/** Newline-delimited JSON messages over a pipe each way. */
export class PipeChannel extends EventEmitter implements InstanceChannel {
  connected = true;
  /** Text of the message being received, in pieces (a 6 MB payload comes in many chunks). */
  private partial: string[] = [];

  constructor(private readonly output: Writable, input: Readable) {
    super();
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => this.receive(chunk));
    // The process exited (or closed its end): whatever it wrote before has been read.
    input.on('close', () => this.close());
    output.on('error', () => this.close());
  }

  /** Writes one message; `callback` runs once it is handed to the pipe. */
  send(message: object, callback: (error: Error | null) => void): boolean {
    if (!this.connected) {
      callback(new Error('The channel is closed'));
      return false;
    }
    return this.output.write(`${JSON.stringify(message)}\n`, (err) => callback(err ?? null));
  }

  private receive(chunk: string): void {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const line = this.partial.join('') + chunk.slice(start, nl);
      this.partial = [];
      start = nl + 1;
      if (line) this.emit('message', JSON.parse(line) as InstanceMessage);
    }
    if (start < chunk.length) this.partial.push(chunk.slice(start));
  }

  private close(): void {
    if (!this.connected) return;
    this.connected = false;
    this.emit('disconnect');
  }
}

/** How to start a Python instance's process. */
export interface PythonProcessOptions {
  /** The interpreter (`/usr/bin/python3`). */
  readonly python: string;
  readonly env: Readonly<Record<string, string>>;
  /** The working directory (the bootstrap moves to the task root its init names). */
  readonly cwd: string;
}

/** Starts `bootstrap.py`: stdout and stderr piped as log lines, fd 3 host -> instance, fd 4 instance -> host. */
export function startPythonProcess(options: PythonProcessOptions): RuntimeProcess {
  // -B: no __pycache__ written into the task root, which is read-only in Lambda.
  const child = spawn(options.python, ['-B', PYTHON_BOOTSTRAP], {
    env: { ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  const channel = new PipeChannel(child.stdio[3] as Writable, child.stdio[4] as Readable);
  return { child, channel };
}
