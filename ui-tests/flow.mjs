// The analyst's pages in a real browser: Debian's Chromium driven by playwright-core.
// Usage: node ui-tests/flow.mjs URL SCREENSHOT_DIR   (scripts/ui-browser.sh sets up the store)
// Flow: sign in as the analyst, the queue, claim the next alert, review it (the matched name
// parts are marked), propose false positive; the maker is refused her own check; sign in as
// the reviewer and approve (the memory and the target's other lists shown); search with
// facets; the Russia alignment chart with the US, the UK and Canada; a card's designations
// across jurisdictions; the update button (admins only); a form posted without its CSRF
// token is refused; markup in the data shows as text. Each page is kept as a screenshot
// for a person to look at.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const [url, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
const errors = [];
async function session(name, password, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  // A script or style the CSP blocks shows up here: there must be none.
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  await page.goto(`${url}/alerts`);
  assert.match(page.url(), /\/login$/, 'no session: the sign-in page');
  await page.screenshot({ path: `${shots}/01-sign-in.png`, fullPage: true });
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  assert.match(page.url(), /\/alerts$/);
  return page;
}

const ana = await session('ana', 'correct horse ana');
assert.ok(await ana.isVisible('text=ROTENBERG'), 'the queue lists the alert');
assert.ok(await ana.isVisible('text=<script>alert(1)</script>'), 'markup in the data shows as text');
await ana.screenshot({ path: `${shots}/02-queue.png`, fullPage: true });

await ana.click('button:has-text("Claim next alert")');
assert.match(ana.url(), /\/alerts\/\d+$/);
const alertUrl = ana.url();
assert.ok(await ana.locator('mark').count() > 0, 'the matched name parts are marked');
await ana.screenshot({ path: `${shots}/03-alert-claimed.png`, fullPage: true });

await ana.check('input[value=false_positive]');
await ana.selectOption('select[name=reason]', 'birth_date_differs');
await ana.fill('textarea[name=comment]', 'Customer born 1988; the listed party 1951.');
await ana.click('button:has-text("Propose")');
await ana.screenshot({ path: `${shots}/04-alert-proposed.png`, fullPage: true });
assert.ok(await ana.isVisible('text=Proposed: false_positive by ana'), 'the proposal is shown');
assert.equal(await ana.locator('button:has-text("Approve")').count(), 0, 'the maker is not offered the check');

// The maker posting the check anyway, and a form without its token: both refused.
const own = await ana.request.post(`${alertUrl}/approve`, {
  form: { csrf: await ana.inputValue('input[name=csrf]') }, maxRedirects: 0,
});
assert.equal(own.status(), 403, 'four eyes: the maker cannot approve');
const forged = await ana.request.post(`${url}/alerts/claim`, { form: {}, maxRedirects: 0 });
assert.equal(forged.status(), 403, 'no CSRF token: refused');

const rex = await session('rex', 'battery staple rex');
await rex.goto(alertUrl);
await rex.fill('#approve-comment', 'Agreed: birth years 37 apart.');
await rex.click('button:has-text("Approve")');
await rex.screenshot({ path: `${shots}/05-alert-closed.png`, fullPage: true });
assert.ok(await rex.isVisible('h1 .state-closed'), 'closed after the second pair of eyes');
assert.ok(await rex.isVisible('h2:has-text("False-positive memory")'), 'the memory section');
assert.ok(await rex.isVisible('td:has-text("suppresses")'), 'the approval made a memory that suppresses');
assert.ok(await rex.isVisible('h2:has-text("The same target on other lists")'));
// The other alert's target is on two lists: the US and the UK records, with their link.
await rex.goto(`${url}/alerts`);
await rex.click('tr:has-text("UK OFSI Consolidated List, US OFAC SDN") td:first-child a');
assert.ok(await rex.locator('td:text-is("UK")').count() > 0 && await rex.locator('td:text-is("US")').count() > 0,
  'the same target on the UK and US lists');
