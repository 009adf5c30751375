import { Injectable, Logger } from '@nestjs/common';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { DomainError, FieldError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { byLine, ImportLine, lineError, parseImportFile } from './project-csv.js';
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

const keyOf = (enterpriseId: string, name: string): string => `${enterpriseId}\u0000${name}`;

/**
 * `POST /projects/import`: the city's survey sheet in, all or nothing. Everything is checked
 * before anything is written, inside the transaction that then writes, so the existing rows the
 * checks saw (locked FOR UPDATE) are the ones updated.
 */
@Injectable()
export class ProjectImportService {
  private readonly logger = new Logger(ProjectImportService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
  ) {}

  async import(caller: Caller, body: unknown): Promise<ProjectImportResultDto> {
    if (typeof body !== 'string') {
      throw new DomainError(
        ErrorCode.UnsupportedMediaType,
        'Send the file as the request body with Content-Type: text/csv',
      );
    }
    const parsed = parseImportFile(body);
    if (parsed.lines.length === 0) {
      throw rejected(parsed.errors);
    }
    const actor = actorOf(caller);
    const result = await inTransaction(this.dataSource, async (manager) => {
      const lookups = await this.lookUp(manager, parsed.lines);
      const today = shanghaiBusinessDate();
      // The lines that read well are checked against the database even when others did not,
      // so one answer lists every bad line.
      const errors: FieldError[] = [...parsed.errors];
      const plans: { line: ImportLine; fields: ProjectFields; current?: ProjectEntity }[] = [];
      for (const line of parsed.lines) {
        const planned = this.plan(line, lookups, today);
        if ('errors' in planned) {
          errors.push(...planned.errors);
        } else {
          plans.push({ line, ...planned });
        }
      }
      if (errors.length > 0) {
        throw rejected(errors.sort(byLine));
      }
      return this.write(manager, actor, plans);
    });
    this.logger.log(
      `project import: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
    );
    return result;
  }

  private async lookUp(manager: EntityManager, lines: ImportLine[]): Promise<Lookups> {
    const codes = [...new Set(lines.map((line) => line.creditCode))];
    const enterprises = await manager.query<{ id: string; credit_code: string }[]>(
      'SELECT id, credit_code FROM enterprises WHERE credit_code = ANY($1::text[])',
      [codes],
    );
    const enterpriseByCode = new Map(enterprises.map((row) => [row.credit_code, row.id]));
    const regions = await manager.query<{ code: string; name: string }[]>(
      'SELECT code, name FROM regions',
    );
    const regionByKey = new Map<string, string>();
    for (const region of regions) {
      regionByKey.set(region.code, region.code);
      regionByKey.set(region.name, region.code);
    }
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
    plans: { line: ImportLine; fields: ProjectFields; current?: ProjectEntity }[],
  ): Promise<ProjectImportResultDto> {
    const result = { created: 0, updated: 0, unchanged: 0 };
    for (const { fields, current } of plans) {
      if (current === undefined) {
        await this.projects.insert(manager, actor, fields, SurveySource.Import);
        result.created += 1;
      } else {
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
    await this.audit.record(manager, {
      actor,
      action: 'project.imported',
      entityType: 'project_import',
      entityId: null,
      after: { ...result, lines: plans.length },
    });
    return result;
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
