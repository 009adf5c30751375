// `npm run bench`: issue 8's workloads, each measured against a baseline run in the same
// invocation on the same machine, so the ratios mean something on a shared, noisy box.
//
// Environment: BENCH_SMOKE=1 (about a second per workload on tiny data, for CI), BENCH_ENTERPRISES
// and BENCH_REQUESTS (scale data, default 20,000 and 5 per enterprise), BENCH_DURATION (seconds
// per load run, default 10), DATABASE_URL (otherwise a fresh embedded PostgreSQL in a temp dir),
// BENCH_RESULTS_DIR (default bench/results), BENCH_ONLY (comma-separated ids such as `B4,B6`: run
// only the workloads that measure one of them, to iterate on one path without the whole hour),
// BENCH_IMPORT_ROWS (lines of the B7 import, default 100,000).
import autocannon from 'autocannon';
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULT_PASSWORD, seedScale } from '../scripts/seed-scale.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SMOKE = process.env.BENCH_SMOKE === '1';
const DURATION = SMOKE ? 1 : Number(process.env.BENCH_DURATION ?? 10);
const ENTERPRISES = SMOKE ? 300 : Number(process.env.BENCH_ENTERPRISES ?? 20_000);
const REQUESTS = SMOKE ? 1_500 : Number(process.env.BENCH_REQUESTS ?? ENTERPRISES * 5);
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? path.join(ROOT, 'bench', 'results');
const ONLY = process.env.BENCH_ONLY?.split(',').map((id) => id.trim().toUpperCase());
const JWT_SECRET = randomBytes(48).toString('base64url');
const API = '/api/v1';

const log = (line) => process.stderr.write(`[bench] ${line}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A folder the embedded server's `postgres` user can enter (mkdtemp makes it 0700). */
function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

function rssMegabytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** Peak RSS of `pid` while `work` runs, sampled every 100 ms. */
async function withPeakRss(pid, work) {
  let peak = rssMegabytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMegabytes(pid));
  }, 100);
  try {
    const result = await work();
    peak = Math.max(peak, rssMegabytes(pid));
    return { result, peakRssMb: peak };
  } finally {
    clearInterval(timer);
  }
}

/** Spawns a node script and resolves once `ready()` says so; the child is killed on failure. */
async function startProcess(args, env, ready, timeoutMs = 120_000) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + timeoutMs;
  while (!(await ready(output))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not become ready:\n${output.slice(-4000)}`);
    }
    await sleep(50);
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

const answersReady = (base) => () =>
  globalThis.fetch(`${base}/health/ready`).then(
    (response) => response.status === 200,
    () => false,
  );

function appEnv(overrides) {
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'false',
    JWT_SECRET,
    HOST: '127.0.0.1',
    // The per-address budget would turn a load generator's traffic into 429s.
    THROTTLE_LIMIT: '1000000000',
    ...overrides,
  };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) {
      delete env[key];
    }
  }
  return env;
}

/** autocannon over `paths` (rotated), as req/s; refuses to report a run with failures. */
async function load(base, paths, { headers = {}, connections = 50, method = 'GET', amount } = {}) {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    ...(amount === undefined ? { duration: DURATION } : { amount }),
    headers,
    requests: [
      {
        method,
        setupRequest: (request) => {
          const entry = paths[next++ % paths.length];
          return typeof entry === 'string'
            ? { ...request, path: entry }
            : {
                ...request,
                path: entry.path,
                headers: { ...request.headers, ...entry.headers },
                ...(entry.body === undefined ? {} : { body: entry.body }),
              };
        },
      },
    ],
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) {
    throw new Error(
      `${method} ${typeof paths[0] === 'string' ? paths[0] : paths[0].path}: ${failures} of ${result.requests.total} failed`,
    );
  }
  return {
    perSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** `concurrency` callers running `operation` back to back for DURATION seconds: ops/s. */
async function drive(concurrency, operation) {
  const deadline = performance.now() + DURATION * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        await operation(worker, done);
        done += 1;
      }
    }),
  );
  return done / DURATION;
}

async function timed(operation) {
  const started = performance.now();
  const result = await operation();
  return { ms: performance.now() - started, result };
}

