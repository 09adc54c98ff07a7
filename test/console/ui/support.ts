/**
 * What the console's browser tests stand on: a copy of the example app (so a test can break and
 * fix a handler as a user edits one, never the repository's lambdas/), `switchyard dev` run from
 * it by the built CLI (bin/switchyard.js -> dist/, which serves dist/console/) on free ports,
 * and Debian's chromium driven by playwright-core.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cleanEnv, copyExample as copyExampleOf } from '../../quickstart/support/clean-copy';

export const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO, 'bin', 'switchyard.js');
/** Debian's chromium (`.ci/run` installs it); playwright-core downloads no browser. */
export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';

/** Copies the example app into a temporary folder, with the repository's node_modules linked in. */
export function copyExample(): string {
  return copyExampleOf(REPO, 'sy-console-ui-');
}

/** A running `switchyard dev` and what it printed. */
export interface Dev {
  readonly consoleUrl: string;
  readonly apiUrl: string;
  readonly awsPort: string;
  output(): string;
  stop(): Promise<void>;
}

/** `switchyard dev` in `dir` on free ports (retry delays a hundredfold shorter); resolves once it is ready. */
export async function startDev(dir: string, args: readonly string[] = []): Promise<Dev> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'console', 'index.html'))) throw new Error('dist/console/ is missing: run node scripts/build.mjs (npm test does)');
  const argv = [BIN, 'dev', '--http-port', '0', '--aws-port', '0', '--console-port', '0', '--time-scale', '0.01', ...args];
  const child: ChildProcess = spawn(process.execPath, argv, { cwd: dir, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGINT');
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  const code = await Promise.race([until(() => /\nReady\./.test(out)).then(() => undefined), exited]);
  if (code !== undefined) throw new Error(`switchyard dev exited with ${code}:\n${out}`);
  const consoleUrl = /Console\s+(http:\/\/127\.0\.0\.1:\d+)/i.exec(out)?.[1];
  const apiUrl = /\.ApiUrl = (\S+)/.exec(out)?.[1];
  const awsPort = /AWS endpoint +http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
  if (!consoleUrl || !apiUrl || !awsPort) {
    await stop();
    throw new Error(`dev did not print the console's URL, the ApiUrl output and the AWS endpoint:\n${out}`);
  }
  return { consoleUrl, apiUrl, awsPort, output: () => out, stop };
}

/** Resolves once `check()` holds, polling; rejects after `tries` polls with `what` (no timing is asserted). */
export async function until(check: () => boolean | Promise<boolean>, what = 'condition', tries = 2400, pauseMs = 250): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`gave up waiting for: ${what}`);
}

/** Headless chromium with a page at laptop size (1280x800), console errors collected. */
export async function openBrowser(): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  return { browser, page, errors };
}

/** Where screenshots go: docs/console/ with SWITCHYARD_UPDATE_SCREENSHOTS=1 (they are committed), else a temporary folder. */
export function screenshotDir(): string {
  if (process.env.SWITCHYARD_UPDATE_SCREENSHOTS === '1') return path.join(REPO, 'docs', 'console');
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sy-console-shots-'));
}

/** `switchyard token` for the example's order routes, as the README's walkthrough mints one. */
export function token(dir: string): string {
  return execFileSync(process.execPath, [BIN, 'token', '--sub', 'alice', '--scope', 'orders:write'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' }).trim();
}

/**
 * Run in the page: every visible element with text of its own whose colour has a contrast below
 * 4.5:1 (WCAG AA, normal text) against the background it is drawn on (the first ancestor's that
 * is not transparent). Disabled controls are exempt, as WCAG exempts inactive components, and so
 * is the diagram (Mermaid's theme colours its SVG).
 */
export const LOW_CONTRAST_SCRIPT = `(() => {
  const rgba = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.diagram, [disabled], noscript') || !el.getClientRects().length) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const fg = rgba(getComputedStyle(el).color), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < 4.5) out.push(el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return out;
})()`;

/**
 * The strict Content-Security-Policy the console's page must work under: nothing but its own
 * scripts, no other origin. Inline styles are allowed because Mermaid styles the diagram's SVG
 * inline (see lib/console/diagram.tsx).
 */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
