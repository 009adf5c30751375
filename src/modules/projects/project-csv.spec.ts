import { describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '../enterprises/credit-code.js';
import { IMPORT_HEADER, parseImportFile } from './project-csv.js';
import { ProjectKind, ProjectStatus } from './project-rules.js';

const CODE = withCheckCharacter('91220500MA0000001');
const OTHER_CODE = withCheckCharacter('91220500MA0000002');

const line = (fields: Partial<Record<string, string>> = {}): string =>
  [
    fields.credit_code ?? CODE,
    fields.project_name ?? '关东里文化旅游开发项目',
    fields.region_code ?? '220502',
    fields.kind ?? 'new',
    fields.total_investment ?? '300000000',
    fields.planned_investment ?? '80000000.50',
    fields.status ?? 'started',
    fields.started_on ?? '2022-04-15',
    fields.progress_percent ?? '40',
    fields.funding_gap ?? '50000000',
    fields.financing_intent ?? '是',
    fields.notes ?? '',
  ].join(',');

describe('parseImportFile', () => {
  it('reads a documented line into typed values', () => {
    const parsed = parseImportFile(`${IMPORT_HEADER}\n${line()}\n`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.lines).toEqual([
      {
        line: 2,
        creditCode: CODE,
        name: '关东里文化旅游开发项目',
        region: '220502',
        kind: ProjectKind.New,
        totalInvestmentFen: 30_000_000_000n,
        plannedInvestmentFen: 8_000_000_050n,
        status: ProjectStatus.Started,
        startedOn: '2022-04-15',
        progressPercent: '40.00',
        fundingGapFen: 5_000_000_000n,
        financingIntent: true,
        notes: null,
      },
    ]);
  });

  it('accepts Chinese column names and values, a BOM and columns in another order', () => {
    const text =
      '\uFEFF项目名称,统一社会信用代码,区域代码,项目类型,总投资（元）,年度计划投资,状态\n' +
      `通钢3号焦炉改造,${CODE.toLowerCase()},二道江区,续建,1000,10,竣工\n`;
    const parsed = parseImportFile(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.lines[0]).toMatchObject({
      creditCode: CODE,
      name: '通钢3号焦炉改造',
      region: '二道江区',
      kind: ProjectKind.Continuing,
      status: ProjectStatus.Completed,
      // Columns the file leaves out are undefined: an update keeps the stored values.
      startedOn: undefined,
      progressPercent: undefined,
      fundingGapFen: undefined,
      financingIntent: undefined,
      notes: undefined,
    });
  });

  it('reads empty optional cells as the defaults', () => {
    const parsed = parseImportFile(
      `${IMPORT_HEADER}\n${line({ status: 'planned', started_on: '', progress_percent: '', funding_gap: '', financing_intent: '' })}`,
    );
    expect(parsed.lines[0]).toMatchObject({
      startedOn: null,
      progressPercent: '0.00',
      fundingGapFen: 0n,
      financingIntent: false,
      notes: null,
    });
  });

  it('lists every bad value of every line with its line number, in column order', () => {
    const text = [
      IMPORT_HEADER,
      line(),
      line({ project_name: 'b', total_investment: '-5', kind: '扩建' }),
      line({ project_name: 'c', credit_code: 'not-a-code', progress_percent: '120' }),
      line({ project_name: 'd', started_on: '2022-02-30', financing_intent: 'maybe' }),
      line({ project_name: 'e', funding_gap: '1e6', status: 'done' }),
    ].join('\n');
    const parsed = parseImportFile(text);
    expect(parsed.lines).toHaveLength(1);
    expect(parsed.errors).toEqual([
      { field: 'line 3', message: 'kind: "扩建" is not one of new, continuing, 新建, 续建' },
      { field: 'line 3', message: 'total_investment: must not be negative' },
      { field: 'line 4', message: 'credit_code: "not-a-code" is not an 18-character credit code' },
      {
        field: 'line 4',
        message:
          'progress_percent: "120" must be a percentage from 0 to 100 as a string with at most two decimals, e.g. "37.50"',
      },
      { field: 'line 5', message: 'started_on: "2022-02-30" must be a date written YYYY-MM-DD' },
      { field: 'line 5', message: 'financing_intent: "maybe" is not one of 是, 否, true, false' },
      {
        field: 'line 6',
        message:
          'status: "done" is not one of planned, started, completed, suspended, 计划, 开工, 竣工, 停工',
      },
      {
        field: 'line 6',
        message:
          'funding_gap: "1e6" must be an amount in yuan with at most two decimals, e.g. 1500000.00',
      },
    ]);
  });

  it('refuses a repeated (credit code, project name), naming the first line', () => {
    const text = [
      IMPORT_HEADER,
      line(),
      line({ credit_code: OTHER_CODE }),
      line({ credit_code: CODE.toLowerCase(), funding_gap: '1' }),
    ].join('\n');
    expect(parseImportFile(text).errors).toEqual([
      { field: 'line 4', message: 'repeats line 2 (the same credit_code and project_name)' },
    ]);
  });

  it('refuses a line with the wrong number of fields', () => {
    expect(parseImportFile(`${IMPORT_HEADER}\na,b`).errors).toEqual([
      { field: 'line 2', message: 'has 2 fields where the header has 12' },
    ]);
  });

  it('refuses an unknown, repeated or missing column and shows the expected header', () => {
    const parsed = parseImportFile('credit_code,项目名称,project_name,investment\nx,y,z,w');
    expect(parsed.lines).toEqual([]);
    expect(parsed.errors).toEqual([
      { field: 'line 1', message: 'column 3 "project_name" repeats the column project_name' },
      { field: 'line 1', message: 'column 4 "investment" is not a known column' },
      {
        field: 'line 1',
        message:
          'the required columns region_code, kind, total_investment, planned_investment, status are missing',
      },
      { field: 'line 1', message: `the header must be: ${IMPORT_HEADER}` },
    ]);
  });

  it('refuses an empty file and a file with only the header', () => {
    expect(parseImportFile('').errors).toEqual([
      { field: 'file', message: `is empty; the first line must be: ${IMPORT_HEADER}` },
    ]);
    expect(parseImportFile('\uFEFF\n\n').errors[0].field).toBe('file');
    expect(parseImportFile(`${IMPORT_HEADER}\r\n`).errors).toEqual([
      { field: 'file', message: 'has a header but no project lines' },
    ]);
  });

  it('accepts a percent sign, a slash date and amounts with leading zeros', () => {
    const parsed = parseImportFile(
      `${IMPORT_HEADER}\n${line({ progress_percent: '37.5%', started_on: '2022/4/5', total_investment: '0300000000' })}`,
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.lines[0]).toMatchObject({
      progressPercent: '37.50',
      startedOn: '2022-04-05',
      totalInvestmentFen: 30_000_000_000n,
    });
  });
});
