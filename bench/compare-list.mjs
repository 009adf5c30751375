// Compares GET /financing-requests of two builds on one seeded database, byte for byte: status,
// content type and length, and body (a problem's correlation id aside). Every kind of caller
// (administrator, auditor, president, officers, enterprise users) × status × bankId ×
// enterpriseId × limit, each walked up to 6 pages by its cursors, plus malformed cursors; the new
// build is asked a round's URLs 60 at a time, so reads of many shapes and callers share batches.
// Usage: node bench/compare-list.mjs <root of the old build> <root of the new build>
// (each with dist/ built; the database is a fresh embedded one, seeded by scripts/seed-scale.mjs;
// COMPARE_ENTERPRISES and COMPARE_REQUESTS set its size, default 1,500 and 7,500).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { URLSearchParams } from 'node:url';
import pg from 'pg';

const [BEFORE, AFTER] = process.argv.slice(2).map((p) => path.resolve(p));
const API = '/api/v1';
const JWT_SECRET = randomBytes(48).toString('base64url');
const log = (line) => process.stderr.write(`[compare] ${line}\n`);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function start(root, url) {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
      JWT_SECRET,
      HOST: '127.0.0.1',
      THROTTLE_LIMIT: '1000000000',
      DATABASE_URL: url,
      PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    const ok = await globalThis.fetch(`${base}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      break;
    }
    await sleep(100);
  }
  return { base, stop: () => child.kill('SIGTERM') };
}

async function get(base, pathname, token) {
  const response = await globalThis.fetch(`${base}${pathname}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  const headers = ['content-type', 'content-length'].map((h) => `${h}: ${response.headers.get(h)}`);
  // Problem bodies carry the request's correlation id: compare everything else.
  return {
    status: response.status,
    headers: headers.join('\n'),
    body: text.replace(/"(correlationId|instance|traceId)":"[^"]*"/g, '"$1":"…"'),
    json: response.ok ? JSON.parse(text) : null,
  };
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'b3-compare-'));
  chmodSync(dir, 0o755);
  const { startEmbeddedPostgres, ensureDatabase } = await import(
    path.join(AFTER, 'dist/database/embedded-postgres.js')
  );
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
  });
  const apps = [];
  try {
    const url = await ensureDatabase(embedded.url, 'yinqi');
    const { runMigrations } = await import(path.join(AFTER, 'dist/database/data-source.js'));
    await runMigrations(url);
    const { seedScale, DEFAULT_PASSWORD } = await import(
      path.join(AFTER, 'scripts/seed-scale.mjs')
    );
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { tag } = await seedScale(client, {
      enterprises: Number(process.env.COMPARE_ENTERPRISES ?? 1500),
      requests: Number(process.env.COMPARE_REQUESTS ?? 7500),
      products: 100,
      fundUses: 10,
    });
    // Values the seed does not make: text that needs escaping, a project, nulls and their
    // opposites, two requests at the same millisecond (the id breaks the tie).
    await client.query(`
      UPDATE enterprises SET name = name || ' "引号" \\ 	tab' WHERE credit_code LIKE '%7';
      UPDATE financing_requests SET description = 'line
break "q" ☃', rate_ceiling = 0.0455, close_reason = 'why ''not'''
       WHERE id IN (SELECT id FROM financing_requests ORDER BY id LIMIT 300);
      UPDATE financing_requests r SET created_at = o.created_at
        FROM (SELECT id, created_at, lead(id) OVER (ORDER BY id) AS next
                FROM financing_requests) o
       WHERE r.id = o.next AND o.id::text LIKE '0%';
    `);
    const projects = await client
      .query(
        `
      INSERT INTO projects (enterprise_id, name, region_code, kind, total_investment_fen,
                            planned_investment_fen, status)
      SELECT r.enterprise_id, 'Project "of" ' || r.id, e.region_code, 'new', 100, 50, 'planned'
        FROM financing_requests r JOIN enterprises e ON e.id = r.enterprise_id
       WHERE r.id::text LIKE 'a%'
      RETURNING id, enterprise_id`,
      )
      .catch((error) => {
        log(`no projects added: ${error.message}`);
        return { rows: [] };
      });
    for (const project of projects.rows) {
      await client.query(
        `UPDATE financing_requests SET project_id = $1
          WHERE id = (SELECT id FROM financing_requests WHERE enterprise_id = $2 LIMIT 1)`,
        [project.id, project.enterprise_id],
      );
    }
    const banks = (
      await client.query(`SELECT id FROM banks WHERE name LIKE $1 ORDER BY name`, [
        `Scale bank ${tag} %`,
      ])
    ).rows.map((r) => r.id);
    const enterprises = (
      await client.query(
        `SELECT u.username, u.enterprise_id FROM users u
          WHERE u.role = 'enterprise' AND u.username LIKE $1
            AND EXISTS (SELECT 1 FROM financing_requests r WHERE r.enterprise_id = u.enterprise_id)
          ORDER BY u.username LIMIT 4`,
        [`scale-${tag}-e%`],
      )
    ).rows;
    await client.end();

    const before = await start(BEFORE, url);
    apps.push(before);
    const after = await start(AFTER, url);
    apps.push(after);
    const login = async (username) =>
      (
        await (
          await globalThis.fetch(`${before.base}${API}/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: DEFAULT_PASSWORD }),
          })
        ).json()
      ).accessToken;
    const callers = [
      ['admin', await login(`scale-${tag}-admin`)],
      ['auditor', await login(`scale-${tag}-auditor`)],
      ['president-0', await login(`scale-${tag}-president-0`)],
      ['officer-0', await login(`scale-${tag}-officer-0`)],
      ['officer-3', await login(`scale-${tag}-officer-3`)],
      ...(await Promise.all(enterprises.map(async (e) => [e.username, await login(e.username)]))),
    ];
    const statuses = [undefined, 'submitted', 'dispatched', 'funded', 'withdrawn', 'closed'];
    const queries = [];
    for (const [name, token] of callers) {
      const bankFilters = [undefined, banks[0], banks[3]];
      const enterpriseFilters = [undefined, enterprises[0].enterprise_id];
      for (const status of statuses) {
        for (const bankId of bankFilters) {
          for (const enterpriseId of enterpriseFilters) {
            for (const limit of [undefined, 1, 7, 100]) {
              const params = new URLSearchParams();
              if (status) {
                params.set('status', status);
              }
              if (bankId) {
                params.set('bankId', bankId);
              }
              if (enterpriseId) {
                params.set('enterpriseId', enterpriseId);
              }
              if (limit) {
                params.set('limit', String(limit));
              }
              queries.push({ name, token, params });
            }
          }
        }
      }
      for (const cursor of ['nope', 'WyIyMDI1LTAyLTMwIiwiYSJd', '']) {
        queries.push({ name, token, params: new URLSearchParams({ cursor }) });
      }
    }
    let compared = 0;
    let differing = 0;
    let pages = 0;
    // Walk each query's pages (up to 6) on the old build; ask the new one all of a round's
    // URLs at once, so that reads of many shapes and callers share batches.
    let round = queries.map((q) => ({ ...q, page: 1 }));
    while (round.length > 0) {
      const urls = round.map((q) => `${API}/financing-requests?${q.params}`);
      const olds = [];
      for (let i = 0; i < round.length; i += 1) {
        olds.push(await get(before.base, urls[i], round[i].token));
      }
      const news = [];
      for (let i = 0; i < round.length; i += 60) {
        news.push(
          ...(await Promise.all(
            round.slice(i, i + 60).map((q, j) => get(after.base, urls[i + j], q.token)),
          )),
        );
      }
      const next = [];
      round.forEach((q, i) => {
        compared += 1;
        const [a, b] = [olds[i], news[i]];
        if (a.status !== b.status || a.body !== b.body || a.headers !== b.headers) {
          differing += 1;
          if (differing <= 10) {
            log(
              `DIFF ${q.name} ${urls[i]}\n  old ${a.status} ${a.body.slice(0, 400)}\n  new ${b.status} ${b.body.slice(0, 400)}`,
            );
          }
        }
        if (a.json) {
          pages += 1;
        }
        if (a.json?.nextCursor && q.page < 6) {
          const params = new URLSearchParams(q.params);
          params.set('cursor', a.json.nextCursor);
          next.push({ ...q, params, page: q.page + 1 });
        }
      });
      round = next;
    }
    log(`compared ${compared} responses (${pages} pages of 200), ${differing} differ`);
    process.exitCode = differing === 0 ? 0 : 1;
  } finally {
    apps.forEach((app) => app.stop());
    await sleep(1000);
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(2);
});