async function json(base, pathname, { token, method = 'GET', body, rawBody, headers = {} } = {}) {
  const response = await globalThis.fetch(`${base}${pathname}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: rawBody ?? (body ? JSON.stringify(body) : undefined),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${pathname}: ${response.status} ${text.slice(0, 500)}`);
  }
  return JSON.parse(text);
}

const login = async (base, username) =>
  (
    await json(base, `${API}/auth/login`, {
      method: 'POST',
      body: { username, password: DEFAULT_PASSWORD },
    })
  ).accessToken;

function row(id, workload, figure, unit, baseline, baselineLabel, ratio, target, met, extra = {}) {
  return { id, workload, figure, unit, baseline, baselineLabel, ratio, target, met, ...extra };
}

const round = (value, digits = 2) => Number(value.toFixed(digits));

/** Shanghai business date `days` from today, YYYY-MM-DD. */
function businessDate(days) {
  const at = new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000);
  return at.toISOString().slice(0, 10);
}

// ---- workloads -------------------------------------------------------------------------------

async function benchReadById(ctx, hello) {
  const { base, pool, bankId, officerToken, appPid } = ctx;
  const ids = (
    await pool.query(
      `SELECT DISTINCT request_id FROM matches WHERE bank_id = $1 ORDER BY request_id LIMIT 1000`,
      [bankId],
    )
  ).rows.map((r) => `${API}/financing-requests/${r.request_id}`);
  const headers = { authorization: `Bearer ${officerToken}` };
  const guarded = await load(base, [`${API}/auth/me`], { headers });
  const { result: byId, peakRssMb } = await withPeakRss(appPid, () => load(base, ids, { headers }));
  const plain = await load(hello, ['/hello']);
  return [
    row(
      'B1',
      'GET /financing-requests/:id as a bank officer, 50 connections',
      round(byId.perSecond, 0),
      'req/s',
      round(guarded.perSecond, 0),
      'GET /auth/me (same guards, same app)',
      round(byId.perSecond / guarded.perSecond, 3),
      '≥ 0.5',
      byId.perSecond / guarded.perSecond >= 0.5,
      { p50Ms: byId.p50, p99Ms: byId.p99 },
    ),
    row(
      'B2',
      'same as B1',
      round(byId.perSecond, 0),
      'req/s',
      round(plain.perSecond, 0),
      'plain Nest + Fastify hello, no guards',
      round(byId.perSecond / plain.perSecond, 3),
      '≥ 0.2',
      byId.perSecond / plain.perSecond >= 0.2,
    ),
    row(
      'B9',
      'process RSS during B1',
      round(peakRssMb, 0),
      'MB',
      300,
      'budget',
      round(peakRssMb / 300, 3),
      '≤ 300 MB',
      peakRssMb <= 300,
    ),
  ];
}

// The SQL the service runs for a bank's inbox (FinancingRequestsService.list with bank staff):
// the bank's stakes, carrying the request's status and creation time, joined to the requests.
const LIST_SQL = `SELECT request.* FROM financing_requests request
   INNER JOIN bank_request_stakes stake
           ON stake.request_id = request.id AND stake.bank_id = $1
   WHERE stake.request_status = 'dispatched'
     AND ($2::timestamptz IS NULL
          OR (stake.request_created_at, stake.request_id) < ($2::timestamptz, $3::uuid))
   ORDER BY stake.request_created_at DESC, stake.request_id DESC LIMIT 21`;

