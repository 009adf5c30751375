import { FieldError } from '../../common/errors/domain-error.js';
import { MONEY_PATTERN, parseYuan } from '../../common/money/money.js';
import { checkCreditCode, normaliseCreditCode } from '../enterprises/credit-code.js';
import { CsvDocument, CsvReader, CsvRecord } from './csv.js';
import {
  isCalendarDate,
  normalisePercent,
  PERCENT_FORMAT_MESSAGE,
  ProjectKind,
  ProjectStatus,
} from './project-rules.js';

/*
 * The key-project import file (重点项目调度表), UTF-8 with or without a byte-order mark, RFC 4180
 * quoting. The documented header, in this order (any order is accepted):
 *
 *   credit_code,project_name,region_code,kind,total_investment,planned_investment,status,started_on,progress_percent,funding_gap,financing_intent,notes
 *
 * Chinese column names are accepted as aliases (see COLUMN_ALIASES), and so are Chinese values
 * (新建/续建, 计划/开工/竣工/停工, 是/否); region_code may also be a region's name (柳河县).
 * Amounts are in yuan, started_on is YYYY-MM-DD (or YYYY/M/D). The first seven columns are
 * required; a file may leave out any of the last five, and then an existing project keeps its
 * value while a new one takes the default. An empty cell in an optional column means the default:
 * no start date, progress 0, no gap, no financing intent (否), no notes.
 */

