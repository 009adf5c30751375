// Scale data for the bench and the query-plan test: every row is generated inside PostgreSQL
// (INSERT ... SELECT over generate_series), so a million rows cost one statement, not a million
// round trips. Rows follow the schema's invariants (CHECKs, one open match per bank and request,
// terminal states carry their reasons); audit rows arrive unsealed, as the app writes them, and
// the app's sealer chains them.
//
//   npm run seed:scale -- --enterprises 200000 --requests 1000000 --audit 2000000
//
// DATABASE_URL names the database; without it the embedded one in EMBEDDED_PG_DIR is used, as
// `npm start` does. Migrations run first.
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
// The built service's own list (npm run seed:scale builds first), so the seed cannot drift from it.
import { INDUSTRIES } from '../dist/modules/enterprises/enterprise-scale.js';

export const DEFAULT_PASSWORD = 'Scale-seed-password-1';

/** Sizes of the generated world; each `seedScale` run adds one such world under its own tag. */
export function scaleOptions(overrides = {}) {
  const enterprises = overrides.enterprises ?? 20_000;
  const requests = overrides.requests ?? enterprises * 5;
  return {
    enterprises,
    requests,
    banks: overrides.banks ?? 20,
    products: overrides.products ?? 2_000,
    regions: overrides.regions ?? 20,
    audit: overrides.audit ?? requests * 2,
    fundUses: Math.min(
      enterprises,
      overrides.fundUses ?? Math.max(10, Math.floor(enterprises / 20)),
    ),
    password: overrides.password ?? DEFAULT_PASSWORD,
    tag: overrides.tag ?? randomBytes(3).toString('hex').toUpperCase(),
  };
}

