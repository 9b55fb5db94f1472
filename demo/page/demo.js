/*
 * mod_cors demo page.  Plain JavaScript, no framework, nothing from a CDN.
 *
 * Where the API is: ?api=<origin> when given, otherwise the page's own host
 * name with the API port from demo-config.json (written by scripts/demo.sh),
 * so a page opened as http://localhost:P+1 calls http://localhost:P.
 *
 * Every scenario runs once when the page loads, so a first look (or a
 * screenshot) shows results; "Run" and "Run all" run them again.  A
 * refusal the page expects (the refused origin, the header the policy does
 * not allow) is shown as expected, in blue; only a result that differs
 * from what the page expects is shown in red.  demo-config.json can turn
 * the run on load off ("run_on_load": false, as the browser suite's pages
 * do), and so can ?run=0.
 *
 * For automated browser tests: window.demo.ready resolves once the page knows
 * its API; window.demo.firstRun resolves to the results of the run on load
 * (null when there is none); window.demo.run(name) resolves to the result
 * object of one scenario, window.demo.runAll() to all of them; each
 * scenario's <section> carries data-outcome="ok|error" and
 * data-expected-met="true|false".
 */
'use strict';

const SCENARIOS = [
  {
    name: 'simple',
    title: 'Simple GET',
    text: 'GET /api/hello.json. No preflight: a GET without custom headers ' +
          'is a "simple" request. X-Request-Id is readable because the API ' +
          'exposes it (CORSExposeHeaders); X-Served-By is sent too, but stays ' +
          'hidden.',
    path: '/api/hello.json',
    init: {},
  },
  {
    name: 'credentialed',
    title: 'Credentialed GET',
    text: "GET /api/session with credentials: 'include'. The first call " +
          'gets a cookie, the next ones send it back. Readable only because ' +
          'the API answers Access-Control-Allow-Credentials: true with the ' +
          'exact origin (never *).',
    path: '/api/session',
    init: { credentials: 'include' },
  },
  {
    name: 'put',
    title: 'Preflighted PUT with JSON',
    text: 'PUT /api/items/42 with Content-Type: application/json and ' +
          'X-Requested-With. The browser first sends an OPTIONS preflight; ' +
          'mod_cors answers it (204) and only then is the PUT sent.',
    path: '/api/items/42',
    init: {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        'X-Requested-With': 'mod_cors-demo',
      },
      body: JSON.stringify({ name: 'widget', quantity: 3 }),
    },
  },
  {
    name: 'missing',
    title: 'GET of a 404',
    text: 'GET /api/missing. Errors carry the CORS headers too, so ' +
          'JavaScript can read the 404 instead of a bare TypeError.',
    path: '/api/missing',
    init: {},
  },
  {
    name: 'header-refused',
    title: 'PUT with a header the policy does not allow',
    text: 'PUT /api/items/42 with X-Secret: 1. X-Secret is not in ' +
          'CORSAllowHeaders, so mod_cors refuses the preflight (403) and ' +
          'the browser never sends the PUT.',
    path: '/api/items/42',
    init: {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Secret': '1' },
      body: '{}',
    },
    refusedEvenWhenAllowed: true,
  },
];

const demo = {
  config: null,
  apiBase: null,
  originAllowed: null,
  addedAtRunTime: false,
  results: {},
};
window.demo = demo;

function byName(name) {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) {
    throw new Error('no scenario ' + name);
  }
  return s;
}

/* Whether this scenario should be readable from the page's origin. */
function expectedReadable(s) {
  return demo.originAllowed === true && !s.refusedEvenWhenAllowed;
}