assert.ok(await rex.isVisible('td small:has-text("birth date agrees")'), 'the evidence of the link');
await rex.screenshot({ path: `${shots}/05b-alert-linked.png`, fullPage: true });

// Search in another script, then the listed party's card.
await rex.goto(`${url}/search`);
await rex.fill('#q', 'Аркадий Ротенберг');
await rex.click('button:has-text("Search")');
await rex.screenshot({ path: `${shots}/06-search.png`, fullPage: true });
assert.ok(await rex.isVisible('a:has-text("ROTENBERG, Arkady")'), 'Cyrillic finds the listed party');
// Facets with counts, each result with why; choosing one narrows the results.
for (const facet of ['source', 'program', 'kind', 'country']) {
  assert.ok(await rex.isVisible(`nav.facets h2:has-text("${facet}")`), `the ${facet} facet`);
}
assert.ok(await rex.isVisible('nav.facets a:has-text("uk_ofsi")'), 'the UK list among the sources');
assert.ok(await rex.isVisible('td small:has-text("words aligned")'), 'each result says why');
await rex.click('nav.facets a:has-text("uk_ofsi")');
assert.ok(await rex.isVisible('caption:has-text("with source uk_ofsi")'), 'the facet narrows');
assert.equal(await rex.locator('table.results td:has-text("us_ofac_sdn")').count(), 0, 'only the UK list left');
await rex.screenshot({ path: `${shots}/06b-search-facet.png`, fullPage: true });
await rex.goBack();
await rex.click('a:has-text("ROTENBERG, Arkady")');
assert.match(rex.url(), /\/parties\/us-ofac-sdn-\d+$/);
assert.ok(await rex.isVisible('text=UKRAINE-EO13661'), 'the card lists the programme');
assert.ok(await rex.isVisible('td:has-text("listed")'), 'the card lists the versions it appears in');
await rex.screenshot({ path: `${shots}/07-party.png`, fullPage: true });

// Who designated whom: the Russia chart of February–March 2022 with the US, the UK and
// Canada, each written at its line's end; a target's card from the table.
await rex.goto(`${url}/align?program=russia&from=2022-02-01&to=2022-03-31&min=3`);
assert.ok(await rex.isVisible('figure.chart svg'), 'the chart renders');
const labels = await rex.locator('figure.chart svg text').allTextContents();
for (const code of ['US', 'UK', 'CA']) {
  assert.ok(labels.some((t) => new RegExp(`^${code} \\d+$`).test(t.trim())), `${code} in the chart: ${labels.join('|')}`);
}
assert.ok(await rex.isVisible('figcaption:has-text("UK (▲ filled triangle)")'), 'the caption names each marker');
assert.ok(await rex.isVisible('tr:has(a:text-is("Vladimir Vladimirovich PUTIN")) td:text-is("2022-02-25")'),
  'the table: the UK listed him on 2022-02-25');
assert.ok(await rex.isVisible('tr:has(a:text-is("Vladimir Vladimirovich PUTIN")) td:text-is("2022-02-28 (+3 d)")'),
  'the table: the US and Canada 3 days later');