const STEPS = [
  [
    'regions',
    // Beyond the seven seeded ones: a province has many county-level units.
    (o) => `
      INSERT INTO regions (code, name, city_code, sort_order)
      SELECT (229000 + i)::text, 'Scale county ' || i, '229000', 100 + i
        FROM generate_series(1, greatest(${o.regions} - 7, 0)) AS i
      ON CONFLICT (code) DO NOTHING;
      CREATE TEMP TABLE seed_regions AS
        SELECT row_number() OVER (ORDER BY code) - 1 AS i, code FROM regions;`,
  ],
  [
    'banks, presidents, officers',
    (o) => `
      CREATE TEMP TABLE seed_banks AS
        SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS president_id,
               gen_random_uuid() AS officer_id
          FROM generate_series(0, ${o.banks} - 1) AS i;
      INSERT INTO banks (id, name, short_name, kind, region_code)
      SELECT b.id, 'Scale bank ${o.tag} ' || b.i, 'SB' || b.i,
             (ARRAY['state_owned','joint_stock','city_commercial','rural','policy','other'])[1 + b.i % 6],
             (SELECT code FROM seed_regions r WHERE r.i = b.i % (SELECT count(*) FROM seed_regions))
        FROM seed_banks b;
      INSERT INTO users (id, username, display_name, password_hash, role, bank_id)
      SELECT president_id, 'scale-${o.tag}-president-' || i, 'President ' || i, :'hash',
             'bank_president', id FROM seed_banks
      UNION ALL
      SELECT officer_id, 'scale-${o.tag}-officer-' || i, 'Officer ' || i, :'hash',
             'bank_officer', id FROM seed_banks;
      INSERT INTO users (username, display_name, password_hash, role)
      -- A second administrator pays out: the disburser is never the approver (four eyes).
      VALUES ('scale-${o.tag}-admin', 'Scale admin', :'hash', 'admin'),
             ('scale-${o.tag}-treasurer', 'Scale treasurer', :'hash', 'admin'),
             ('scale-${o.tag}-auditor', 'Scale auditor', :'hash', 'auditor');
      CREATE TEMP TABLE seed_admin AS
        SELECT id FROM users WHERE username = 'scale-${o.tag}-admin';`,
  ],
  [
    'products',
    (o) => `
      INSERT INTO products (bank_id, name, category, min_amount_fen, max_amount_fen,
                            min_term_months, max_term_months, rate_kind, min_annual_rate,
                            max_annual_rate, eligible_scales, guarantee_types, active, created_at)
      SELECT b.id, 'Scale product ' || p, (ARRAY['credit','mortgage','pledge','guarantee','supply_chain'])[1 + p % 5],
             (10 + p % 50) * 1000000::bigint, (500 + p % 5000) * 1000000::bigint,
             1 + p % 6, 12 + p % 48, 'fixed', 0.030000 + (p % 20) * 0.001, 0.060000 + (p % 20) * 0.001,
             CASE p % 3 WHEN 0 THEN ARRAY['micro','small'] WHEN 1 THEN ARRAY['small','medium']
                        ELSE ARRAY['micro','small','medium','large'] END,
             CASE p % 3 WHEN 0 THEN ARRAY['credit'] WHEN 1 THEN ARRAY['mortgage','guarantee']
                        ELSE ARRAY['credit','pledge','guarantee'] END,
             true, now() - (p % 365) * interval '1 day'
        FROM generate_series(0, ${o.products} - 1) AS p
        JOIN seed_banks b ON b.i = p % ${o.banks};`,
  ],
  [
    'enterprises and their users',
    (o) => `
      CREATE TEMP TABLE seed_enterprises AS
        SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS user_id,
               -- 60 % micro, 25 % small, 12 % medium, 3 % large, as in a city's registry.
               CASE WHEN i % 100 < 60 THEN 'micro' WHEN i % 100 < 85 THEN 'small'
                    WHEN i % 100 < 97 THEN 'medium' ELSE 'large' END AS scale
          FROM generate_series(0, ${o.enterprises} - 1) AS i;
      ALTER TABLE seed_enterprises ADD PRIMARY KEY (i);
      INSERT INTO enterprises (id, name, credit_code, region_code, industry, employees, revenue_fen,
                               assets_fen, scale, scale_standard, tags, created_at)
      SELECT e.id, 'Scale enterprise ${o.tag} ' || e.i, 'S${o.tag}' || lpad(e.i::text, 11, '0'),
             r.code, (ARRAY[${INDUSTRIES.map((name) => `'${name}'`).join(',')}])[1 + e.i % ${INDUSTRIES.length}],
             CASE e.scale WHEN 'micro' THEN 5 WHEN 'small' THEN 80 WHEN 'medium' THEN 500 ELSE 2000 END,
             CASE e.scale WHEN 'micro' THEN 50000000 WHEN 'small' THEN 1000000000
                          WHEN 'medium' THEN 20000000000 ELSE 100000000000 END::bigint,
             CASE e.scale WHEN 'micro' THEN 30000000 WHEN 'small' THEN 800000000
                          WHEN 'medium' THEN 15000000000 ELSE 90000000000 END::bigint,
             e.scale, '2011',
             CASE WHEN e.i % 50 = 0 THEN ARRAY['specialized'] ELSE '{}'::text[] END,
             now() - (e.i % 730) * interval '1 day'
        FROM seed_enterprises e
        JOIN seed_regions r ON r.i = e.i % (SELECT count(*) FROM seed_regions);
      INSERT INTO users (id, username, display_name, password_hash, role, enterprise_id)
      SELECT user_id, 'scale-${o.tag}-e' || i, 'Enterprise ' || i, :'hash', 'enterprise', id
        FROM seed_enterprises;`,
  ],
  [
    'financing requests',
    (o) => `
      CREATE TEMP TABLE seed_requests AS
        SELECT g.i, gen_random_uuid() AS id, e.id AS enterprise_id, e.user_id,
               -- 15 % submitted, 45 % dispatched, 20 % funded, 10 % withdrawn, 10 % closed.
               CASE WHEN g.i % 20 < 3 THEN 'submitted' WHEN g.i % 20 < 12 THEN 'dispatched'
                    WHEN g.i % 20 < 16 THEN 'funded' WHEN g.i % 20 < 18 THEN 'withdrawn'
                    ELSE 'closed' END AS status,
               -- 1 to 4 matches: 55 %, 25 %, 12 %, 8 %.
               CASE WHEN (g.i / 20) % 100 < 55 THEN 1 WHEN (g.i / 20) % 100 < 80 THEN 2
                    WHEN (g.i / 20) % 100 < 92 THEN 3 ELSE 4 END AS match_count,
               (50 + (g.i * 7919) % 5000) * 1000000::bigint AS amount_fen,
               date_trunc('milliseconds', now() - ((g.i * 104729) % 31536000) * interval '1 second') AS created_at
          FROM generate_series(0::bigint, ${o.requests} - 1) AS g (i)
          JOIN seed_enterprises e ON e.i = (g.i * 7) % ${o.enterprises};
      ALTER TABLE seed_requests ADD PRIMARY KEY (i);
      INSERT INTO financing_requests (id, enterprise_id, amount_fen, term_months, purpose,
                                      guarantee_offered, status, created_by, close_reason,
                                      created_at, updated_at)
      SELECT id, enterprise_id, amount_fen, 12 + i % 24,
             (ARRAY['working_capital','fixed_asset','project','other'])[1 + i % 4],
             (ARRAY['credit','mortgage','pledge','guarantee'])[1 + i % 4], status, user_id,
             CASE WHEN status = 'closed' THEN 'no bank could serve it' END, created_at, created_at
        FROM seed_requests;`,
  ],
  [
    'matches',
    // Each request's matches go to distinct banks, so the one-open-match-per-bank index holds;
    // a funded request has exactly one disbursed match, an open one at least one open match.
    // Row by row, the roll-up triggers would cost more than the insert: they are off for the
    // bulk insert and the roll-ups step recomputes them from the raw tables.
    (o) => `
      ALTER TABLE matches DISABLE TRIGGER matches_bank_request_stakes,
                          DISABLE TRIGGER matches_matchmaking_rollups_insert,
                          DISABLE TRIGGER matches_matchmaking_rollups_update,
                          DISABLE TRIGGER matches_record_days_insert,
                          DISABLE TRIGGER matches_record_days_update;
      INSERT INTO matches (request_id, bank_id, product_id, status, president_id, officer_id,
                           dispatched_by, dispatched_at, response_due_at, accepted_at,
                           approved_at, approved_amount_fen, annual_rate, approved_term_months,
                           disbursed_at, disbursed_amount_fen, disbursed_on, contract_no,
                           closed_at, decline_reason_code, decline_reason, recall_reason,
                           escalated_at, created_at, updated_at)
      SELECT m.request_id, b.id, NULL, m.status, b.president_id,
             CASE WHEN m.status IN ('accepted','approved','disbursed') THEN b.officer_id END,
             (SELECT id FROM seed_admin), m.at, m.at + interval '3 days',
             CASE WHEN m.status IN ('accepted','approved','disbursed')
                  THEN m.at + (1 + m.i % 96) * interval '1 hour' END,
             CASE WHEN m.status IN ('approved','disbursed') THEN m.at + interval '5 days' END,
             CASE WHEN m.status IN ('approved','disbursed') THEN m.amount_fen END,
             CASE WHEN m.status IN ('approved','disbursed') THEN 0.0385 END,
             CASE WHEN m.status IN ('approved','disbursed') THEN 12 END,
             CASE WHEN m.status = 'disbursed' THEN m.at + interval '7 days' END,
             CASE WHEN m.status = 'disbursed' THEN m.amount_fen END,
             CASE WHEN m.status = 'disbursed' THEN (m.at + interval '7 days')::date END,
             CASE WHEN m.status = 'disbursed' THEN 'SC-' || m.i || '-' || m.k END,
             CASE WHEN m.status IN ('disbursed','declined','recalled','cancelled')
                  THEN m.at + interval '8 days' END,
             CASE WHEN m.status = 'declined' THEN 'outside_appetite' END,
             CASE WHEN m.status = 'declined' THEN 'outside the bank''s credit policy' END,
             CASE WHEN m.status = 'recalled' THEN 'no answer in time' END,
             -- Breached deadlines are already escalated, as the sweep would have done.
             CASE WHEN m.status = 'dispatched' AND m.at + interval '3 days' < now()
                  THEN m.at + interval '3 days' END,
             m.at, m.at
        FROM (
          SELECT r.i, r.id AS request_id, r.amount_fen, k,
                 r.created_at + (k + 1) * interval '1 hour' AS at,
                 CASE r.status
                   WHEN 'dispatched' THEN CASE WHEN k = 0 THEN 'dispatched'
                     ELSE (ARRAY['dispatched','accepted','approved','declined'])[1 + (r.i + k) % 4] END
                   WHEN 'funded' THEN CASE WHEN k = 0 THEN 'disbursed'
                     ELSE (ARRAY['declined','cancelled'])[1 + (r.i + k) % 2] END
                   WHEN 'withdrawn' THEN 'cancelled'
                   ELSE (ARRAY['declined','recalled'])[1 + (r.i + k) % 2]
                 END AS status
            FROM seed_requests r
           CROSS JOIN LATERAL generate_series(0, r.match_count - 1) AS k
           WHERE r.status <> 'submitted'
        ) m
        -- Hashed, so a bank's share does not depend on the request's state (both derive from i).
        JOIN seed_banks b ON b.i = ((hashint8(m.i) & 2147483647) + m.k * 3) % ${o.banks};`,
  ],
  [
    'roll-ups (inbox stakes, matchmaking figures, bank records)',
    () => `
      ALTER TABLE matches ENABLE TRIGGER matches_bank_request_stakes,
                          ENABLE TRIGGER matches_matchmaking_rollups_insert,
                          ENABLE TRIGGER matches_matchmaking_rollups_update,
                          ENABLE TRIGGER matches_record_days_insert,
                          ENABLE TRIGGER matches_record_days_update;
      SELECT matchmaking_rollups_rebuild();
      SELECT bank_record_days_rebuild();`,
  ],
  [
    'turnover fund and its uses',
    // One fund (capital comes through the API, so the ledger explains every balance) and uses that
    // have not yet touched the ledger: submitted, committed by the bank, approved (a third, ready
    // to pay out), rejected, cancelled. One open use per enterprise, as the unique index demands.
    (o) => `
      INSERT INTO turnover_funds (name, tier_days, tier1_daily_rate, tier2_daily_rate,
                                  overdue_daily_rate, day_count, max_days, per_use_cap_fen,
                                  benchmark_daily_rate, created_by)
      VALUES ('Scale fund ${o.tag}', 10, 0.0001, 0.0002, 0.0005, 'calendar', 30,
              5000000000, 0.004, (SELECT id FROM seed_admin));
      CREATE TEMP TABLE seed_fund AS
        SELECT id FROM turnover_funds WHERE name = 'Scale fund ${o.tag}';
      INSERT INTO turnover_applications (fund_id, enterprise_id, bank_id, status,
             maturing_contract_no, maturing_amount_fen, maturity_date, maturing_loan_kind,
             principal_fen, days, created_by, committed_amount_fen, renewal_term_months,
             committed_by, committed_at, terms_version, terms_tier_days, terms_tier1_daily_rate,
             terms_tier2_daily_rate, terms_overdue_daily_rate, terms_day_count,
             terms_benchmark_daily_rate, terms_commitment_cap_ratio, approved_by, approved_at,
             rejected_by, rejected_at, reject_reason, cancelled_by, cancelled_at)
      SELECT (SELECT id FROM seed_fund), e.id, b.id, u.status, 'MC-${o.tag}-' || u.i,
             100000000, current_date + 10, 'working_capital', 90000000, 10, e.user_id,
             CASE WHEN u.status IN ('bank_committed','approved') THEN 100000000 END,
             CASE WHEN u.status IN ('bank_committed','approved') THEN 12 END,
             CASE WHEN u.status IN ('bank_committed','approved') THEN b.president_id END,
             CASE WHEN u.status IN ('bank_committed','approved') THEN now() END,
             CASE WHEN u.status = 'approved' THEN 1 END,
             CASE WHEN u.status = 'approved' THEN 10 END,
             CASE WHEN u.status = 'approved' THEN 0.0001 END,
             CASE WHEN u.status = 'approved' THEN 0.0002 END,
             CASE WHEN u.status = 'approved' THEN 0.0005 END,
             CASE WHEN u.status = 'approved' THEN 'calendar' END,
             CASE WHEN u.status = 'approved' THEN 0.004 END,
             CASE WHEN u.status = 'approved' THEN 0.95 END,
             CASE WHEN u.status = 'approved' THEN (SELECT id FROM seed_admin) END,
             CASE WHEN u.status = 'approved' THEN now() END,
             CASE WHEN u.status = 'rejected' THEN (SELECT id FROM seed_admin) END,
             CASE WHEN u.status = 'rejected' THEN now() END,
             CASE WHEN u.status = 'rejected' THEN 'documents incomplete' END,
             CASE WHEN u.status = 'cancelled' THEN e.user_id END,
             CASE WHEN u.status = 'cancelled' THEN now() END
        FROM (SELECT i, (ARRAY['submitted','bank_committed','approved','approved','rejected','cancelled'])[1 + i % 6] AS status
                FROM generate_series(0, ${o.fundUses} - 1) AS i) u
        JOIN seed_enterprises e ON e.i = u.i % ${o.enterprises}
        JOIN seed_banks b ON b.i = u.i % ${o.banks};`,
  ],
  [
    'audit events',
    (o) => `
      INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, entity_type, entity_id,
                                before, after, request_id)
      SELECT r.created_at + (a / ${o.requests}) * interval '1 minute', r.user_id, 'enterprise',
             (ARRAY['financing_request.created','request.submitted','match.dispatched','match.accepted'])[1 + (a / ${o.requests}) % 4],
             'financing_request', r.id::text, NULL,
             jsonb_build_object('status', r.status, 'amountFen', r.amount_fen::text), 'seed-' || a
        FROM generate_series(0, ${o.audit} - 1) AS a
        JOIN seed_requests r ON r.i = a % ${o.requests};`,
  ],
];