async function loadConfig() {
  const params = new URLSearchParams(location.search);
  try {
    const res = await fetch('demo-config.json', { cache: 'no-store' });
    demo.config = await res.json();
  }
  catch (e) {
    demo.config = null;
  }
  if (params.get('api')) {
    demo.apiBase = params.get('api').replace(/\/+$/, '');
  }
  else if (demo.config) {
    demo.apiBase = location.protocol + '//' + location.hostname + ':' +
                   demo.config.api_port;
  }
  if (demo.config && Array.isArray(demo.config.allowed_origins)) {
    demo.originAllowed = demo.config.allowed_origins.includes(location.origin);
  }
  /* Back from "Allow this origin": the API's origin file now lists it. */
  if (params.get('added') === '1' && demo.originAllowed === false) {
    demo.originAllowed = true;
    demo.addedAtRunTime = true;
  }
}

/*
 * On the refused origin: a form that asks the API to add this origin to its
 * CORSAllowOriginFile (a plain form POST, a navigation: CORS does not
 * apply to it).  mod_cors reloads the file within a second, no restart.
 */
function allowButton() {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = demo.apiBase + '/demo-admin/allow-origin';
  form.id = 'allow-origin';
  const field = document.createElement('input');
  field.type = 'hidden';
  field.name = 'origin';
  field.value = location.origin;
  const button = document.createElement('button');
  button.type = 'submit';
  button.textContent = 'Allow this origin (adds it to the API\'s origin ' +
                       'file, no restart)';
  form.appendChild(field);
  form.appendChild(button);
  return form;
}

function describeWhere() {
  const el = document.getElementById('where');
  if (!demo.apiBase) {
    el.className = 'unknown';
    el.textContent = 'No API configured: open this page through ' +
                     'scripts/demo.sh (make demo), or add ?api=http://host:port.';
    return;
  }
  const cfg = demo.config || {};
  const other = (port) => location.protocol + '//' + location.hostname + ':' +
                          port + '/';
  el.textContent = '';
  const line = document.createElement('span');
  if (demo.originAllowed === true && demo.addedAtRunTime) {
    el.className = 'allowed';
    line.textContent = 'This page is on ' + location.origin + ', which the ' +
                       'API refused until a moment ago: it is now in the ' +
                       'API\'s CORSAllowOriginFile, reloaded without a ' +
                       'restart, so the calls to ' + demo.apiBase +
                       ' are expected to work (except the last one). ';
  }
  else if (demo.originAllowed === true) {
    el.className = 'allowed';
    line.textContent = 'This page is on ' + location.origin + ', an origin ' +
                       'the API allows: the calls to ' + demo.apiBase +
                       ' are expected to work (except the last one). ';
  }
  else if (demo.originAllowed === false) {
    el.className = 'refused';
    line.textContent = 'This page is on ' + location.origin + ', an origin ' +
                       'the API does NOT allow: every call to ' +
                       demo.apiBase + ' is expected to fail with a ' +
                       'TypeError, although the server answers it. ';
  }
  else {
    el.className = 'unknown';
    line.textContent = 'Calling ' + demo.apiBase + ' from ' +
                       location.origin + '. ';
  }
  el.appendChild(line);
  const link = document.createElement('a');
  if (demo.originAllowed === true && cfg.refused_port) {
    link.href = other(cfg.refused_port);
    link.textContent = 'Open the same page on a refused origin';
  }
  else if (demo.originAllowed === false && cfg.page_port) {
    link.href = other(cfg.page_port);
    link.textContent = 'Back to the allowed origin';
  }
  if (link.href) {
    el.appendChild(link);
  }
  if (demo.originAllowed === false) {
    el.appendChild(allowButton());
  }
}

/* Every response header JavaScript is allowed to see. */
function readableHeaders(res) {
  const out = {};
  for (const [k, v] of res.headers) {
    out[k] = v;
  }
  return out;
}

