import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { DomainError, FieldError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../../common/config/app-config.js';
import { CsvDocument, CsvReader } from './csv.js';
import { readCsvBody } from './csv-body-parser.js';
import { ImportFileReader, ImportLine, lineError } from './project-csv.js';
import { checkProjectFacts, mayMove } from './project-rules.js';
import { ProjectEntity } from './project.entity.js';
import { ProjectImportResultDto, SurveySource } from './projects.dto.js';
import { ProjectFields, ProjectsService } from './projects.service.js';

/** The API's field names as the file's columns, for messages about a line. */
const COLUMN_OF_FIELD: Readonly<Record<string, string>> = {
  startedOn: 'started_on',
  plannedInvestment: 'planned_investment',
  fundingGap: 'funding_gap',
  totalInvestment: 'total_investment',
};

interface Lookups {
  enterpriseByCode: Map<string, string>;
  regionByKey: Map<string, string>;
  existing: Map<string, ProjectEntity>;
}

interface Plan {
  fields: ProjectFields;
  current?: ProjectEntity;
}

const keyOf = (enterpriseId: string, name: string): string => `${enterpriseId}\u0000${name}`;

/** Lines checked and written together: big enough to make round trips rare, small enough to hold. */
export const IMPORT_BATCH_LINES = 2000;

/**
 * `POST /projects/import`: the city's survey sheet in, all or nothing. The body is read as a
 * stream and handled a batch of lines at a time inside one transaction: each batch is checked
 * against the database (the existing rows it updates locked FOR UPDATE, so what is compared is
 * what gets written) and written. The first bad line stops the writing but not the checking, so
 * one answer lists every bad line; the transaction is then rolled back and nothing is imported.
 */
@Injectable()
export class ProjectImportService {
  private readonly logger = new Logger(ProjectImportService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async import(caller: Caller, body: unknown): Promise<ProjectImportResultDto> {
    // The CSV body parser hands over the request stream; any other type has been parsed already.
    if (!(body instanceof Readable)) {
      throw new DomainError(
        ErrorCode.UnsupportedMediaType,
        'Send the file as the request body with Content-Type: text/csv',
      );
    }
    const actor = actorOf(caller);
    // Not inTransaction(): a retry could not read the body again.
    const result = await this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const regionByKey = await this.regions(manager);
      const today = shanghaiBusinessDate();
      const file = new ImportFileReader();
      const csv = new CsvReader();
      const result = { created: 0, updated: 0, unchanged: 0 };
      let lines = 0;
      let batch: ImportLine[] = [];
      const flush = async (): Promise<void> => {
        const plans = await this.check(manager, batch, regionByKey, today, file);
        lines += batch.length;
        batch = [];
        if (!file.failed) {
          await this.write(manager, actor, plans, result);
        }
      };
      const take = async (document: CsvDocument): Promise<void> => {
        batch.push(...file.read(document));
        if (batch.length >= IMPORT_BATCH_LINES) {
          await flush();
        }
      };
      for await (const text of readCsvBody(body, this.config.env.CSV_IMPORT_LIMIT_BYTES)) {
        await take(csv.push(text));
      }
      await take(csv.end());
      await flush();
      const errors = file.finish();
      if (lines === 0 || errors.length > 0) {
        throw rejected(errors);
      }
      await this.audit.record(manager, {
        actor,
        action: 'project.imported',
        entityType: 'project_import',
        entityId: null,
        after: { ...result, lines },
      });
      return result;
    });
    this.logger.log(
      `project import: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
    );
    return result;
  }

  private async regions(manager: EntityManager): Promise<Map<string, string>> {
    const regions = await manager.query<{ code: string; name: string }[]>(
      'SELECT code, name FROM regions',
    );
    const regionByKey = new Map<string, string>();
    for (const region of regions) {
      regionByKey.set(region.code, region.code);
      regionByKey.set(region.name, region.code);
    }
    return regionByKey;
  }

  /** The plans of the lines of one batch that may be written; the others' errors go to `file`. */
  private async check(
    manager: EntityManager,
    lines: ImportLine[],
    regionByKey: Map<string, string>,
    today: string,
    file: ImportFileReader,
  ): Promise<Plan[]> {
    if (lines.length === 0) {
      return [];
    }
    const lookups = await this.lookUp(manager, lines, regionByKey);
    const plans: Plan[] = [];
    for (const line of lines) {
      const planned = this.plan(line, lookups, today);
      if ('errors' in planned) {
        file.reject(planned.errors);
      } else {
        plans.push(planned);
      }
    }
    return plans;
  }

  private async lookUp(
    manager: EntityManager,
    lines: ImportLine[],
    regionByKey: Map<string, string>,
  ): Promise<Lookups> {
    const codes = [...new Set(lines.map((line) => line.creditCode))];
    const enterprises = await manager.query<{ id: string; credit_code: string }[]>(
      'SELECT id, credit_code FROM enterprises WHERE credit_code = ANY($1::text[])',
      [codes],
    );
    const enterpriseByCode = new Map(enterprises.map((row) => [row.credit_code, row.id]));
    const pairs = lines.flatMap((line) => {
      const enterpriseId = enterpriseByCode.get(line.creditCode);
      return enterpriseId === undefined ? [] : [{ enterpriseId, name: line.name }];
    });
    // Lock the rows the file will update, so what is compared below is what gets written.
    const existing = await manager
      .getRepository(ProjectEntity)
      .createQueryBuilder('project')
      .where(
        `(project.enterprise_id, project.name) IN (
           SELECT * FROM unnest(:enterpriseIds::uuid[], :names::text[]))`,
        {
          enterpriseIds: pairs.map((pair) => pair.enterpriseId),
          names: pairs.map((pair) => pair.name),
        },
      )
      .orderBy('project.id')
      .setLock('pessimistic_write')
      .getMany();
    return {
      enterpriseByCode,
      regionByKey,
      existing: new Map(
        existing.map((project) => [keyOf(project.enterpriseId, project.name), project]),
      ),
    };
  }

  /** The project this line describes, or every reason it cannot be written. */
  private plan(
    line: ImportLine,
    lookups: Lookups,
    today: string,
  ): { fields: ProjectFields; current?: ProjectEntity } | { errors: FieldError[] } {
    const messages: string[] = [];
    const enterpriseId = lookups.enterpriseByCode.get(line.creditCode);
    if (enterpriseId === undefined) {
      messages.push(`credit_code: no enterprise has the credit code ${line.creditCode}`);
    }
    const regionCode = lookups.regionByKey.get(line.region);
    if (regionCode === undefined) {
      messages.push(`region_code: "${line.region}" is not a region code or name`);
    }
    if (enterpriseId === undefined || regionCode === undefined) {
      return { errors: messages.map((message) => lineError(line.line, message)) };
    }
    const current = lookups.existing.get(keyOf(enterpriseId, line.name));
    // A column the file leaves out keeps the stored value, or takes the default for a new one.
    const fields: ProjectFields = {
      enterpriseId,
      name: line.name,
      regionCode,
      kind: line.kind,
      totalInvestmentFen: line.totalInvestmentFen,
      plannedInvestmentFen: line.plannedInvestmentFen,
      status: line.status,
      startedOn: line.startedOn !== undefined ? line.startedOn : (current?.startedOn ?? null),
      progressPercent: line.progressPercent ?? current?.progressPercent ?? '0.00',
      fundingGapFen: line.fundingGapFen ?? current?.fundingGapFen ?? 0n,
      financingIntent: line.financingIntent ?? current?.financingIntent ?? false,
      notes: line.notes !== undefined ? line.notes : (current?.notes ?? null),
    };
    if (current !== undefined && !mayMove(current.status, fields.status)) {
      messages.push(`status: the project is ${current.status} and cannot become ${fields.status}`);
    }
    for (const error of checkProjectFacts(fields, today)) {
      messages.push(`${COLUMN_OF_FIELD[error.field] ?? error.field}: ${error.message}`);
    }
    if (messages.length > 0) {
      return { errors: messages.map((message) => lineError(line.line, message)) };
    }
    return { fields, current };
  }

  private async write(
    manager: EntityManager,
    actor: Actor,
    plans: Plan[],
    result: ProjectImportResultDto,
  ): Promise<void> {
    result.created += await this.projects.insertMany(
      manager,
      actor,
      plans.filter((plan) => plan.current === undefined).map((plan) => plan.fields),
      SurveySource.Import,
    );
    for (const { fields, current } of plans) {
      if (current !== undefined) {
        const saved = await this.projects.apply(
          manager,
          actor,
          current,
          fields,
          SurveySource.Import,
        );
        if (saved === current) {
          result.unchanged += 1;
        } else {
          result.updated += 1;
        }
      }
    }
  }
}

/** The whole file is refused; `errors` lists every bad line ("line N") with its reasons. */
function rejected(errors: FieldError[]): DomainError {
  const lines = new Set(errors.map((error) => error.field)).size;
  return new DomainError(
    ErrorCode.ValidationFailed,
    `The file was not imported: ${lines} line${lines === 1 ? '' : 's'} must be corrected first`,
    { errors },
  );
}