/** Binds the one psql-style variable the steps use (the shared password hash). */
function bind(sql, hash) {
  return sql.replaceAll(":'hash'", `'${hash.replaceAll("'", "''")}'`);
}

/**
 * Generates one world of the given size on `client` (a connected `pg.Client` on a migrated
 * database). Returns the tag (usernames are `scale-<tag>-admin`, `-president-<n>`,
 * `-officer-<n>`, `-e<n>`) and the seconds each step took.
 */
export async function seedScale(client, overrides = {}, log = () => {}) {
  const options = scaleOptions(overrides);
  // One hash for every seeded account: argon2 is slow on purpose, and these are test accounts.
  const hash = await argon2.hash(options.password, { type: argon2.argon2id });
  const timings = {};
  const started = performance.now();
  // All or nothing: a failed run leaves no half world behind.
  await client.query('BEGIN');
  try {
    for (const [name, build] of STEPS) {
      const stepStart = performance.now();
      await client.query(bind(build(options), hash));
      timings[name] = (performance.now() - stepStart) / 1000;
      log(`${name}: ${timings[name].toFixed(1)} s`);
    }
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  const counts = (
    await client.query(`SELECT
      (SELECT count(*) FROM enterprises)::int AS enterprises,
      (SELECT count(*) FROM financing_requests)::int AS requests,
      (SELECT count(*) FROM matches)::int AS matches,
      (SELECT count(*) FROM audit_events)::int AS audit_events,
      (SELECT count(*) FROM products)::int AS products`)
  ).rows[0];
  await client.query(
    'DROP TABLE seed_regions, seed_banks, seed_admin, seed_enterprises, seed_requests, seed_fund',
  );
  await client.query('COMMIT');
  // Fresh statistics, so the planner sees the new sizes at once (autovacuum would lag).
  const analyzeStart = performance.now();
  await client.query('ANALYZE');
  timings.analyze = (performance.now() - analyzeStart) / 1000;
  return {
    tag: options.tag,
    options: { ...options, password: undefined },
    seconds: (performance.now() - started) / 1000,
    timings,
    counts,
  };
}

function parseArgs(argv) {
  const names = {
    '--enterprises': 'enterprises',
    '--requests': 'requests',
    '--banks': 'banks',
    '--products': 'products',
    '--regions': 'regions',
    '--audit': 'audit',
    '--fund-uses': 'fundUses',
  };
  const options = {};
  for (let index = 0; index < argv.length; index += 2) {
    const key = names[argv[index]];
    const value = Number(argv[index + 1]);
    if (key === undefined || !Number.isInteger(value) || value < 1) {
      throw new Error(
        `usage: seed-scale ${Object.keys(names)
          .map((name) => `[${name} N]`)
          .join(' ')} (got ${argv[index]} ${argv[index + 1]})`,
      );
    }
    options[key] = value;
  }
  if (options.banks !== undefined && options.banks < 10) {
    // A request's k-th match goes to bank (h + 3k) mod banks: distinct for k < 4 from 10 banks.
    throw new Error('--banks must be at least 10 (a request has up to 4 matches, one per bank)');
  }
  return options;
}

/** DATABASE_URL, or the embedded database `npm start` would use (started here, stopped after). */
export async function openDatabase() {
  const { runMigrations } = await import('../dist/database/data-source.js');
  if (process.env.DATABASE_URL) {
    await runMigrations(process.env.DATABASE_URL);
    return { url: process.env.DATABASE_URL, stop: async () => {} };
  }
  const { startEmbeddedPostgres, ensureDatabase } =
    await import('../dist/database/embedded-postgres.js');
  const embedded = await startEmbeddedPostgres({
    dataDir: process.env.EMBEDDED_PG_DIR ?? '.data/pg',
    port: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
  });
  const url = await ensureDatabase(embedded.url, 'yinqi');
  await runMigrations(url);
  return { url, stop: () => embedded.stop() };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const database = await openDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const result = await seedScale(client, options, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(
      `seeded ${JSON.stringify(result.counts)} in ${result.seconds.toFixed(1)} s; ` +
        `accounts scale-${result.tag}-admin / -president-N / -officer-N / -eN, ` +
        `password ${DEFAULT_PASSWORD}\n`,
    );
  } finally {
    await client.end();
    await database.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    process.stderr.write(`seed:scale failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  });
}