async function run(name) {
  const s = byName(name);
  const url = demo.apiBase + s.path;
  const result = {
    name: s.name,
    url: url,
    method: s.init.method || 'GET',
    expected: expectedReadable(s) ? 'readable' : 'refused',
  };
  try {
    const res = await fetch(url, Object.assign({ cache: 'no-store' }, s.init));
    result.outcome = 'ok';
    result.status = res.status;
    result.statusText = res.statusText;
    result.headers = readableHeaders(res);
    result.xRequestId = res.headers.get('X-Request-Id');
    result.xServedBy = res.headers.get('X-Served-By');
    result.body = await res.text();
  }
  catch (e) {
    result.outcome = 'error';
    result.error = e.name + ': ' + e.message;
  }
  result.expectedMet = (result.outcome === 'ok') ===
                       (result.expected === 'readable');
  demo.results[name] = result;
  render(result);
  return result;
}

async function runAll() {
  const all = [];
  for (const s of SCENARIOS) {
    all.push(await run(s.name));
  }
  return all;
}

function render(r) {
  const section = document.getElementById('scenario-' + r.name);
  section.classList.remove('outcome-ok', 'outcome-error', 'expected-met',
                           'expected-missed');
  section.classList.add('outcome-' + r.outcome,
                        r.expectedMet ? 'expected-met' : 'expected-missed');
  section.dataset.outcome = r.outcome;
  section.dataset.expectedMet = String(r.expectedMet);
  const lines = [r.method + ' ' + r.url];
  if (r.outcome === 'ok') {
    lines.push('status: ' + r.status + ' ' + r.statusText);
    lines.push('readable response headers:');
    for (const [k, v] of Object.entries(r.headers)) {
      lines.push('  ' + k + ': ' + v);
    }
    lines.push("headers.get('X-Request-Id'): " + JSON.stringify(r.xRequestId) +
               (r.xRequestId === null ? '' : '   (exposed)'));
    lines.push("headers.get('X-Served-By'):  " + JSON.stringify(r.xServedBy) +
               (r.xServedBy === null ? '   (sent, but not exposed)' : ''));
    lines.push('body: ' + r.body.trim());
  }
  else {
    lines.push(r.error);
    lines.push('(the reason is only in the browser console: JavaScript ' +
               'never learns why)');
  }
  section.querySelector('pre.result').textContent = lines.join('\n');
  const verdict = section.querySelector('.verdict');
  verdict.textContent = r.expectedMet
    ? (r.outcome === 'ok' ? '\u2713 readable, as expected'
                          : '\u2713 refused, as expected')
    : '\u2717 NOT as expected: should have been ' + r.expected;
}

function build() {
  const container = document.getElementById('scenarios');
  for (const s of SCENARIOS) {
    const section = document.createElement('section');
    section.className = 'scenario';
    section.id = 'scenario-' + s.name;
    const h = document.createElement('h2');
    h.textContent = s.title;
    const p = document.createElement('p');
    p.textContent = s.text + ' Expected from here: ' +
                    (demo.apiBase ? expectedReadable(s) ? 'readable.'
                                                        : 'refused.'
                                  : 'unknown.');
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'run-' + s.name;
    button.textContent = 'Run';
    button.disabled = !demo.apiBase;
    button.addEventListener('click', () => run(s.name));
    const verdict = document.createElement('span');
    verdict.className = 'verdict';
    const pre = document.createElement('pre');
    pre.className = 'result';
    section.append(h, p, button, ' ', verdict, pre);
    container.appendChild(section);
  }
  const all = document.getElementById('run-all');
  all.disabled = !demo.apiBase;
  all.addEventListener('click', runAll);
}

demo.run = run;
demo.runAll = runAll;
demo.scenarios = SCENARIOS.map((s) => s.name);
demo.ready = loadConfig().then(() => {
  describeWhere();
  build();
  return { apiBase: demo.apiBase, originAllowed: demo.originAllowed };
});

/* Run everything once on load, unless demo-config.json or ?run=0 says no. */
function runOnLoad() {
  const params = new URLSearchParams(location.search);
  return demo.apiBase !== null && params.get('run') !== '0' &&
         !(demo.config && demo.config.run_on_load === false);
}

demo.firstRun = demo.ready.then(() => (runOnLoad() ? runAll() : null));