export const IMPORT_COLUMNS = [
  'credit_code',
  'project_name',
  'region_code',
  'kind',
  'total_investment',
  'planned_investment',
  'status',
  'started_on',
  'progress_percent',
  'funding_gap',
  'financing_intent',
  'notes',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export const IMPORT_HEADER = IMPORT_COLUMNS.join(',');

export const REQUIRED_COLUMNS: readonly ImportColumn[] = IMPORT_COLUMNS.slice(0, 7);

/** Chinese names seen on the city's survey sheets; amounts are in yuan (元). */
export const COLUMN_ALIASES: Readonly<Record<ImportColumn, readonly string[]>> = {
  credit_code: ['统一社会信用代码', '社会信用代码', '信用代码'],
  project_name: ['项目名称'],
  region_code: ['区域代码', '地区代码', '区域', '所在地区'],
  kind: ['项目类型', '建设性质'],
  total_investment: ['总投资', '总投资(元)'],
  planned_investment: ['年度计划投资', '年度计划投资(元)', '计划投资'],
  status: ['状态', '项目状态'],
  started_on: ['开工日期', '开工时间'],
  progress_percent: ['形象进度', '形象进度(%)', '进度'],
  funding_gap: ['资金缺口', '资金缺口(元)'],
  financing_intent: ['融资意向'],
  notes: ['备注'],
};

const KIND_VALUES: Readonly<Record<string, ProjectKind>> = {
  new: ProjectKind.New,
  新建: ProjectKind.New,
  continuing: ProjectKind.Continuing,
  续建: ProjectKind.Continuing,
};

const STATUS_VALUES: Readonly<Record<string, ProjectStatus>> = {
  planned: ProjectStatus.Planned,
  计划: ProjectStatus.Planned,
  未开工: ProjectStatus.Planned,
  started: ProjectStatus.Started,
  开工: ProjectStatus.Started,
  已开工: ProjectStatus.Started,
  在建: ProjectStatus.Started,
  completed: ProjectStatus.Completed,
  竣工: ProjectStatus.Completed,
  已竣工: ProjectStatus.Completed,
  suspended: ProjectStatus.Suspended,
  停工: ProjectStatus.Suspended,
};

const BOOLEAN_VALUES: Readonly<Record<string, boolean>> = {
  是: true,
  有: true,
  true: true,
  yes: true,
  y: true,
  '1': true,
  否: false,
  无: false,
  false: false,
  no: false,
  n: false,
  '0': false,
};

export const MAX_NAME_LENGTH = 200;
export const MAX_NOTES_LENGTH = 2000;

/** Header cells compare without case, blanks, or the difference of full-width brackets. */
function headerKey(cell: string): string {
  return cell.trim().toLowerCase().replaceAll('（', '(').replaceAll('）', ')').replace(/\s+/g, '');
}

const COLUMN_BY_KEY: ReadonlyMap<string, ImportColumn> = new Map(
  IMPORT_COLUMNS.flatMap((column) => [
    [column, column] as const,
    ...COLUMN_ALIASES[column].map((alias) => [headerKey(alias), column] as const),
  ]),
);

/** One data line, syntactically valid; what still needs the database is left as text. */
export interface ImportLine {
  line: number;
  creditCode: string;
  name: string;
  /** A region code or name, resolved against the regions table. */
  region: string;
  kind: ProjectKind;
  totalInvestmentFen: bigint;
  plannedInvestmentFen: bigint;
  status: ProjectStatus;
  /** `undefined` when the file has no such column (keep the stored value). */
  startedOn: string | null | undefined;
  progressPercent: string | undefined;
  fundingGapFen: bigint | undefined;
  financingIntent: boolean | undefined;
  notes: string | null | undefined;
}

export interface ParsedImport {
  lines: ImportLine[];
  /** `field` is "line N" (or "file"), `message` names the column. */
  errors: FieldError[];
}

export function lineError(line: number, message: string): FieldError {
  return { field: `line ${line}`, message };
}

/** Reads and checks everything that needs no database: syntax, header, values, duplicates. */
export function parseImportFile(text: string): ParsedImport {
  const reader = new ImportFileReader();
  const csv = new CsvReader();
  const lines = [...reader.read(csv.push(text)), ...reader.read(csv.end())];
  return { lines, errors: reader.finish() };
}

/**
 * {@link parseImportFile} a piece at a time, for a file read as a stream: `read` takes the CSV
 * records (and syntax errors) of each piece and returns its lines that read well; `finish`
 * returns every error, ordered by line. Only the keys of the lines seen are kept, to find
 * repeats.
 */
export class ImportFileReader {
  private header?: { line: number; width: number; indexOf: ReadonlyMap<ImportColumn, number> };
  /** A bad header makes the file unreadable: its errors are then the whole answer. */
  private headerErrors?: FieldError[];
  private readonly errors: FieldError[] = [];
  private rows = 0;
  private readonly firstLineOfKey = new Map<string, number>();

  /** Whether some error was found already (the file will be refused). */
  get failed(): boolean {
    return this.headerErrors !== undefined || this.errors.length > 0;
  }

  read(document: CsvDocument): ImportLine[] {
    if (this.headerErrors !== undefined) {
      return [];
    }
    this.errors.push(...document.errors.map((error) => lineError(error.line, error.message)));
    const lines: ImportLine[] = [];
    for (const row of document.records) {
      if (this.header === undefined) {
        const columns = readHeader(row.fields);
        if (columns.errors.length > 0) {
          this.headerErrors = [
            ...columns.errors.map((message) => lineError(row.line, message)),
            lineError(row.line, `the header must be: ${IMPORT_HEADER}`),
          ];
          return [];
        }
        this.header = {
          line: row.line,
          width: row.fields.length,
          indexOf: new Map(columns.order.map((column, index) => [column, index])),
        };
        continue;
      }
      this.rows += 1;
      const parsed = this.readRow(row, this.header);
      if (parsed !== undefined) {
        lines.push(parsed);
      }
    }
    return lines;
  }

  /** Adds errors found beyond the file itself (against the database). */
  reject(errors: readonly FieldError[]): void {
    this.errors.push(...errors);
  }

  finish(): FieldError[] {
    if (this.headerErrors !== undefined) {
      return this.headerErrors;
    }
    if (this.header === undefined) {
      if (this.errors.length === 0) {
        this.errors.push({
          field: 'file',
          message: `is empty; the first line must be: ${IMPORT_HEADER}`,
        });
      }
    } else if (this.rows === 0 && this.errors.length === 0) {
      this.errors.push({ field: 'file', message: 'has a header but no project lines' });
    }
    return this.errors.sort(byLine);
  }

  private readRow(
    row: CsvRecord,
    header: { width: number; indexOf: ReadonlyMap<ImportColumn, number> },
  ): ImportLine | undefined {
    if (row.fields.length !== header.width) {
      this.errors.push(
        lineError(row.line, `has ${row.fields.length} fields where the header has ${header.width}`),
      );
      return undefined;
    }
    const parsed = readLine(row.line, row.fields, header.indexOf);
    if ('messages' in parsed) {
      this.errors.push(...parsed.messages.map((message) => lineError(row.line, message)));
      return undefined;
    }
    // JSON text is a string of its own: a key joined with `+` would point into the piece of the
    // body the name was cut from, and so keep the whole file in memory until the end.
    const key = JSON.stringify([parsed.creditCode, parsed.name]);
    const first = this.firstLineOfKey.get(key);
    if (first !== undefined) {
      this.errors.push(
        lineError(row.line, `repeats line ${first} (the same credit_code and project_name)`),
      );
      return undefined;
    }
    this.firstLineOfKey.set(key, row.line);
    return parsed;
  }
}

/** Orders errors by line number (a stable sort keeps each line's messages in column order). */
export function byLine(left: FieldError, right: FieldError): number {
  const lineNumber = (error: FieldError): number =>
    error.field.startsWith('line ') ? Number(error.field.slice(5)) : 0;
  return lineNumber(left) - lineNumber(right);
}

function readHeader(cells: string[]): { order: ImportColumn[]; errors: string[] } {
  const order: ImportColumn[] = [];
  const errors: string[] = [];
  cells.forEach((cell, index) => {
    const column = COLUMN_BY_KEY.get(headerKey(cell));
    if (column === undefined) {
      errors.push(`column ${index + 1} "${cell.trim()}" is not a known column`);
    } else if (order.includes(column)) {
      errors.push(`column ${index + 1} "${cell.trim()}" repeats the column ${column}`);
    } else {
      order.push(column);
    }
  });
  const missing = REQUIRED_COLUMNS.filter((column) => !order.includes(column));
  if (missing.length > 0) {
    errors.push(`the required columns ${missing.join(', ')} are missing`);
  }
  // Without errors every cell named a distinct column, so `order` lines up with the cells.
  return { order, errors };
}

/**
 * One data line: `fields` are its cells, `indexOf` says which cell holds which column (a column
 * the file leaves out has none). Each cell is read once, so no per-line table of cells is built.
 */
function readLine(
  line: number,
  fields: readonly string[],
  indexOf: ReadonlyMap<ImportColumn, number>,
): ImportLine | { messages: string[] } {
  const messages: string[] = [];
  const cell = (column: ImportColumn): string | undefined => {
    const index = indexOf.get(column);
    return index === undefined ? undefined : fields[index].trim();
  };
  const required = (column: ImportColumn): string | undefined => {
    const value = cell(column) ?? '';
    if (value === '') {
      messages.push(`${column}: is required`);
      return undefined;
    }
    return value;
  };
  const mapped = <T>(column: ImportColumn, table: Readonly<Record<string, T>>, allowed: string) => {
    const value = required(column);
    if (value === undefined) {
      return undefined;
    }
    const result = table[value.toLowerCase()];
    if (result === undefined) {
      messages.push(`${column}: "${value}" is not one of ${allowed}`);
    }
    return result;
  };
  const money = (column: ImportColumn, value: string): bigint | undefined => {
    if (/^-\s*\d/.test(value)) {
      messages.push(`${column}: must not be negative`);
      return undefined;
    }
    if (!MONEY_PATTERN.test(value)) {
      messages.push(
        `${column}: "${value}" must be an amount in yuan with at most two decimals, e.g. 1500000.00`,
      );
      return undefined;
    }
    return parseYuan(value, column);
  };
  const optional = cell;

  const rawCode = required('credit_code');
  let creditCode: string | undefined;
  if (rawCode !== undefined) {
    creditCode = normaliseCreditCode(rawCode);
    if (checkCreditCode(creditCode) === 'malformed') {
      messages.push(`credit_code: "${rawCode}" is not an 18-character credit code`);
    }
  }
  const name = required('project_name');
  if (name !== undefined && name.length > MAX_NAME_LENGTH) {
    messages.push(`project_name: must be at most ${MAX_NAME_LENGTH} characters`);
  }
  const region = required('region_code');
  const kind = mapped('kind', KIND_VALUES, 'new, continuing, 新建, 续建');
  const total = required('total_investment');
  const totalInvestmentFen = total === undefined ? undefined : money('total_investment', total);
  const planned = required('planned_investment');
  const plannedInvestmentFen =
    planned === undefined ? undefined : money('planned_investment', planned);
  const status = mapped(
    'status',
    STATUS_VALUES,
    'planned, started, completed, suspended, 计划, 开工, 竣工, 停工',
  );

  let startedOn: string | null | undefined;
  const startedText = optional('started_on');
  if (startedText !== undefined) {
    startedOn = startedText === '' ? null : readDate(startedText);
    if (startedOn === undefined) {
      messages.push(`started_on: "${startedText}" must be a date written YYYY-MM-DD`);
    }
  }
  let progressPercent: string | undefined;
  const progressText = optional('progress_percent');
  if (progressText !== undefined) {
    progressPercent = normalisePercent(
      progressText === '' ? '0' : progressText.replace(/\s*%$/, ''),
    );
    if (progressPercent === undefined) {
      messages.push(`progress_percent: "${progressText}" ${PERCENT_FORMAT_MESSAGE}`);
    }
  }
  let fundingGapFen: bigint | undefined;
  const gapText = optional('funding_gap');
  if (gapText !== undefined) {
    fundingGapFen = gapText === '' ? 0n : money('funding_gap', gapText);
  }
  let financingIntent: boolean | undefined;
  const intentText = optional('financing_intent');
  if (intentText !== undefined) {
    financingIntent = intentText === '' ? false : BOOLEAN_VALUES[intentText.toLowerCase()];
    if (financingIntent === undefined) {
      messages.push(`financing_intent: "${intentText}" is not one of 是, 否, true, false`);
    }
  }
  const notesText = optional('notes');
  const notes = notesText === undefined ? undefined : notesText === '' ? null : notesText;
  if (notes != null && notes.length > MAX_NOTES_LENGTH) {
    messages.push(`notes: must be at most ${MAX_NOTES_LENGTH} characters`);
  }

  if (
    messages.length > 0 ||
    creditCode === undefined ||
    name === undefined ||
    region === undefined ||
    kind === undefined ||
    totalInvestmentFen === undefined ||
    plannedInvestmentFen === undefined ||
    status === undefined
  ) {
    return { messages };
  }
  return {
    line,
    creditCode,
    name,
    region,
    kind,
    totalInvestmentFen,
    plannedInvestmentFen,
    status,
    startedOn,
    progressPercent,
    fundingGapFen,
    financingIntent,
    notes,
  };
}

/** YYYY-MM-DD, also the YYYY/M/D spreadsheets write; undefined when not a real date. */
function readDate(value: string): string | undefined {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value);
  if (match === null) {
    return undefined;
  }
  const date = `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
  return isCalendarDate(date) ? date : undefined;
}
