/**
 * The console in a real browser (Debian's chromium through playwright-core) against the real
 * `switchyard dev` of a copy of the example app: what a developer sees and does, end to end.
 * Every wait is for a condition on the page, never for a time. Screenshots of the main views
 * are taken along the way (docs/console/ with SWITCHYARD_UPDATE_SCREENSHOTS=1).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { LOW_CONTRAST_SCRIPT, STRICT_CSP, copyExample, openBrowser, screenshotDir, startDev, token, until, type Dev } from './support';

// Bounds for a loaded CI machine (2 cores shared with the rest of the suite), not expectations of speed.
jest.setTimeout(300_000);

let dir: string;
let dev: Dev;
let browser: Browser;
let page: Page;
let errors: string[];
let bearer: string;
const shots = screenshotDir();
const requested: string[] = [];

beforeAll(async () => {
  dir = copyExample();
  dev = await startDev(dir);
  bearer = token(dir);
  ({ browser, page, errors } = await openBrowser());
  page.setDefaultTimeout(150_000);
  page.on('request', (r: Request) => requested.push(r.url()));
  // The page runs under the strict CSP the server sends (an inline script or style, or a script
  // from elsewhere, would be refused and reported as a console error: see afterEach).
  const loaded = await page.goto(`${dev.consoleUrl}/`);
  expect(loaded?.headers()['content-security-policy']).toBe(STRICT_CSP);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

afterEach(() => {
  // Nothing the console did failed in the page (an exception, a failed load, a CSP violation).
  expect(errors.splice(0)).toEqual([]);
});

const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
const rows = () => page.getByRole('listbox', { name: /^Activity/ }).getByRole('option');
const option = (text: string | RegExp) => rows().filter({ hasText: text }).first();
const heading = () => page.locator('h2');

/** POST /orders as the README's walkthrough does; resolves with the order id. */
async function placeOrder(customerId = 'c1'): Promise<string> {
  const res = await fetch(`${dev.apiUrl}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId, items: [{ sku: 'A', quantity: 2, unitPrice: 3.5 }] }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

/** Writes a file of the copy and resolves once dev has reloaded the function built from it. */
async function editHandler(file: string, edit: (source: string) => string): Promise<void> {
  const reloads = () => dev.output().split('\n').filter((l) => l.includes('reloaded') && l.includes(path.basename(file))).length;
  const before = reloads();
  const absolute = path.join(dir, file);
  fs.writeFileSync(absolute, edit(fs.readFileSync(absolute, 'utf8')));
  await until(() => reloads() > before, `dev to reload ${file}`);
}

test('the overview shows the example app, and the diagram loads Mermaid only when shown', async () => {
  await heading().filter({ hasText: 'The app' }).waitFor();
  const main = page.locator('main');
  await main.getByRole('cell', { name: '/orders', exact: true }).first().waitFor();
  for (const name of ['PlaceOrder', 'NotifyCustomer', 'ReserveStock', 'PrepareShipment', 'NightlyReport']) {
    await main.getByRole('cell', { name, exact: true }).first().waitFor();
  }
  await main.getByRole('row').filter({ hasText: 'Nightly' }).filter({ hasText: 'cron(0 2 * * ? *)' }).waitFor();
  await main.getByRole('row').filter({ hasText: 'StockReservations' }).first().waitFor();
  expect(requested.filter((u) => /mermaid/i.test(u))).toEqual([]);

  await shot('overview');
  await page.getByRole('button', { name: 'Show the diagram' }).click();
  await page.locator('.diagram svg').waitFor();
  expect(requested.some((u) => /chunks\/mermaid/i.test(u))).toBe(true);
  expect(await page.locator('.diagram svg').textContent()).toContain('PlaceOrder');
  await page.locator('.diagram').scrollIntoViewIfNeeded();
  await shot('diagram');
});

test('an order placed through the HTTP API shows its request, invocations and OrderPlaced event without a reload', async () => {
  await page.getByRole('link', { name: 'Activity' }).click();
  await heading().filter({ hasText: 'Activity' }).waitFor();
  await page.evaluate('window.__sameDocument = true');
  await placeOrder();
  await option(/POST \/orders → 201/).waitFor();
  await option(/^.*PlaceOrder (cold|warm)/).waitFor();
  await option(/OrderPlaced from shop\.orders on .* → .*NotifyCustomer/).waitFor();
  await option(/NotifyCustomer (cold|warm)/).waitFor();
  expect(await page.evaluate('window.__sameDocument')).toBe(true);
  await shot('activity');
});

test("an event's story: the rules that matched and the ones that did not, its deliveries, and the invocation that published it", async () => {
  // The shop's own OrderPlaced (billing's bus gets the same event, forwarded).
  await option(/OrderPlaced from shop\.orders on .* → .*NotifyCustomer/).click();
  await heading().filter({ hasText: /^Event / }).waitFor();
  expect(page.url()).toMatch(/#\/events\/[0-9a-f-]{36}$/);
  const rules = page.locator('main table').first();
  await rules.getByRole('row').filter({ hasText: 'NotifyCustomer' }).filter({ hasText: 'matches' }).waitFor();
  await rules.getByRole('row').filter({ hasText: 'PrepareShipment' }).filter({ hasText: 'no match' }).waitFor();
  await page.getByRole('list', { name: 'Deliveries' }).getByRole('listitem').filter({ hasText: 'NotifyCustomer' }).filter({ hasText: 'delivered' }).first().waitFor();
  await shot('event-story');

  await page.getByRole('link', { name: /^PlaceOrder/ }).click();
  await heading().filter({ hasText: /^Invocation / }).waitFor();
  await page.getByRole('region', { name: /Invocation/ }).getByText(/order placed/).first().waitFor();
  await page.getByRole('link', { name: 'OrderPlaced' }).waitFor();
});

test('a failing handler sends its event to the DLQ; fixed (hot reload), a redrive from the console delivers it', async () => {
  const file = 'lambdas/notify-customer.ts';
  const original = fs.readFileSync(path.join(dir, file), 'utf8');
  await editHandler(file, (s) => s.replace('const count =', "throw new Error('mail server unreachable');\n  const count ="));
  await placeOrder('c-broken');

  await page.getByRole('link', { name: 'Dead letters' }).click();
  await heading().filter({ hasText: 'Dead letters' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'mail server unreachable' }).first();
  await row.waitFor();
  await shot('dead-letters');
  const redrive = row.getByRole('button', { name: /^Redrive message / });
  const messageId = (await redrive.getAttribute('aria-label'))!.replace('Redrive message ', '');

  await editHandler(file, () => original);
  await redrive.click();
  await page.getByRole('status').filter({ hasText: /1 redriven/ }).waitFor();
  await page.getByRole('button', { name: `Redrive message ${messageId}` }).waitFor({ state: 'detached' });

  // Delivered this time: the activity shows the redriven delivery ending delivered.
  await page.getByRole('link', { name: 'Activity' }).click();
  await option(/redriven: .*NotifyCustomer: delivered/).waitFor();
  const redriven = await page.evaluate(`fetch('/api/activity?type=delivery&limit=1000').then((r) => r.json())`) as { entries: Array<{ state: string; target: string; redriveOf?: string }> };
  expect(redriven.entries.filter((e) => e.redriveOf && e.state === 'delivered').map((e) => e.target)).toEqual(['NotifyCustomer']);
});

test('an event sent from the form is delivered to exactly the rules its live preview said it matches', async () => {
  await page.getByRole('link', { name: 'Act', exact: true }).click();
  await heading().filter({ hasText: 'Act' }).waitFor();
  await page.getByLabel('Source').fill('shop.orders');
  await page.getByLabel('Detail type').fill('OrderPlaced');
  await page.getByLabel('Detail (JSON)').fill(JSON.stringify({ orderId: '3f1c2b9a-8d7e-4c6b-a5f4-1e2d3c4b5a69', customerId: 'c9', items: [{ sku: 'B', quantity: 1, unitPrice: 2 }], total: 2 }));
  const preview = page.locator('#ev-preview');
  await preview.filter({ hasText: /^Preview: matches .*NotifyCustomer/ }).waitFor();
  const matched = (await page.locator('[data-matched="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')))).sort();
  const unmatched = await page.locator('[data-matched="false"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
  // The shop's two consumers, and the rule forwarding OrderPlaced to billing's bus.
  expect(matched).toEqual(['NotifyCustomer', 'ReserveStockOnOrderPlaced', expect.stringMatching(/FromShop/)]);
  expect(unmatched.length).toBeGreaterThan(0);
  await shot('act');

  await page.getByRole('button', { name: 'Send event' }).click();
  await page.getByRole('link', { name: /^event / }).click();
  await heading().filter({ hasText: /^Event / }).waitFor();
  // Its rule deliveries (the queue's consumer batches come after, as deliveries of their own kind).
  const ruleDeliveries = page.getByRole('list', { name: 'Deliveries' }).locator('li[data-kind="rule"]');
  // The story follows the event on to billing's bus too: the preview's rules are the shop bus's.
  const shopRules = new Set([...matched, ...unmatched]);
  const onShopBus = async () => (await ruleDeliveries.evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')))).filter((r) => shopRules.has(r)).sort();
  await until(async () => (await onShopBus()).length === matched.length, 'a delivery per matched rule');
  expect(await onShopBus()).toEqual(matched);

  // And the other way: a detail type no rule wants matches nothing, in the preview as in delivery.
  await page.getByRole('link', { name: 'Act', exact: true }).click();
  await page.getByLabel('Source').fill('shop.orders');
  await page.getByLabel('Detail type').fill('OrderTeleported');
  await preview.filter({ hasText: 'matches no rule' }).waitFor();
  await page.getByRole('button', { name: 'Send event' }).click();
  await page.getByRole('link', { name: /^event / }).click();
  await page.getByText('No deliveries.').waitFor();
});

test('the act forms call a route with a development token, invoke a function and trigger a schedule; the tables view shows the orders', async () => {
  await page.getByRole('link', { name: 'Act', exact: true }).click();
  await heading().filter({ hasText: 'Act' }).waitFor();

  // POST /orders is the first route; the box for a development token is ticked by default.
  const routeForm = page.getByRole('group', { name: 'Call a route' });
  await routeForm.getByLabel('Body').fill(JSON.stringify({ customerId: 'c-form', items: [{ sku: 'F', quantity: 1, unitPrice: 4 }] }));
  await routeForm.getByRole('button', { name: 'Call' }).click();
  await routeForm.getByRole('status').filter({ hasText: /^201 in [\d.]+ ms/ }).waitFor();
  const orderId = (JSON.parse((await routeForm.getByLabel('Response body').textContent()) ?? '{}') as { orderId?: string }).orderId;
  expect(orderId).toMatch(/^[0-9a-f-]{36}$/);

  // GetOrdersId with the order it just stored, through Lambda's Invoke (an HTTP API event by hand).
  const invokeForm = page.getByRole('group', { name: 'Invoke a function' });
  await invokeForm.getByLabel('Function').selectOption('GetOrdersId');
  await invokeForm.getByLabel('Payload (JSON)').fill(JSON.stringify({ version: '2.0', routeKey: 'GET /orders/{id}', rawPath: `/orders/${orderId}`, pathParameters: { id: orderId }, requestContext: { http: { method: 'GET', path: `/orders/${orderId}` } } }));
  await invokeForm.getByRole('button', { name: 'Invoke' }).click();
  await invokeForm.getByRole('status').filter({ hasText: /^200 OK/ }).waitFor();
  expect(await invokeForm.getByLabel('Result').textContent()).toContain(orderId!);

  const triggerForm = page.getByRole('group', { name: 'Trigger a schedule' });
  await triggerForm.getByRole('button', { name: 'Trigger now' }).click();
  await triggerForm.getByRole('status').filter({ hasText: /Fired event [0-9a-f-]{36}/ }).waitFor();
  await triggerForm.getByRole('listitem').filter({ hasText: 'NightlyReport' }).filter({ hasText: 'delivered' }).waitFor();

  await page.getByRole('link', { name: 'Tables' }).click();
  await heading().filter({ hasText: 'Tables' }).waitFor();
  await page.locator('main tbody tr').first().getByRole('button').click();
  await page.getByRole('table', { name: /^Items of / }).getByRole('cell', { name: orderId!, exact: true }).waitFor();
});

test('every main view keeps text at 4.5:1 contrast and fits 1280 and 1024 pixels wide, in light and dark', async () => {
  const views = ['#/', '#/activity', '#/dead-letters', '#/act', '#/tables'];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      for (const view of views) {
        await page.goto(`${dev.consoleUrl}/${view}`);
        await page.locator('main h2').waitFor();
        await page.locator('main').getByText('Loading…').waitFor({ state: 'detached' });
        expect([view, colorScheme, await page.evaluate(LOW_CONTRAST_SCRIPT)]).toEqual([view, colorScheme, []]);
        const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect([view, width, overflow]).toEqual([view, width, 0]);
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('every main view works from the keyboard alone', async () => {
  await page.goto(`${dev.consoleUrl}/#/`);
  await page.reload();
  await heading().filter({ hasText: 'The app' }).waitFor();
  const focused = () => page.evaluate('(() => { const e = document.activeElement; return { tag: e.tagName, text: (e.textContent || "").trim().slice(0, 40), role: e.getAttribute("role"), outline: getComputedStyle(e).outlineStyle } })()') as Promise<{ tag: string; text: string; role: string | null; outline: string }>;
  const tabTo = async (done: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, key = 'Tab') => {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press(key);
      const f = await focused();
      if (done(f)) return f;
    }
    throw new Error(`${key} never reached ${what}`);
  };
  expect((await tabTo((f) => f.tag === 'A', 'the skip link')).text).toBe('Skip to content');
  await page.keyboard.press('Enter');
  await until(async () => (await focused()).tag === 'H2', 'the skip link to focus the view');
  // From each view's heading, back (Shift+Tab) to a link of the navigation, Enter, and the next view's heading has the focus.
  for (const [link, title] of [['Activity', 'Activity'], ['Dead letters', 'Dead letters'], ['Act', 'Act'], ['Tables', 'Tables'], ['App', 'The app']]) {
    const f = await tabTo((x) => x.tag === 'A' && x.text === link, `the ${link} link`, 'Shift+Tab');
    expect(f.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await until(async () => { const h = await focused(); return h.tag === 'H2' && h.text === title; }, `${title}'s heading to take the focus`);
  }
  // The activity list: one tab stop, arrows move, Enter opens the story.
  await tabTo((x) => x.tag === 'A' && x.text === 'Activity', 'the Activity link', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await tabTo((f) => f.tag === 'INPUT', 'the search box');
  await page.keyboard.type('OrderPlaced from');
  await tabTo((f) => f.role === 'listbox', 'the activity list');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await heading().filter({ hasText: /^Event / }).waitFor();
  await page.getByRole('list', { name: 'Deliveries' }).waitFor();
});

test('10,000 activity entries: the list stays usable and the DOM holds a bounded number of rows', async () => {
  await page.getByRole('link', { name: 'Activity' }).click();
  await heading().filter({ hasText: 'Activity' }).waitFor();
  const eb = new EventBridgeClient({ endpoint: `http://127.0.0.1:${dev.awsPort}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    for (let batch = 0; batch < 1000; batch += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => eb.send(new PutEventsCommand({
        Entries: Array.from({ length: 10 }, (_, j) => ({ Source: 'load.test', DetailType: `Load${(batch + i) * 10 + j}`, Detail: '{}' })),
      }))));
    }
  } finally {
    eb.destroy();
  }
  await page.locator('#activity-count').filter({ hasText: /^10,000 entries$/ }).waitFor();
  const rendered = await rows().count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(100);

  // The oldest of them is reachable from the keyboard, and rendered once there.
  await page.getByRole('listbox').focus();
  await page.keyboard.press('End');
  await page.locator('[role="option"][aria-posinset="10000"]').waitFor();
  expect(await rows().count()).toBeLessThan(100);

  // The search narrows 10,000 entries to one.
  await page.getByLabel(/^Search/).fill('Load4321');
  await page.locator('#activity-count').filter({ hasText: /^1 entry match/ }).waitFor();
  await option(/Load4321 from load\.test/).waitFor();

  // Opened afresh, the page loads the newest 1,000 entries: the search goes to the server,
  // which keeps all 10,000, and finds one this page never loaded.
  await page.reload();
  await heading().filter({ hasText: 'Activity' }).waitFor();
  await page.locator('#activity-count').filter({ hasText: /^1,000 entries$/ }).waitFor();
  await page.getByLabel(/^Search/).fill('Load1234');
  await page.locator('#activity-count').filter({ hasText: /^1 entry match/ }).waitFor();
  await option(/Load1234 from load\.test/).waitFor();
});