async function benchInbox(ctx) {
  const { base, pool, bankId, officerToken } = ctx;
  const headers = { authorization: `Bearer ${officerToken}` };
  // Walk the keyset to collect the cursors of pages 1, 100 and 1000 (or the last page there is).
  const wanted = SMOKE ? [1, 2, 3] : [1, 100, 1000];
  const pages = new Map([[1, { cursor: undefined, sql: [null, null] }]]);
  let cursor;
  for (let page = 1; page < wanted.at(-1); page += 1) {
    const query = `${API}/financing-requests?status=dispatched&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = await json(base, query, { token: officerToken });
    if (!body.nextCursor) {
      break;
    }
    cursor = body.nextCursor;
    const last = body.items.at(-1);
    if (wanted.includes(page + 1)) {
      pages.set(page + 1, { cursor, sql: [last.createdAt, last.id] });
    }
  }
  const results = [];
  let pageOne;
  for (const [page, { cursor: pageCursor, sql }] of pages) {
    const url = `${API}/financing-requests?status=dispatched&limit=20${pageCursor ? `&cursor=${encodeURIComponent(pageCursor)}` : ''}`;
    const http = await load(base, [url], { headers });
    const direct = await drive(50, () => pool.query(LIST_SQL, [bankId, ...sql]));
    pageOne ??= http.perSecond;
    results.push(
      row(
        'B3',
        `GET /financing-requests?status=dispatched&limit=20, page ${page}`,
        round(http.perSecond, 0),
        'req/s',
        round(direct, 0),
        'same query through pg, 50 callers',
        round(http.perSecond / direct, 3),
        '≥ 0.5; deep page ≥ page 1',
        http.perSecond / direct >= 0.5 && (page === 1 || http.perSecond >= pageOne * 0.9),
        { page, pageOneRatio: round(http.perSecond / pageOne, 3) },
      ),
    );
  }
  const [{ count }] = (
    await pool.query('SELECT count(*)::int AS count FROM matches WHERE bank_id = $1', [bankId])
  ).rows;
  for (const result of results) {
    result.bankMatches = count;
  }
  return results;
}

/**
 * Waits until the service's sealer has chained every audit row so far. The seed writes its audit
 * rows unsealed (200,000 at 20,000 enterprises) and the sealer works through them in the
 * background after start-up.
 */
async function sealerCaughtUp(pool) {
  const deadline = performance.now() + 15 * 60_000;
  for (;;) {
    const { rows } = await pool.query(
      'SELECT EXISTS (SELECT 1 FROM audit_events WHERE sequence IS NULL) AS unsealed',
    );
    if (!rows[0].unsealed) {
      return;
    }
    if (performance.now() > deadline) {
      throw new Error('the audit sealer did not catch up with the seed in 15 minutes');
    }
    await sleep(500);
  }
}

async function benchMoney(ctx) {
  const { base, pool, tag } = ctx;
  const treasurer = await login(base, `scale-${tag}-treasurer`);
  const fund = (
    await pool.query(`SELECT id FROM turnover_funds WHERE name = $1`, [`Scale fund ${tag}`])
  ).rows[0].id;
  // Each disbursement consumes an approved use: up to 1,000 of those the seed made ready.
  const ids = (
    await pool.query(
      `SELECT id FROM turnover_applications WHERE fund_id = $1 AND status = 'approved'
        ORDER BY id LIMIT 1000`,
      [fund],
    )
  ).rows.map((r) => r.id);
  await json(base, `${API}/turnover-funds/${fund}/capital`, {
    token: treasurer,
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    body: { amount: String(ids.length * 1_000_000) + '.00', note: 'bench capital' },
  });
  // Each use is paid out, then repaid the same day: two money moves per use, both counted.
  const repaid = JSON.stringify({ repaidOn: businessDate(0) });
  const started = performance.now();
  for (const [move, body] of [
    ['disburse', undefined],
    ['repay', repaid],
  ]) {
    await load(
      base,
      ids.map((id) => ({
        path: `${API}/turnover-applications/${id}/${move}`,
        headers: {
          'idempotency-key': randomUUID(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
      })),
      {
        connections: 8,
        method: 'POST',
        amount: ids.length,
        headers: { authorization: `Bearer ${treasurer}` },
      },
    );
  }
  const http = (2 * ids.length) / ((performance.now() - started) / 1000);

  // TPC-B-style: 3 updates and an insert, the hot branch row among them, 8 clients.
  await pool.query(`
    DROP TABLE IF EXISTS bench_accounts, bench_tellers, bench_branches, bench_history;
    CREATE UNLOGGED TABLE bench_branches (bid int PRIMARY KEY, bbalance bigint NOT NULL);
    CREATE UNLOGGED TABLE bench_tellers (tid int PRIMARY KEY, bid int, tbalance bigint NOT NULL);
    CREATE UNLOGGED TABLE bench_accounts (aid int PRIMARY KEY, bid int, abalance bigint NOT NULL);
    CREATE UNLOGGED TABLE bench_history (tid int, bid int, aid int, delta bigint, mtime timestamptz);
    INSERT INTO bench_branches VALUES (1, 0);
    INSERT INTO bench_tellers SELECT t, 1, 0 FROM generate_series(1, 10) t;
    INSERT INTO bench_accounts SELECT a, 1, 0 FROM generate_series(1, 100000) a;`);
  // The benchmark tables are unlogged; the app's tables are not: flip to logged for a fair pair.
  await pool.query(`ALTER TABLE bench_branches SET LOGGED; ALTER TABLE bench_tellers SET LOGGED;
                    ALTER TABLE bench_accounts SET LOGGED; ALTER TABLE bench_history SET LOGGED;`);
  const clients = await Promise.all(Array.from({ length: 8 }, () => pool.connect()));
  let tpcb;
  try {
    tpcb = await drive(8, async (worker) => {
      const client = clients[worker];
      const aid = 1 + Math.floor(Math.random() * 100_000);
      const tid = 1 + Math.floor(Math.random() * 10);
      const delta = Math.floor(Math.random() * 10_000) - 5_000;
      await client.query('BEGIN');
      await client.query('UPDATE bench_accounts SET abalance = abalance + $1 WHERE aid = $2', [
        delta,
        aid,
      ]);
      await client.query('SELECT abalance FROM bench_accounts WHERE aid = $1', [aid]);
      await client.query('UPDATE bench_tellers SET tbalance = tbalance + $1 WHERE tid = $2', [
        delta,
        tid,
      ]);
      await client.query('UPDATE bench_branches SET bbalance = bbalance + $1 WHERE bid = 1', [
        delta,
      ]);
      await client.query(
        'INSERT INTO bench_history (tid, bid, aid, delta, mtime) VALUES ($1, 1, $2, $3, now())',
        [tid, aid, delta],
      );
      await client.query('COMMIT');
    });
  } finally {
    for (const client of clients) {
      client.release();
    }
    await pool.query('DROP TABLE bench_accounts, bench_tellers, bench_branches, bench_history');
  }
  return [
    row(
      'B4',
      `turnover-fund disbursements and repayments over HTTP, 8 connections, one fund (${2 * ids.length} ops)`,
      round(http, 0),
      'ops/s',
      round(tpcb, 0),
      'TPC-B-style transaction through pg, 8 clients, one hot branch row',
      round(http / tpcb, 3),
      '≥ 1.0',
      http / tpcb >= 1,
    ),
  ];
}

async function benchSuggestions(ctx) {
  const { base, pool, tag } = ctx;
  const owner = (
    await pool.query(
      `SELECT r.id, u.username FROM financing_requests r JOIN users u ON u.enterprise_id = r.enterprise_id
        WHERE u.username LIKE $1 AND r.status IN ('submitted', 'dispatched') LIMIT 1`,
      [`scale-${tag}-e%`],
    )
  ).rows[0];
  const token = await login(base, owner.username);
  const path = `${API}/financing-requests/${owner.id}/suggestions`;
  const samples = [];
  await json(base, path, { token });
  for (let index = 0; index < (SMOKE ? 5 : 200); index += 1) {
    samples.push((await timed(() => json(base, path, { token }))).ms);
  }
  samples.sort((a, b) => a - b);
  const p95 = samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)];
  const [{ count }] = (await pool.query('SELECT count(*)::int AS count FROM products WHERE active'))
    .rows;
  return [
    row(
      'B5',
      `GET /financing-requests/:id/suggestions, ${count} active products, one client`,
      round(p95, 1),
      'ms p95 (client-side, includes HTTP)',
      20,
      'budget',
      round(p95 / 20, 3),
      '≤ 20 ms',
      p95 <= 20,
    ),
  ];
}

const PLAIN_STATS_SQL = `SELECT e.region_code,
       count(DISTINCT r.enterprise_id) AS enterprises_pushed,
       count(*) AS matches_pushed,
       count(*) FILTER (WHERE m.accepted_at IS NOT NULL) AS matches_accepted,
       count(DISTINCT r.enterprise_id) FILTER (WHERE m.status = 'disbursed') AS enterprises_funded,
       coalesce(sum(m.disbursed_amount_fen) FILTER (WHERE m.status = 'disbursed'), 0) AS disbursed_fen
  FROM matches m
  JOIN financing_requests r ON r.id = m.request_id
  JOIN enterprises e ON e.id = r.enterprise_id
 WHERE m.dispatched_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
   AND m.dispatched_at < ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
 GROUP BY e.region_code`;

async function benchStats(ctx) {
  const { base, pool, adminToken } = ctx;
  const from = businessDate(-400);
  const to = businessDate(2);
  const url = `${API}/stats/matchmaking?groupBy=region&from=${from}&to=${to}`;
  const runs = SMOKE ? 1 : 5;
  await json(base, url, { token: adminToken });
  await pool.query(PLAIN_STATS_SQL, [from, to]);
  let app = 0;
  let plain = 0;
  for (let index = 0; index < runs; index += 1) {
    app += (await timed(() => json(base, url, { token: adminToken }))).ms;
    plain += (await timed(() => pool.query(PLAIN_STATS_SQL, [from, to]))).ms;
  }
  app /= runs;
  plain /= runs;
  return [
    row(
      'B6',
      'GET /stats/matchmaking?groupBy=region over the scale data',
      round(app, 1),
      'ms',
      round(plain, 1),
      'plain GROUP BY over the raw tables (pg)',
      round(plain / app, 3),
      '≥ 10× faster',
      plain / app >= 10,
    ),
  ];
}

const IMPORT_ROWS = SMOKE ? 500 : Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const IMPORT_COLUMNS =
  'credit_code,project_name,region_code,kind,total_investment,planned_investment,status,' +
  'started_on,progress_percent,funding_gap,financing_intent,notes';

/**
 * `COPY … FROM STDIN` of `data` through a plain `pg` client (what pg-copy-streams does, without
 * the dependency): the client hands each protocol event of the active query to this object.
 */
function copyFrom(client, sql, data) {
  return new Promise((resolve, reject) => {
    let failure;
    client.query({
      submit: (connection) => connection.query(sql),
      handleCopyInResponse: (connection) => {
        for (let start = 0; start < data.length; start += 65_536) {
          connection.sendCopyFromChunk(data.subarray(start, start + 65_536));
        }
        connection.endCopyFrom();
      },
      handleCommandComplete: () => {},
      handleError: (error) => (failure = error),
      handleReadyForQuery: () => (failure === undefined ? resolve() : reject(failure)),
    });
  });
}

/** B7: the project import of IMPORT_ROWS new, valid lines, against a COPY of the same file. */
async function benchImport(ctx) {
  const { base, pool, adminToken, appPid } = ctx;
  // Enterprises of its own: the scale seed's credit codes are not shaped like real ones, and the
  // import checks the shape.
  const { CREDIT_CODE_ALPHABET, withCheckCharacter } =
    await import('../dist/modules/enterprises/credit-code.js');
  const prefix = Array.from(randomBytes(4), (byte) => CREDIT_CODE_ALPHABET[byte % 31]).join('');
  const codes = Array.from({ length: Math.min(2_000, IMPORT_ROWS) }, (_, index) => {
    let body = '';
    for (let rest = index, digit = 0; digit < 5; digit += 1, rest = Math.floor(rest / 31)) {
      body = CREDIT_CODE_ALPHABET[rest % 31] + body;
    }
    return withCheckCharacter(`91220500${prefix}${body}`);
  });
  await pool.query(
    `INSERT INTO enterprises (name, credit_code, region_code, industry, employees, revenue_fen,
                              assets_fen, scale, scale_standard, tags)
     SELECT 'B7 import owner ' || n.code, n.code, e.region_code, e.industry, e.employees,
            e.revenue_fen, e.assets_fen, e.scale, e.scale_standard, e.tags
       FROM unnest($1::text[]) AS n(code)
      CROSS JOIN (SELECT * FROM enterprises ORDER BY id LIMIT 1) AS e`,
    [codes],
  );
  const regions = (await pool.query('SELECT code FROM regions ORDER BY code')).rows.map(
    (row) => row.code,
  );
  const run = randomUUID().slice(0, 8);
  const lines = [IMPORT_COLUMNS];
  for (let index = 0; index < IMPORT_ROWS; index += 1) {
    const started = index % 3 !== 0;
    lines.push(
      [
        codes[index % codes.length],
        `基准导入项目 ${run}-${index}`,
        regions[index % regions.length],
        index % 2 === 0 ? 'new' : '续建',
        `${100_000_000 + index}.00`,
        `${20_000_000 + (index % 1000)}.50`,
        started ? 'started' : 'planned',
        started ? '2025-03-15' : '',
        started ? String(index % 100) : '0',
        index % 4 === 0 ? '3000000.00' : '0',
        index % 4 === 0 ? '是' : '否',
        index % 10 === 0 ? '"年度调度, 含逗号的备注"' : '',
      ].join(','),
    );
  }
  const file = Buffer.from(`${lines.join('\r\n')}\r\n`);
  const copyOnce = async () => {
    const client = await pool.connect();
    try {
      await client.query(
        `DROP TABLE IF EXISTS bench_import_scratch;
         CREATE TABLE bench_import_scratch (${IMPORT_COLUMNS.split(',')
           .map((column) => `${column} text`)
           .join(', ')})`,
      );
      const { ms } = await timed(() =>
        copyFrom(client, 'COPY bench_import_scratch FROM STDIN (FORMAT csv, HEADER true)', file),
      );
      const [{ count }] = (
        await client.query('SELECT count(*)::int AS count FROM bench_import_scratch')
      ).rows;
      if (count !== IMPORT_ROWS) {
        throw new Error(`COPY loaded ${count} rows, not ${IMPORT_ROWS}`);
      }
      await client.query('DROP TABLE bench_import_scratch');
      return ms;
    } finally {
      client.release();
    }
  };
  // A COPY before and after the import: their mean is the baseline.
  const copyBefore = await copyOnce();
  const {
    result: { ms, result },
    peakRssMb,
  } = await withPeakRss(appPid, () =>
    timed(() =>
      json(base, `${API}/projects/import`, {
        token: adminToken,
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        rawBody: file,
      }),
    ),
  );
  if (result.created !== IMPORT_ROWS) {
    throw new Error(`import created ${JSON.stringify(result)}, not ${IMPORT_ROWS}`);
  }
  const copy = (copyBefore + (await copyOnce())) / 2;
  return [
    row(
      'B7',
      `POST /projects/import of ${IMPORT_ROWS} new lines (${round(file.length / 2 ** 20, 1)} MiB)`,
      round(ms, 0),
      'ms',
      round(copy, 1),
      'COPY of the same file into a scratch table (pg)',
      round(ms / copy, 2),
      '≤ 5× the COPY',
      ms / copy <= 5,
      { peakRssMb: round(peakRssMb, 0) },
    ),
  ];
}

async function benchAudit(ctx) {
  const { base, pool, adminToken, appPid } = ctx;
  // The first call seals whatever the seed (or the app) left unsealed; the second only verifies.
  const sealing = await timed(() =>
    json(base, `${API}/audit-events/verify`, { token: adminToken }),
  );
  const {
    result: { ms, result },
    peakRssMb,
  } = await withPeakRss(appPid, () =>
    timed(() => json(base, `${API}/audit-events/verify`, { token: adminToken })),
  );
  if (!result.ok) {
    throw new Error(`audit chain broken: ${JSON.stringify(result)}`);
  }
  const count = (await timed(() => pool.query('SELECT count(*) FROM audit_events'))).ms;
  return [
    row(
      'B8',
      `GET /audit-events/verify over ${result.checked} rows`,
      round(ms, 0),
      'ms',
      round(count, 1),
      'SELECT count(*) FROM audit_events',
      round(ms / count, 2),
      '≤ 30× the count; constant memory',
      ms / count <= 30,
      { peakRssMb: round(peakRssMb, 0), firstCallWithSealingMs: round(sealing.ms, 0) },
    ),
  ];
}

async function benchColdStart() {
  const dir = tempDir('yinqi-bench-cold-');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const app = await startProcess(
    ['dist/main.js'],
    appEnv({
      DATABASE_URL: undefined,
      EMBEDDED_PG_DIR: path.join(dir, 'pg'),
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(port),
      INITIAL_ADMIN_PASSWORD: undefined,
    }),
    answersReady(base),
  );
  const seconds = (performance.now() - started) / 1000;
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
  return [
    row(
      'B10',
      'cold start (node dist/main.js) to ready on an empty embedded database',
      round(seconds, 2),
      's',
      5,
      'budget',
      round(seconds / 5, 3),
      '≤ 5 s',
      seconds <= 5,
    ),
  ];
}

// ---- main ------------------------------------------------------------------------------------

function printTable(rows) {
  const header = ['id', 'workload', 'figure', 'baseline', 'ratio', 'target', 'met?'];
  const lines = rows.map((r) => [
    r.id,
    r.workload,
    `${r.figure} ${r.unit}`,
    `${r.baseline} (${r.baselineLabel})`,
    String(r.ratio),
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(
    [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n') +
      '\n',
  );
}

async function main() {
  const stops = [];
  const rows = [];
  const meta = { smoke: SMOKE, durationSeconds: DURATION, only: ONLY };
  try {
    let url = process.env.DATABASE_URL;
    if (url === undefined) {
      const dir = tempDir('yinqi-bench-');
      const { startEmbeddedPostgres, ensureDatabase } =
        await import('../dist/database/embedded-postgres.js');
      const embedded = await startEmbeddedPostgres({
        dataDir: path.join(dir, 'pg'),
        port: await freePort(),
      });
      stops.push(async () => {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      });
      url = await ensureDatabase(embedded.url, 'yinqi');
    }
    const { runMigrations } = await import('../dist/database/data-source.js');
    await runMigrations(url);
    const pool = new pg.Pool({ connectionString: url, max: 20 });
    // An idle client is cut when its server shuts down (57P01); unhandled, that 'error' event
    // would kill the run before it prints its table.
    pool.on('error', (error) =>
      log(`bench pool: idle connection lost (${error.code ?? error.message})`),
    );
    stops.push(() => pool.end());
    meta.postgres = (await pool.query('SHOW server_version')).rows[0].server_version;

    log(`seeding ${ENTERPRISES} enterprises, ${REQUESTS} requests`);
    const seedClient = await pool.connect();
    let seed;
    try {
      seed = await seedScale(seedClient, {
        enterprises: ENTERPRISES,
        requests: REQUESTS,
        products: SMOKE ? 200 : 2_000,
        fundUses: ENTERPRISES,
      });
    } finally {
      seedClient.release();
    }
    meta.seed = { seconds: round(seed.seconds, 1), counts: seed.counts };
    log(`seeded in ${seed.seconds.toFixed(1)} s: ${JSON.stringify(seed.counts)}`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = await startProcess(
      ['dist/main.js'],
      appEnv({ DATABASE_URL: url, PORT: String(port) }),
      answersReady(base),
    );
    stops.push(() => app.stop());
    const helloPort = await freePort();
    const hello = await startProcess(
      ['bench/hello-app.mjs'],
      appEnv({ PORT: String(helloPort) }),
      (out) => out.includes('ready'),
    );
    stops.push(() => hello.stop());

    // Every workload measures its own work (B4's and B7's audit rows are sealed while they run),
    // not the seed's one-off backlog, which would otherwise load the box during the first ones.
    log("waiting for the audit sealer to chain the seed's rows");
    await sealerCaughtUp(pool);

    const tag = seed.tag;
    const bankId = (
      await pool.query(`SELECT bank_id FROM users WHERE username = $1`, [`scale-${tag}-officer-0`])
    ).rows[0].bank_id;
    const ctx = {
      base,
      pool,
      tag,
      bankId,
      appPid: app.child.pid,
      officerToken: await login(base, `scale-${tag}-officer-0`),
      adminToken: await login(base, `scale-${tag}-admin`),
    };
    const workloads = [
      ['B1, B2, B9', () => benchReadById(ctx, `http://127.0.0.1:${helloPort}`)],
      ['B3', () => benchInbox(ctx)],
      ['B4', () => benchMoney(ctx)],
      ['B5', () => benchSuggestions(ctx)],
      ['B6', () => benchStats(ctx)],
      ['B7', () => benchImport(ctx)],
      ['B8', () => benchAudit(ctx)],
      ['B10', () => benchColdStart()],
    ];
    for (const [name, run] of workloads) {
      if (ONLY !== undefined && !name.split(', ').some((id) => ONLY.includes(id))) {
        continue;
      }
      log(`running ${name}`);
      rows.push(...(await run()));
    }
  } finally {
    for (const stop of stops.reverse()) {
      await stop().catch((error) => log(`cleanup: ${error.message}`));
    }
  }
  printTable(rows);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), machine, ...meta, rows }, null, 2)}\n`,
  );
  process.stdout.write(`results: ${file}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