await rex.screenshot({ path: `${shots}/11-align.png`, fullPage: true });
await rex.click('a:text-is("Vladimir Vladimirovich PUTIN")');
assert.match(rex.url(), /\/parties\//);
assert.ok(await rex.isVisible('h2:has-text("Its designations across jurisdictions")'));
assert.ok(await rex.isVisible('td:has-text("2022-02-25")'), 'the UK listing date on the card');
assert.ok(await rex.locator('td:text-is("UK")').count() > 0 && await rex.locator('td:text-is("CA")').count() > 0,
  'the UK and Canadian records of the same target');
await rex.screenshot({ path: `${shots}/12-party-across.png`, fullPage: true });
const putinUrl = rex.url();

// A card with an amended record: each field that changed, with what came and what went.
await rex.goto(`${url}/parties/us-ofac-sdn-31123`);
assert.ok(await rex.isVisible('td:has-text("amended since version 1")'), 'the amendment is marked');
assert.ok(await rex.isVisible('dl.fieldchanges dt:text-is("designations")'), 'the field that changed');
assert.ok(await rex.isVisible('dl.fieldchanges ins:has-text("RUSSIA-EO14024")'), 'the program it gained');
await rex.screenshot({ path: `${shots}/07b-party-amended.png`, fullPage: true });

// The queue filtered: no alert scores 0.95 or more here.
await rex.goto(`${url}/alerts?min_score=0.95`);
assert.ok(await rex.isVisible('text=No alert here.'), 'the score filter applies');
// An analyst is refused the admin page (the browser logs that 403; nothing else may be
// logged); an admin sees the lists.
assert.deepEqual(errors, [], 'no console error (a blocked script or style)');
const refusedLists = await ana.goto(`${url}/lists`);
assert.equal(refusedLists.status(), 403, 'an analyst may not open /lists');
assert.ok(await ana.isVisible('text=needs admin'));
errors.splice(0, errors.length, ...errors.filter((e) => !e.includes('status of 403')));
const boss = await session('boss', 'admin pass boss');
await boss.goto(`${url}/lists`);
assert.ok(await boss.isVisible('td:has-text("us_ofac_sdn")'));
await boss.screenshot({ path: `${shots}/08-lists.png`, fullPage: true });
await boss.click('button:has-text("Update every list now")');
assert.match(boss.url(), /\/lists$/);
assert.ok(await boss.isVisible('p[role=status]'), 'the update is reported');
await boss.screenshot({ path: `${shots}/08b-lists-update.png`, fullPage: true });
await ana.goto(`${url}/alerts`);
const refusedUpdate = await ana.request.post(`${url}/lists/update`, {
  form: { csrf: await ana.inputValue('input[name=csrf]') }, maxRedirects: 0,
});
assert.equal(refusedUpdate.status(), 403, 'an analyst may not update the lists');
await boss.goto(`${url}/book`);
assert.ok(await boss.isVisible('td:has-text("c2")'), 'the book lists its customers');
await boss.screenshot({ path: `${shots}/09-book.png`, fullPage: true });
await boss.goto(`${url}/audit`);
assert.ok(await boss.isVisible('text=The chain verifies'), 'the audit trail verifies');
assert.ok(await boss.isVisible('text=alert.approve'), 'the approval is on the trail');
await boss.screenshot({ path: `${shots}/10-audit.png`, fullPage: true });
assert.equal((await ana.goto(`${url}/audit`)).status(), 403, 'an analyst may not read the trail');
errors.splice(0, errors.length, ...errors.filter((e) => !e.includes('status of 403')));

assert.deepEqual(errors, [], 'no console error (a blocked script or style)');

// axe-core on every page: no serious or critical violation. The checking context lets
// axe's script in (bypassCSP); the pages themselves run none.
const checker = await session('boss', 'admin pass boss', { bypassCSP: true });
const partyUrl = rex.url();
for (const path of ['/alerts', new URL(alertUrl).pathname, '/search?q=Arkady+Rotenberg', new URL(partyUrl).pathname,
  new URL(putinUrl).pathname, '/align?program=russia&from=2022-02-01&to=2022-03-31', '/lists', '/book', '/audit']) {
  await checker.goto(`${url}${path}`);
  await checker.addScriptTag({ path: axePath });
  const result = await checker.evaluate(() => window.axe.run());
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], `axe on ${path}`);
}
const signIn = await browser.newPage({ bypassCSP: true });
await signIn.goto(`${url}/login`);
await signIn.addScriptTag({ path: axePath });
const signInResult = await signIn.evaluate(() => window.axe.run());
assert.deepEqual(signInResult.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), [], 'axe on /login');
await browser.close();
console.log(`ui-browser: flow passed; screenshots in ${shots}`);
