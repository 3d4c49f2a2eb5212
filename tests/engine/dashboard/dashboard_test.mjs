// The dashboard in a real browser against the real server: starts `civicflow
// serve` over a data dir a replay of a generated archive of all five
// platforms wrote, uploads a later archive (with faults) through
// `civicflow-loadgen run`, opens /dashboard/ in Debian's headless
// Chromium (npm playwright-core) and holds every chart's series against what
// this script fetches from the query API itself for the same URLs, mapped
// independently of the page. Also: no console errors and no failed requests,
// the English toggle changes every title and survives a reload, an API error
// is shown in its panel, and the static files' HTTP replies (types, 304,
// 404, 405). Screenshots go to <build>/test-artifacts/.
//
//   node dashboard_test.mjs --civicflow BIN --loadgen BIN --datagen BIN --node-prefix DIR --artifacts DIR
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const DEADLINE_MS = 150_000;
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const binaries = { civicflow: args.civicflow, 'civicflow-loadgen': args.loadgen, 'civicflow-datagen': args.datagen };
const nodePrefix = path.resolve(args['node-prefix'] || 'build-node');
const artifacts = path.resolve(args.artifacts || 'test-artifacts');
for (const [name, file] of Object.entries(binaries)) {
  if (!file || !fs.existsSync(file)) {
    console.error(`${name} not found (${file}): pass its path`);
    process.exit(1);
  }
}

let chromium;
try {
  ({ chromium } = createRequire(path.join(nodePrefix, 'node_modules', 'x.js'))('playwright-core'));
} catch (e) {
  console.error(`playwright-core is missing under ${nodePrefix}: run scripts/setup-node.sh (${e.message})`);
  process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'civicflow_dashboard_'));
let server = null;
let context = null;

