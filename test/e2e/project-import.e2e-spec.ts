import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { Role } from '../../src/common/auth/role.js';
import { csvLine } from '../../src/modules/projects/csv.js';
import { AuditReader } from '../../src/modules/audit/audit-reader.service.js';
import { AuditSealer } from '../../src/modules/audit/audit-sealer.service.js';
import { IMPORT_BATCH_LINES } from '../../src/modules/projects/project-import.service.js';
import { IMPORT_HEADER } from '../../src/modules/projects/project-csv.js';
import { ProjectEntity } from '../../src/modules/projects/project.entity.js';
import {
  bearer,
  createTestApp,
  insertEnterprise,
  insertUser,
  login,
  randomCreditCode,
  Session,
  TestApp,
} from '../support/app.js';

const API = '/api/v1';
const REGIONS = ['220502', '220503', '220521', '220523', '220524', '220581', '220582'];
const PROJECT_NAMES = [
  '通钢3号焦炉异地等量置换节能升级改造项目',
  '关东里文化旅游开发项目',
  '年产30万吨新能源负极材料工序项目',
  '年产16万吨大规格超高功率石墨电极项目',
  '年产5万吨石墨质坩埚项目',
  '汇能生物质热电联产项目',
  '爱琴海城市广场',
  '金田大数据产业园项目',
  '通化现代农业产业园建设项目',
  '肉牛养殖项目',
];

type Row = Record<
  | 'credit_code'
  | 'project_name'
  | 'region_code'
  | 'kind'
  | 'total_investment'
  | 'planned_investment'
  | 'status'
  | 'started_on'
  | 'progress_percent'
  | 'funding_gap'
  | 'financing_intent'
  | 'notes',
  string
>;

const COLUMNS = IMPORT_HEADER.split(',') as (keyof Row)[];

/** The file line of a generated row: the header is line 1, and row 8's notes span two lines. */
const lineOf = (index: number): string => `line ${index + 2 + (index > 7 ? 1 : 0)}`;

function toCsv(rows: Row[], header = IMPORT_HEADER): string {
  return `${[header, ...rows.map((row) => csvLine(COLUMNS.map((column) => row[column])))].join('\r\n')}\r\n`;
}

