/**
 * What every console route shares: the error it answers, reading a JSON body against a zod
 * schema, the same-origin check, and the translation of the AWS endpoint's answers (the admin
 * and Lambda handlers the CLI uses) into the console's.
 */
import type * as http from 'node:http';
import type { z } from 'zod';
import { AwsServiceError, type AwsResponse } from '../aws/protocol';
import type { ApiError } from './api-types';

/** An answer other than 200: its status and {@link ApiError} body. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    /** The {@link ApiError.error} code. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  /** The body the client gets. */
  body(): ApiError {
    return { error: this.code, message: this.message };
  }
}

/** Bodies larger than this are refused (413): the largest thing a body carries is an event (256 KiB) or an invoke payload. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024 + 64 * 1024;

/** Parses `body` as JSON and checks it against `schema`; a 400 naming the field otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: Buffer): z.infer<S> {
  let parsed: unknown;
  try {
    parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch (err) {
    throw new ApiProblem(400, 'ValidationError', `The body is not JSON: ${(err as Error).message}`);
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
    throw new ApiProblem(400, 'ValidationError', issues.join('; '));
  }
  return checked.data;
}

/**
 * True when a request that changes something may be served: it comes from the console's own
 * page, or from a tool that is no browser (curl sends neither header). A browser sends
 * `Sec-Fetch-Site` (`same-origin` from our page) and, on a cross-origin POST, `Origin`; a page
 * on another site (or another local port) is refused, so that visiting it cannot drive `dev`.
 */
export function sameOrigin(req: http.IncomingMessage, ownOrigins: readonly string[]): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  return origin === undefined || ownOrigins.includes(origin);
}

/** A whole number query parameter within bounds, else its default; a 400 for anything else. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback?: number): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiProblem(400, 'ValidationError', `${name} must be a whole number from ${min} to ${max}; got '${text}'`);
  return n;
}

/**
 * Runs one of the AWS endpoint's handlers (the same code the CLI reaches over HTTP) and gives
 * its JSON body; its errors become the console's, with the AWS error code.
 */
export async function fromAws(run: () => AwsResponse | Promise<AwsResponse>): Promise<{ status: number; headers: Readonly<Record<string, string>>; text: string }> {
  try {
    const r = await run();
    return { status: r.status, headers: r.headers ?? {}, text: r.body.toString() };
  } catch (err) {
    throw err instanceof AwsServiceError ? fromAwsError(err) : err;
  }
}

/** An AWS error as the console answers it: its status, its code and its message. */
export function fromAwsError(err: AwsServiceError): ApiProblem {
  return new ApiProblem(err.status, err.code, err.message);
}

/** Parses an AWS handler's JSON body. */
export function jsonOf<T>(text: string): T {
  return JSON.parse(text) as T;
}