function log(message) {
  console.log(`[dashboard_test ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function run(binary, argv) {
  const result = spawnSync(binaries[binary], argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`${binary} ${argv.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

// `civicflow serve` on a free port; resolves with the port once it listens.
function startServer(accounts) {
  return new Promise((resolve, reject) => {
    server = spawn(binaries.civicflow,
                   ['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(work, 'data'), '--accounts', accounts,
                    '--shards', '2', '--io-threads', '2', '--checkpoint-interval', '200',
                    // A short allowed lateness lets the archive's last hours (and the lots whose heartbeats
                    // stopped) reach the tables while the server runs.
                    '--lateness', '60'],
                   { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (text) => {
      output += text;
      const listening = output.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (listening) resolve(Number(listening[1]));
    });
    server.on('exit', (code) => reject(new Error(`civicflow serve exited ${code} before listening:\n${output}`)));
  });
}

function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  server = null;
}

async function apiRows(base, url) {
  const response = await fetch(base + url);
  const body = await response.json();
  assert.ok(response.ok && body.ok, `${url}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

// What each chart must show, computed here from the API's rows (the page's
// own mapping is not reused). Category axis values and every series' data.
const TOP_VENUES = 10;
const WORST_LOTS = 15;
const TOP_REASONS = 15;
const KINDS = ['electricity', 'water', 'gas'];
const OUTCOMES = ['rejected', 'error', 'duplicate'];
const PLATFORMS = new Set(['fitness', 'parking', 'community', 'ticketing', 'orienteering']);
const sumWhere = (rows, keep, value) => rows.filter(keep).reduce((total, r) => total + value(r), 0);
const EXPECTED = {
  'flow-hour': ([rows]) => ({ categories: rows.map((r) => r.hour), series: [rows.map((r) => r.entries)] }),
  'flow-district': ([rows]) => ({ categories: rows.map((r) => r.district), series: [rows.map((r) => r.entries)] }),
  'energy-venue': ([rows]) => {
    const top = rows.slice(0, TOP_VENUES);
    return { categories: top.map((r) => r.venue_id), series: [top.map((r) => r.consumption)] };
  },
  'energy-district': ([rows]) => {
    const districts = [...new Set(rows.map((r) => r.district_id))].sort();
    const kinds = KINDS.filter((k) => rows.some((r) => r.kind === k));
    return {
      categories: districts,
      series: kinds.map((k) => districts.map((d) => sumWhere(rows, (r) => r.kind === k && r.district_id === d,
                                                             (r) => r.consumption))),
    };
  },
  'parking-lots': ([rows]) => {
    const worst = rows.filter((r) => r.accuracy !== null).slice(0, WORST_LOTS);
    return {
      categories: worst.map((r) => r.park_code),
      series: ['accuracy', 'missing_enter', 'missing_exit', 'mean_abs_deviation'].map((c) => worst.map((r) => r[c])),
    };
  },
  'parking-day': ([rows]) => ({
    categories: rows.map((r) => r.date),
    series: ['accuracy', 'missing_enter', 'missing_exit'].map((c) => rows.map((r) => r[c])),
  }),
  tickets: ([rows]) => ({
    categories: rows.map((r) => r.session_code),
    series: [rows.map((r) => r.sold), rows.map((r) => r.checked_in), rows.map((r) => r.revenue_fen / 100)],
  }),
  ingest: ([rows]) => {
    const problems = rows.filter((r) => PLATFORMS.has(r.platform) && r.outcome !== 'ok');
    const key = (r) => `${r.platform}/${r.interface}/${r.code}`;
    const totals = {};
    for (const r of problems) totals[key(r)] = (totals[key(r)] ?? 0) + r.requests;
    const reasons = Object.keys(totals).sort((a, b) => totals[b] - totals[a] || (a < b ? -1 : a > b ? 1 : 0)).slice(0, TOP_REASONS);
    const outcomes = OUTCOMES.filter((o) => problems.some((r) => r.outcome === o));
    return {
      categories: reasons,
      series: outcomes.map((o) => reasons.map((reason) => sumWhere(problems, (r) => key(r) === reason && r.outcome === o,
                                                                   (r) => r.requests))),
    };
  },
};

// The charts as the page drew them: title, category axis, series data.
function readCharts(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-chart]')].map((element) => {
    const option = echarts.getInstanceByDom(element).getOption();
    const axes = [...(option.xAxis || []), ...(option.yAxis || [])];
    const category = axes.find((axis) => axis.type === 'category');
    return {
      id: element.dataset.chart,
      urls: JSON.parse(element.dataset.query || '[]'),
      title: option.title && option.title[0] ? option.title[0].text : '',
      categories: category ? category.data : null,
      series: (option.series || []).map((series) => series.data),
      error: element.closest('.panel').querySelector('.panel-error').textContent,
    };
  }));
}

// The API's replies stop changing once the upload has been taken in and the
// last window it completes is published.
async function waitForSettledApi(base) {
  const urls = ['/query/v1/flow?by=hour', '/query/v1/energy?by=venue', '/query/v1/parking?by=lot',
                '/query/v1/tickets?by=session', '/query/v1/offline', '/query/v1/ingest'];
  let previous = '';
  let replies = [];
  for (const started = Date.now(); Date.now() - started < 40_000;) {
    replies = await Promise.all(urls.map((url) => apiRows(base, url)));
    // Only uploads' counts: this very polling adds to the query route's.
    const text = JSON.stringify(replies.map((rows, i) => (urls[i].endsWith('ingest') ? rows.filter((r) => PLATFORMS.has(r.platform)) : rows)));
    if (replies.every((rows) => rows.length > 0) && text === previous) return;
    previous = text;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const empty = urls.filter((url, i) => replies[i].length === 0);
  throw new Error(`the query API did not settle within 40 s${empty.length ? `; no rows from ${empty.join(', ')}` : ''}`);
}

async function checkStaticFiles(base) {
  const index = await fetch(`${base}/dashboard`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.match(await index.text(), /data-chart="flow-hour"/);
  const script = await fetch(`${base}/dashboard/echarts.min.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type'), /^text\/javascript/);
  assert.equal(script.headers.get('cache-control'), 'no-cache');
  const bytes = (await script.arrayBuffer()).byteLength;
  assert.ok(bytes > 500_000, `echarts.min.js is ${bytes} bytes`);
  const again = await fetch(`${base}/dashboard/echarts.min.js`, { headers: { 'If-None-Match': script.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${base}/dashboard/dashboard.css`)).headers.get('content-type'), 'text/css;charset=UTF-8');
  assert.equal((await fetch(`${base}/dashboard/missing.js`)).status, 404);
  assert.equal((await fetch(`${base}/dashboardx`)).status, 404);
  const post = await fetch(`${base}/dashboard/`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET');
}

async function main() {
  setTimeout(() => {
    console.error(`dashboard_test: over ${DEADLINE_MS / 1000} s, giving up`);
    cleanUp();
    process.exit(1);
  }, DEADLINE_MS).unref();

  // Small (about 7000 records over two days), with more faults than the defaults so every problem panel has
  // rows; then a day later other sites only, so the first archive's lots fall silent and go offline.
  const archive = path.join(work, 'archive.ndjson');
  const later = path.join(work, 'later.ndjson');
  run('civicflow-datagen', ['--out', archive, '--records', '4000', '--seed', '11', '--start', '2026-11-16',
                            '--days', '2', '--lots', '10', '--venues', '10', '--communities', '5', '--sessions', '5',
                            '--invalid-rate', '0.03', '--duplicate-rate', '0.03']);
  run('civicflow-datagen', ['--out', later, '--records', '300', '--seed', '12', '--start', '2026-11-19', '--days', '1',
                            '--lots', '4', '--venues', '3', '--communities', '2', '--sessions', '2',
                            '--invalid-rate', '0.05', '--duplicate-rate', '0.05']);
  run('civicflow-loadgen', ['make-accounts', path.join(work, 'accounts'), '--per-platform', '1']);
  const accounts = path.join(work, 'accounts', 'accounts.json');
  assert.ok(fs.existsSync(accounts), `no ${accounts}`);
  // The first archive is replayed into the data dir; the server then serves it and takes the later one over HTTP.
  log(run('civicflow', ['replay', '--data-dir', path.join(work, 'data'), '--lateness', '60', archive])
        .trim().split('\n').slice(-2).join(' | '));
  const port = await startServer(accounts);
  const base = `http://127.0.0.1:${port}`;
  log(`civicflow serve listens on ${base}; uploading ${later}`);
  log(run('civicflow-loadgen', ['run', '--url', base, '--accounts', accounts, '--connections', '4', later])
        .trim().split('\n').slice(-3).join(' | '));
  await waitForSettledApi(base);
  await checkStaticFiles(base);

  context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
    locale: 'zh-CN',
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure().errorText}`));
  page.on('response', (response) => { if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`); });

  await page.goto(`${base}/dashboard/`);
  await page.waitForFunction(() => window.dashboardReady === true, null, { timeout: 30_000 });
  const charts = await readCharts(page);
  assert.deepEqual(charts.map((c) => c.id).sort(), Object.keys(EXPECTED).sort(), 'the charts on the page');
  for (const chart of charts) {
    assert.equal(chart.error, '', `${chart.id} shows an error`);
    const rows = await Promise.all(chart.urls.map((url) => apiRows(base, url)));
    const expected = EXPECTED[chart.id](rows);
    // The page labels an unknown district; compare codes where it does.
    const categories = chart.id.includes('district')
      ? chart.categories.map((c, i) => (expected.categories[i] === '' ? '' : c)) : chart.categories;
    assert.deepEqual(categories, expected.categories, `${chart.id} (${chart.urls}) categories`);
    assert.deepEqual(chart.series, expected.series, `${chart.id} (${chart.urls}) series`);
    assert.ok(chart.series.some((data) => data.some((value) => value !== null && value !== 0)), `${chart.id} has no data`);
    assert.ok(chart.title.length > 0, `${chart.id} has no title`);
    log(`${chart.id}: ${chart.series.length} series, ${chart.categories.length} categories, as ${chart.urls}`);
  }
  const offline = await page.evaluate(() => ({
    urls: JSON.parse(document.querySelector('[data-table="offline"]').dataset.query),
    cells: [...document.querySelectorAll('[data-table="offline"] tbody tr')].map((tr) => [...tr.cells].map((td) => td.textContent)),
  }));
  const offlineRows = await apiRows(base, offline.urls[0]);
  assert.ok(offlineRows.length > 0, 'no offline lots or devices');
  assert.deepEqual(offline.cells, offlineRows.map((r) => [r.platform, r.site_id, r.device_id, r.since]), 'offline table');
  assert.deepEqual(problems, [], 'console errors or failed requests');

  // The flow scope: one district, then one site; the chart follows each.
  for (const prefix of ['district:', 'site:']) {
    const value = await page.evaluate((p) => [...document.querySelectorAll('#flow-scope option')]
      .map((o) => o.value).find((v) => v.startsWith(p)), prefix);
    assert.ok(value, `no ${prefix} option in the flow scope`);
    await page.selectOption('#flow-scope', value);
    const param = prefix === 'district:' ? 'district=' : 'site=';
    let chart;
    let expected;
    for (const started = Date.now(); Date.now() - started < 10_000;) {
      chart = (await readCharts(page)).find((c) => c.id === 'flow-hour');
      if (chart.urls[0].includes(param)) {
        expected = EXPECTED['flow-hour']([await apiRows(base, chart.urls[0])]);
        if (JSON.stringify(chart.series) === JSON.stringify(expected.series)) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(chart.urls[0].includes(param), `flow-hour did not follow the scope ${value}: ${chart.urls}`);
    assert.deepEqual(chart.series, expected.series, `flow-hour for ${value}`);
    assert.deepEqual(chart.categories, expected.categories, `flow-hour hours for ${value}`);
    assert.ok(chart.series[0].length > 0, `flow-hour for ${value} has no data`);
    log(`flow-hour for ${value}: ${chart.series[0].length} hours, as ${chart.urls}`);
  }
  await page.selectOption('#flow-scope', '');
  await page.waitForFunction(() => !document.querySelector('[data-chart="flow-hour"]').dataset.query.includes('site='));

  fs.mkdirSync(artifacts, { recursive: true });
  await page.waitForTimeout(1500);  // ECharts' transition animations
  await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  log(`screenshot: ${path.join(artifacts, 'dashboard.png')}`);

  // English: every title changes, and the choice survives a reload.
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await page.click('#language');
  const english = await readCharts(page);
  for (const [i, chart] of english.entries()) {
    assert.notEqual(chart.title, charts[i].title, `${chart.id}: the English title`);
    assert.match(chart.title, /^[\x20-\x7e]+$/, `${chart.id}: "${chart.title}" is not English`);
    assert.deepEqual(chart.series, charts[i].series, `${chart.id}: the data after switching language`);
  }
  await page.reload();
  await page.waitForFunction(() => window.dashboardReady === true, null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.deepEqual((await readCharts(page)).map((c) => c.title), english.map((c) => c.title), 'English after a reload');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(artifacts, 'dashboard-en.png'), fullPage: true });
  log(`screenshot: ${path.join(artifacts, 'dashboard-en.png')}`);
  assert.deepEqual(problems, [], 'console errors or failed requests');

  // A range the API refuses (from after to): every ranged panel says why.
  const loads = await page.evaluate(() => window.dashboardLoads);
  await page.evaluate(() => {
    document.getElementById('from').value = '2026-11-18';
    document.getElementById('to').value = '2026-11-16';
    document.getElementById('from').dispatchEvent(new Event('change'));
  });
  await page.waitForFunction((n) => window.dashboardLoads > n, loads, { timeout: 20_000 });
  const refused = await readCharts(page);
  for (const chart of refused.filter((c) => c.id !== 'ingest')) {
    assert.match(chart.error, /HTTP 400/, `${chart.id} does not show the API's error`);
    assert.match(chart.error, /\[(from|to)\]/, `${chart.id}: the error names the parameter`);
  }
  assert.equal(refused.find((c) => c.id === 'ingest').error, '', 'ingest takes no date range');
}

function cleanUp() {
  stopServer();
  fs.rmSync(work, { recursive: true, force: true });
}

process.on('exit', stopServer);
try {
  await main();
  log('passed');
} catch (error) {
  console.error(`dashboard_test failed: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  cleanUp();
}