/** Splits `totalFen` over `count` rows: equal shares, the remainder on the last row. */
function shares(totalFen: bigint, count: number): string[] {
  const share = totalFen / BigInt(count);
  return Array.from({ length: count }, (_, index) => {
    const fen = index === count - 1 ? totalFen - share * BigInt(count - 1) : share;
    return `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;
  });
}

/**
 * The city's list as the report gives it: 220 projects, total investment 1027亿, planned this year
 * 216.6亿, 93 new and 127 continuing, 217 started (开工率 98.6%).
 */
function tonghuaRows(creditCodes: string[]): Row[] {
  const totals = shares(102_700_000_000_00n, 220);
  const planned = shares(21_660_000_000_00n, 220);
  return Array.from({ length: 220 }, (_, index) => {
    const started = index >= 3;
    return {
      credit_code: creditCodes[index % creditCodes.length],
      project_name: `${PROJECT_NAMES[index % PROJECT_NAMES.length]}（${index + 1}）`,
      region_code: REGIONS[index % REGIONS.length],
      kind: index < 93 ? 'new' : 'continuing',
      total_investment: totals[index],
      planned_investment: planned[index],
      status: started ? (index % 20 === 0 ? 'completed' : 'started') : 'planned',
      started_on: started ? '2022-04-15' : '',
      progress_percent: started ? String(index % 100) : '0',
      funding_gap: index % 4 === 0 ? '30000000.00' : '0',
      financing_intent: index % 4 === 0 ? 'true' : 'false',
      notes: index === 7 ? '地下基础部分已经全部完成, 正在开展"内部施工"\n预计9月下旬完成' : '',
    };
  });
}

describe('key-project CSV import', () => {
  let testApp: TestApp;
  let admin: Session;
  let enterpriseUser: Session;
  let creditCodes: string[];
  let rows: Row[];

  const importCsv = (body: string | Buffer, session: Session = admin, type = 'text/csv') =>
    testApp
      .http()
      .post(`${API}/projects/import`)
      .set(...bearer(session))
      .set('content-type', type)
      .send(body);

  const counts = async () =>
    (
      await testApp.dataSource.query<{ projects: number; surveys: number; audits: number }[]>(
        `SELECT (SELECT count(*)::int FROM projects) AS projects,
                (SELECT count(*)::int FROM project_surveys) AS surveys,
                (SELECT count(*)::int FROM audit_events WHERE entity_type LIKE 'project%') AS audits`,
      )
    )[0];

  /**
   * Checks that each project named has exactly one `project.created` audit row, by the admin,
   * whose `after` is the project as stored with `source: 'import'`, in the JSON the audit
   * service writes for it (bigint fen and timestamps as strings).
   */
  const expectCreationAudited = async (names: string[]) => {
    const projects = await testApp.dataSource
      .getRepository(ProjectEntity)
      .createQueryBuilder('project')
      .where('project.name = ANY(:names)', { names })
      .getMany();
    expect(projects).toHaveLength(names.length);
    const audits = await testApp.dataSource.query<
      { entity_id: string; actor_role: string; request_id: string | null; after: unknown }[]
    >(
      `SELECT entity_id, actor_role, request_id, after FROM audit_events
        WHERE action = 'project.created' AND entity_id = ANY($1::text[])`,
      [projects.map((project) => project.id)],
    );
    expect(audits).toHaveLength(projects.length);
    const auditOf = new Map(audits.map((audit) => [audit.entity_id, audit]));
    for (const project of projects) {
      const audit = auditOf.get(project.id);
      expect(audit).toMatchObject({ actor_role: 'admin', request_id: expect.any(String) });
      expect(audit?.after).toEqual(
        JSON.parse(
          JSON.stringify({ ...project, source: 'import' }, (_key, value: unknown) =>
            typeof value === 'bigint' ? value.toString() : value,
          ),
        ),
      );
    }
  };

  /** Sends a broken file and checks it is refused whole, listing exactly `expected`. */
  const expectRejected = async (
    body: string,
    expected: { field: string; message: string | ReturnType<typeof expect.stringMatching> }[],
  ) => {
    const before = await counts();
    const response = await importCsv(body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toEqual(expected);
    expect(await counts()).toEqual(before);
  };

  beforeAll(async () => {
    // A small limit of its own, so the tests of the limit send 2 MiB rather than the default 64.
    testApp = await createTestApp({ CSV_IMPORT_LIMIT_BYTES: String(2 * 1024 * 1024) });
    const ids: string[] = [];
    for (let index = 0; index < 22; index += 1) {
      ids.push(
        await insertEnterprise(testApp.dataSource, `通化重点项目业主${index + 1}`, {
          regionCode: REGIONS[index % REGIONS.length],
        }),
      );
    }
    const found = await testApp.dataSource.query<{ credit_code: string }[]>(
      'SELECT credit_code FROM enterprises WHERE id = ANY($1::uuid[]) ORDER BY name',
      [ids],
    );
    creditCodes = found.map((row) => row.credit_code);
    rows = tonghuaRows(creditCodes);
    await insertUser(testApp.dataSource, { username: 'admin1', role: Role.Admin });
    await insertUser(testApp.dataSource, {
      username: 'owner1',
      role: Role.Enterprise,
      enterpriseId: ids[0],
    });
    admin = await login(testApp, 'admin1');
    enterpriseUser = await login(testApp, 'owner1');
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('imports the 220-row list and the summary reproduces the city’s figures', async () => {
    const response = await importCsv(toCsv(rows));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ created: 220, updated: 0, unchanged: 0 });
    const after = await counts();
    // One project, one first survey and one audit row per line, plus the import's own audit row.
    expect(after).toEqual({ projects: 220, surveys: 220, audits: 221 });
    const sources = await testApp.dataSource.query<{ source: string; count: number }[]>(
      'SELECT source, count(*)::int AS count FROM project_surveys GROUP BY source',
    );
    expect(sources).toEqual([{ source: 'import', count: 220 }]);

    const summary = await testApp
      .http()
      .get(`${API}/projects/summary`)
      .set(...bearer(admin));
    expect(summary.body.total).toEqual({
      count: 220,
      totalInvestment: '102700000000.00',
      plannedInvestment: '21660000000.00',
      newCount: 93,
      continuingCount: 127,
      startedCount: 217,
      startRate: '0.9864',
      fundingGap: '1650000000.00',
      projectsWithGap: 55,
      financingIntentCount: 55,
    });
  });

  it('writes one audit row per created project, holding the project as created', async () => {
    await expectCreationAudited(rows.map((row) => row.project_name));
  });

  it('stores quoted notes with commas, quotes and a line break exactly', async () => {
    const [row] = await testApp.dataSource.query<{ notes: string }[]>(
      'SELECT notes FROM projects WHERE name = $1',
      [rows[7].project_name],
    );
    expect(row.notes).toBe('地下基础部分已经全部完成, 正在开展"内部施工"\n预计9月下旬完成');
  });

  it('reports every line unchanged when the same file comes again, and writes nothing', async () => {
    const before = await counts();
    const response = await importCsv(toCsv(rows));
    expect(response.body).toEqual({ created: 0, updated: 0, unchanged: 220 });
    // Only the import's own audit row.
    expect(await counts()).toEqual({ ...before, audits: before.audits + 1 });
  });

  it('updates changed lines, with survey rows only where gap, progress or status moved', async () => {
    const before = await counts();
    const modified = rows.map((row) => ({ ...row }));
    modified[10].funding_gap = '12345678.90'; // gap
    modified[11].progress_percent = '99.5'; // progress
    modified[12].status = 'suspended'; // status
    modified[13].notes = '更新备注'; // notes only: no survey
    modified[14].total_investment = '470000000.00'; // investment only: no survey
    const response = await importCsv(toCsv(modified));
    expect(response.body).toEqual({ created: 0, updated: 5, unchanged: 215 });
    expect(await counts()).toEqual({
      projects: 220,
      surveys: before.surveys + 3,
      audits: before.audits + 5 + 1,
    });
    const [survey] = await testApp.dataSource.query<Record<string, string>[]>(
      `SELECT s.source, s.old_funding_gap_fen::text AS old_gap, s.new_funding_gap_fen::text AS new_gap
         FROM project_surveys s JOIN projects p ON p.id = s.project_id
        WHERE p.name = $1 ORDER BY s.surveyed_at DESC LIMIT 1`,
      [rows[10].project_name],
    );
    expect(survey).toEqual({ source: 'import', old_gap: '0', new_gap: '1234567890' });
    rows = modified;
  });

  it('creates new lines and updates old ones in the same file', async () => {
    const extra: Row = { ...rows[0], project_name: '新增项目', funding_gap: '1.00' };
    const changed = rows.map((row) => ({ ...row }));
    changed[20].funding_gap = '1000.00';
    const response = await importCsv(toCsv([...changed, extra]));
    expect(response.body).toEqual({ created: 1, updated: 1, unchanged: 219 });
    rows = changed;
  });

  it('accepts a BOM, Chinese column names and Chinese values, in another column order', async () => {
    const code = creditCodes[3];
    const text =
      '\uFEFF项目名称,统一社会信用代码,区域代码,项目类型,总投资,年度计划投资,状态,开工日期,形象进度,资金缺口,融资意向,备注\r\n' +
      `"集安福海葡萄酒庄扩建项目",${code},集安市,续建,80000000,20000000,开工,2023/5/8,35%,15000000,是,"含""引号"", 逗号"\r\n` +
      `梅河口物流园,${code.toLowerCase()},220581,新建,60000000,60000000,计划,,,,否,\r\n`;
    const response = await importCsv(text);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const stored = await testApp.dataSource.query<Record<string, unknown>[]>(
      `SELECT name, region_code, kind, status, started_on::text AS started_on,
              progress_percent::text AS progress, funding_gap_fen::text AS gap, financing_intent, notes
         FROM projects WHERE name IN ('集安福海葡萄酒庄扩建项目', '梅河口物流园') ORDER BY name`,
    );
    expect(stored).toEqual([
      {
        name: '梅河口物流园',
        region_code: '220581',
        kind: 'new',
        status: 'planned',
        started_on: null,
        progress: '0.00',
        gap: '0',
        financing_intent: false,
        notes: null,
      },
      {
        name: '集安福海葡萄酒庄扩建项目',
        region_code: '220582',
        kind: 'continuing',
        status: 'started',
        started_on: '2023-05-08',
        progress: '35.00',
        gap: '1500000000',
        financing_intent: true,
        notes: '含"引号", 逗号',
      },
    ]);
  });

  it('keeps the stored values of columns a file leaves out', async () => {
    const target = rows[30];
    const text =
      'credit_code,project_name,region_code,kind,total_investment,planned_investment,status\n' +
      `${target.credit_code},${target.project_name},${target.region_code},${target.kind},` +
      `${target.total_investment},${target.planned_investment},${target.status}\n`;
    const response = await importCsv(text);
    expect(response.body).toEqual({ created: 0, updated: 0, unchanged: 1 });
  });

  describe('refuses a broken file whole, listing every bad line', () => {
    it('refuses unknown and malformed credit codes', async () => {
      const unknown = randomCreditCode();
      const broken = rows.slice(0, 6).map((row) => ({ ...row }));
      broken[1].credit_code = unknown;
      broken[4].credit_code = 'ABC';
      await expectRejected(toCsv(broken), [
        { field: 'line 3', message: `credit_code: no enterprise has the credit code ${unknown}` },
        { field: 'line 6', message: 'credit_code: "ABC" is not an 18-character credit code' },
      ]);
    });

    it('refuses negative and malformed amounts', async () => {
      const broken = rows.slice(0, 5).map((row) => ({ ...row }));
      broken[0].funding_gap = '-100.00';
      broken[2].total_investment = '-1';
      broken[3].planned_investment = '1,000';
      await expectRejected(toCsv(broken), [
        { field: 'line 2', message: 'funding_gap: must not be negative' },
        { field: 'line 4', message: 'total_investment: must not be negative' },
        {
          field: 'line 5',
          message:
            'planned_investment: "1,000" must be an amount in yuan with at most two decimals, e.g. 1500000.00',
        },
      ]);
    });

    it('refuses an unknown region', async () => {
      const broken = rows.slice(0, 3).map((row) => ({ ...row }));
      broken[2].region_code = '110101';
      await expectRejected(toCsv(broken), [
        { field: 'line 4', message: 'region_code: "110101" is not a region code or name' },
      ]);
    });

    it('refuses duplicate (credit code, project name) lines', async () => {
      const broken = [...rows.slice(0, 4), { ...rows[1], funding_gap: '5.00' }, rows[3]];
      await expectRejected(toCsv(broken), [
        { field: 'line 6', message: 'repeats line 3 (the same credit_code and project_name)' },
        { field: 'line 7', message: 'repeats line 5 (the same credit_code and project_name)' },
      ]);
    });

    it('refuses a wrong header', async () => {
      await expectRejected(toCsv(rows.slice(0, 2), IMPORT_HEADER.replace('funding_gap', 'gap')), [
        { field: 'line 1', message: 'column 10 "gap" is not a known column' },
        { field: 'line 1', message: `the header must be: ${IMPORT_HEADER}` },
      ]);
      await expectRejected('project_name,status\nx,started\n', [
        {
          field: 'line 1',
          message:
            'the required columns credit_code, region_code, kind, total_investment, planned_investment are missing',
        },
        { field: 'line 1', message: `the header must be: ${IMPORT_HEADER}` },
      ]);
    });

    it('refuses an empty file and a file with only its header', async () => {
      await expectRejected('', [
        { field: 'file', message: `is empty; the first line must be: ${IMPORT_HEADER}` },
      ]);
      await expectRejected('\uFEFF\r\n', [
        { field: 'file', message: `is empty; the first line must be: ${IMPORT_HEADER}` },
      ]);
      await expectRejected(`${IMPORT_HEADER}\r\n`, [
        { field: 'file', message: 'has a header but no project lines' },
      ]);
    });

    it('refuses a line that breaks a rule against the stored project or across its fields', async () => {
      const broken = rows.slice(0, 40).map((row) => ({ ...row }));
      const completed = broken.findIndex((row) => row.status === 'completed');
      broken[completed].status = 'planned';
      broken[completed].started_on = '';
      broken[5].started_on = '';
      broken[6].planned_investment = '999999999999.00';
      await expectRejected(toCsv(broken), [
        { field: 'line 7', message: 'started_on: is required when the status is started' },
        { field: 'line 8', message: 'planned_investment: must not exceed totalInvestment' },
        {
          field: lineOf(completed),
          message: 'status: the project is completed and cannot become planned',
        },
      ]);
    });

    it('lists the bad lines of a 220-line file with several faults, and writes nothing', async () => {
      const broken = rows.map((row) => ({ ...row }));
      broken[49].region_code = '999999';
      broken[99].kind = '扩建';
      broken[199].funding_gap = '-3';
      const response = await importCsv(toCsv(broken));
      expect(response.status).toBe(400);
      expect(response.body.detail).toBe(
        'The file was not imported: 3 lines must be corrected first',
      );
      expect(response.body.errors).toEqual([
        { field: lineOf(49), message: 'region_code: "999999" is not a region code or name' },
        { field: lineOf(99), message: 'kind: "扩建" is not one of new, continuing, 新建, 续建' },
        { field: lineOf(199), message: 'funding_gap: must not be negative' },
      ]);
    });

    it('refuses a body over 2 MiB with 413', async () => {
      const before = await counts();
      const filler = `${csvLine(COLUMNS.map((column) => rows[0][column]))}\n`;
      const big = `${IMPORT_HEADER}\n${filler.repeat(Math.ceil((2 * 1024 * 1024) / filler.length) + 10)}`;
      expect(Buffer.byteLength(big)).toBeGreaterThan(2 * 1024 * 1024);
      const response = await importCsv(big);
      expect(response.status).toBe(413);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        detail: 'The CSV file is larger than 2 MiB',
      });
      expect(await counts()).toEqual(before);
    });

    it('refuses a streamed body over 2 MiB that declares no length with 413', async () => {
      const before = await counts();
      const server = testApp.app.getHttpServer();
      if (!server.listening) {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      }
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `${API}/projects/import`,
            headers: { ...Object.fromEntries([bearer(admin)]), 'content-type': 'text/csv' },
          },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on('error', reject);
        // No content-length: Node sends the body chunked, so only counting can stop it.
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const writeMore = (): void => {
          while (sent <= 2 * 1024 * 1024 + chunk.length) {
            sent += chunk.length;
            if (!request.write(chunk)) {
              request.once('drain', writeMore);
              return;
            }
          }
          request.end();
        };
        writeMore();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(await counts()).toEqual(before);
    });

    it('refuses a file that is not UTF-8', async () => {
      // "项目" in GBK.
      const gbk = Buffer.concat([
        Buffer.from(`${IMPORT_HEADER}\n${csvLine(COLUMNS.map((column) => rows[0][column]))}`),
        Buffer.from([0xcf, 0xee, 0xc4, 0xbf]),
      ]);
      const response = await importCsv(gbk);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          field: 'file',
          message: 'is not valid UTF-8; save the sheet as "CSV UTF-8" and send it again',
        },
      ]);
    });
  });

  it('takes a file over 64 KiB, the limit for JSON bodies', async () => {
    const many = rows.map((row) => ({ ...row, notes: '备注'.repeat(60) }));
    const text = toCsv(many);
    expect(Buffer.byteLength(text)).toBeGreaterThan(64 * 1024);
    const response = await importCsv(text);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ created: 0, updated: 220, unchanged: 0 });
    rows = many;
  });

  describe('a file of more than one batch', () => {
    const lineCount = IMPORT_BATCH_LINES + 7;
    const header =
      'credit_code,project_name,region_code,kind,total_investment,planned_investment,status';
    const manyLines = (lastRegion: string): { text: string; names: string[] } => {
      const names = Array.from({ length: lineCount }, (_, index) => `分批导入项目${index + 1}`);
      const lines = names.map((name, index) =>
        csvLine([
          creditCodes[index % creditCodes.length],
          name,
          index === lineCount - 1 ? lastRegion : REGIONS[index % REGIONS.length],
          index % 2 === 0 ? 'new' : '续建',
          `${1_000_000 + index}.25`,
          '100000.00',
          // Without a started_on column every line must be planned.
          index % 2 === 0 ? 'planned' : '计划',
        ]),
      );
      return { text: `${[header, ...lines].join('\n')}\n`, names };
    };

    it('refuses the whole file for a bad line in its last batch: the batches written before it are rolled back', async () => {
      const before = await counts();
      const response = await importCsv(manyLines('110101').text);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          field: `line ${lineCount + 1}`,
          message: 'region_code: "110101" is not a region code or name',
        },
      ]);
      expect(await counts()).toEqual(before);
    }, 120_000);

    it('imports it whole, each project with its first survey, its audit row and the defaults of the columns left out', async () => {
      const before = await counts();
      const { text, names } = manyLines(REGIONS[0]);
      const response = await importCsv(text);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ created: lineCount, updated: 0, unchanged: 0 });
      expect(await counts()).toEqual({
        projects: before.projects + lineCount,
        surveys: before.surveys + lineCount,
        audits: before.audits + lineCount + 1,
      });
      await expectCreationAudited(names);
      const [defaults] = await testApp.dataSource.query<Record<string, unknown>[]>(
        `SELECT started_on, progress_percent, funding_gap_fen::text AS gap, financing_intent, notes
           FROM projects WHERE name = $1`,
        [names[1]],
      );
      expect(defaults).toEqual({
        started_on: null,
        progress_percent: '0.00',
        gap: '0',
        financing_intent: false,
        notes: null,
      });
      // The rows written in SQL hash and chain like any other.
      await testApp.app.get(AuditSealer).seal({ wait: true });
      expect(await testApp.app.get(AuditReader).verify()).toMatchObject({ ok: true });
    }, 120_000);
  });

  it('accepts CSV only on the import route, and the import only as CSV', async () => {
    const elsewhere = await testApp
      .http()
      .post(`${API}/projects`)
      .set(...bearer(admin))
      .set('content-type', 'text/csv')
      .send('name\nx\n');
    expect(elsewhere.status).toBe(415);
    const asJson = await importCsv(
      JSON.stringify({ csv: toCsv(rows.slice(0, 3)) }),
      admin,
      'application/json',
    );
    expect(asJson.status).toBe(415);
    expect(asJson.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts a charset parameter on the content type', async () => {
    const response = await importCsv(toCsv(rows.slice(0, 3)), admin, 'text/csv; charset=utf-8');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ created: 0, updated: 0, unchanged: 3 });
  });

  it('lets only administrators import (403)', async () => {
    const before = await counts();
    const response = await importCsv(toCsv(rows.slice(0, 2)), enterpriseUser);
    expect(response.status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});
