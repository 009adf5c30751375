import { Injectable } from '@nestjs/common';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { Clock } from '../../common/clock.js';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError, FieldError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { formatFen, parseYuan, toFenFromDb } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { visibleProjects } from './project-access.js';
import {
  checkProjectFacts,
  mayMove,
  normalisePercent,
  ProjectStatus,
  STARTED_STATUSES,
} from './project-rules.js';
import { ProjectEntity } from './project.entity.js';
import {
  CreateProjectDto,
  ListProjectsQueryDto,
  ProjectFiguresDto,
  ProjectResponseDto,
  ProjectSummaryDto,
  ProjectSurveyResponseDto,
  RegionFiguresDto,
  SurveySource,
  toProjectResponse,
  UpdateProjectDto,
} from './projects.dto.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

/** Everything a project is made of, before the database gives it an id and timestamps. */
export type ProjectFields = Omit<ProjectEntity, 'id' | 'createdAt' | 'updatedAt'>;

const isCursorKey = (key: string, position: number): boolean =>
  position === 0 ? isIsoInstant(key) : isUuid(key);

/** The columns a survey (调度) follows; a change to any of them appends a survey row. */
export function surveyedFieldsDiffer(before: ProjectEntity, after: ProjectFields): boolean {
  return (
    before.fundingGapFen !== after.fundingGapFen ||
    before.progressPercent !== after.progressPercent ||
    before.status !== after.status
  );
}

const UPDATABLE: readonly (keyof ProjectFields)[] = [
  'name',
  'regionCode',
  'kind',
  'totalInvestmentFen',
  'plannedInvestmentFen',
  'status',
  'startedOn',
  'progressPercent',
  'fundingGapFen',
  'financingIntent',
  'notes',
];

export function changedFields(before: ProjectEntity, after: ProjectFields): Partial<ProjectFields> {
  const changes: Partial<Record<keyof ProjectFields, unknown>> = {};
  for (const field of UPDATABLE) {
    if (before[field] !== after[field]) {
      changes[field] = after[field];
    }
  }
  return changes as Partial<ProjectFields>;
}

/** A status move the lifecycle table does not allow. */
export function transitionError(from: ProjectStatus, to: ProjectStatus): DomainError {
  return new DomainError(ErrorCode.InvalidTransition, `A ${from} project cannot become ${to}`, {
    extensions: { currentStatus: from },
  });
}

function validationErrors(errors: FieldError[]): DomainError {
  const fields = [...new Set(errors.map((error) => error.field))];
  return new DomainError(ErrorCode.ValidationFailed, `Invalid input: ${fields.join(', ')}`, {
    errors,
  });
}

interface SurveyRow {
  id: string;
  project_id: string;
  surveyed_at: Date;
  surveyed_on: string;
  actor_id: string | null;
  actor_username: string | null;
  source: SurveySource;
  old_funding_gap_fen: string | null;
  new_funding_gap_fen: string;
  old_progress_percent: string | null;
  new_progress_percent: string;
  old_status: ProjectStatus | null;
  new_status: ProjectStatus;
}

function toSurveyResponse(row: SurveyRow): ProjectSurveyResponseDto {
  const oldGap = toFenFromDb(row.old_funding_gap_fen);
  return {
    id: row.id,
    projectId: row.project_id,
    surveyedAt: row.surveyed_at.toISOString(),
    surveyedOn: row.surveyed_on,
    actorId: row.actor_id,
    actorUsername: row.actor_username,
    source: row.source,
    oldFundingGap: oldGap === null ? null : formatFen(oldGap),
    newFundingGap: formatFen(toFenFromDb(row.new_funding_gap_fen)),
    oldProgressPercent: row.old_progress_percent,
    newProgressPercent: row.new_progress_percent,
    oldStatus: row.old_status,
    newStatus: row.new_status,
  };
}

interface FiguresRow {
  region_code: string | null;
  region_name: string | null;
  is_total: number;
  count: number;
  total_investment_fen: string;
  planned_investment_fen: string;
  new_count: number;
  continuing_count: number;
  started_count: number;
  start_rate: string | null;
  funding_gap_fen: string;
  projects_with_gap: number;
  financing_intent_count: number;
}

function toFigures(row: FiguresRow): ProjectFiguresDto {
  return {
    count: row.count,
    totalInvestment: formatFen(toFenFromDb(row.total_investment_fen)),
    plannedInvestment: formatFen(toFenFromDb(row.planned_investment_fen)),
    newCount: row.new_count,
    continuingCount: row.continuing_count,
    startedCount: row.started_count,
    startRate: row.start_rate,
    fundingGap: formatFen(toFenFromDb(row.funding_gap_fen)),
    projectsWithGap: row.projects_with_gap,
    financingIntentCount: row.financing_intent_count,
  };
}

@Injectable()
export class ProjectsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(caller: Caller, dto: CreateProjectDto): Promise<ProjectResponseDto> {
    const enterpriseId = this.ownerFor(caller, dto.enterpriseId);
    const fields: ProjectFields = {
      enterpriseId,
      name: dto.name,
      regionCode: dto.regionCode,
      kind: dto.kind,
      totalInvestmentFen: parseYuan(dto.totalInvestment, 'totalInvestment'),
      plannedInvestmentFen: parseYuan(dto.plannedInvestment, 'plannedInvestment'),
      status: dto.status,
      startedOn: dto.startedOn ?? null,
      progressPercent: this.percent(dto.progressPercent ?? '0'),
      fundingGapFen: parseYuan(dto.fundingGap ?? '0', 'fundingGap'),
      financingIntent: dto.financingIntent ?? false,
      notes: dto.notes ?? null,
    };
    const errors = checkProjectFacts(fields, shanghaiBusinessDate());
    if (errors.length > 0) {
      throw validationErrors(errors);
    }
    const project = await inTransaction(this.dataSource, async (manager) => {
      if (caller.role === Role.Admin) {
        await this.requireEnterprise(manager, enterpriseId);
      }
      return this.insert(manager, actorOf(caller), fields, SurveySource.Create);
    });
    return toProjectResponse(project);
  }

  async get(caller: Caller, id: string): Promise<ProjectResponseDto> {
    const project = await this.findVisible(this.dataSource.manager, caller, id, false);
    return toProjectResponse(project);
  }

  async update(caller: Caller, id: string, dto: UpdateProjectDto): Promise<ProjectResponseDto> {
    const project = await inTransaction(this.dataSource, async (manager) => {
      const current = await this.findVisible(manager, caller, id, true);
      const next: ProjectFields = {
        enterpriseId: current.enterpriseId,
        name: dto.name ?? current.name,
        regionCode: dto.regionCode ?? current.regionCode,
        kind: dto.kind ?? current.kind,
        totalInvestmentFen:
          dto.totalInvestment === undefined
            ? current.totalInvestmentFen
            : parseYuan(dto.totalInvestment, 'totalInvestment'),
        plannedInvestmentFen:
          dto.plannedInvestment === undefined
            ? current.plannedInvestmentFen
            : parseYuan(dto.plannedInvestment, 'plannedInvestment'),
        status: dto.status ?? current.status,
        startedOn: dto.startedOn === undefined ? current.startedOn : dto.startedOn,
        progressPercent:
          dto.progressPercent === undefined
            ? current.progressPercent
            : this.percent(dto.progressPercent),
        fundingGapFen:
          dto.fundingGap === undefined
            ? current.fundingGapFen
            : parseYuan(dto.fundingGap, 'fundingGap'),
        financingIntent: dto.financingIntent ?? current.financingIntent,
        notes: dto.notes === undefined ? current.notes : dto.notes,
      };
      if (!mayMove(current.status, next.status)) {
        throw transitionError(current.status, next.status);
      }
      const errors = checkProjectFacts(next, shanghaiBusinessDate());
      if (errors.length > 0) {
        throw validationErrors(errors);
      }
      return this.apply(manager, actorOf(caller), current, next, SurveySource.Update);
    });
    return toProjectResponse(project);
  }

  /**
   * Inserts a project with its first survey row (old values null) and its audit row, inside the
   * caller's transaction. Shared with the CSV import.
   */
  async insert(
    manager: EntityManager,
    actor: Actor,
    fields: ProjectFields,
    source: SurveySource,
  ): Promise<ProjectEntity> {
    let project: ProjectEntity;
    try {
      // Plain SQL rather than repository.save(): an import inserts thousands of these.
      const [row] = await manager.query<{ id: string; created_at: Date; updated_at: Date }[]>(
        `INSERT INTO projects
           (enterprise_id, name, region_code, kind, total_investment_fen, planned_investment_fen,
            status, started_on, progress_percent, funding_gap_fen, financing_intent, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING id, created_at, updated_at`,
        [
          fields.enterpriseId,
          fields.name,
          fields.regionCode,
          fields.kind,
          fields.totalInvestmentFen.toString(),
          fields.plannedInvestmentFen.toString(),
          fields.status,
          fields.startedOn,
          fields.progressPercent,
          fields.fundingGapFen.toString(),
          fields.financingIntent,
          fields.notes,
        ],
      );
      project = { id: row.id, ...fields, createdAt: row.created_at, updatedAt: row.updated_at };
    } catch (error) {
      throw translateConstraint(error);
    }
    await this.recordSurvey(manager, actor, source, null, project);
    await this.audit.record(manager, {
      actor,
      action: 'project.created',
      entityType: 'project',
      entityId: project.id,
      after: { ...project, source },
    });
    return project;
  }

  /**
   * {@link insert} for many projects at once (the CSV import): one statement inserts the
   * projects, their first survey rows and their audit rows, the same rows `insert` writes one by
   * one. The audit row's `after` is built in SQL from the very texts sent for the columns (and
   * the timestamps as `Date#toJSON` writes them), so it holds what `AuditService.record` would
   * store for `{ ...project, source }`, without a JSON document per project crossing the wire.
   * Returns how many projects were created.
   */
  async insertMany(
    manager: EntityManager,
    actor: Actor,
    many: readonly ProjectFields[],
    source: SurveySource,
  ): Promise<number> {
    if (many.length === 0) {
      return 0;
    }
    const count = many.length;
    const enterpriseIds = new Array<string>(count);
    const names = new Array<string>(count);
    const regionCodes = new Array<string>(count);
    const kinds = new Array<string>(count);
    const totals = new Array<string>(count);
    const planned = new Array<string>(count);
    const statuses = new Array<string>(count);
    const startedOn = new Array<string | null>(count);
    const progress = new Array<string>(count);
    const gaps = new Array<string>(count);
    const intents = new Array<boolean>(count);
    const notes = new Array<string | null>(count);
    many.forEach((fields, index) => {
      enterpriseIds[index] = fields.enterpriseId;
      names[index] = fields.name;
      regionCodes[index] = fields.regionCode;
      kinds[index] = fields.kind;
      totals[index] = fields.totalInvestmentFen.toString();
      planned[index] = fields.plannedInvestmentFen.toString();
      statuses[index] = fields.status;
      startedOn[index] = fields.startedOn;
      progress[index] = fields.progressPercent;
      gaps[index] = fields.fundingGapFen.toString();
      intents[index] = fields.financingIntent;
      notes[index] = fields.notes;
    });
    let rows: { created: number }[];
    try {
      rows = await manager.query(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                                $11::boolean[], $12::text[])
             AS i(enterprise_id, name, region_code, kind, total_investment_fen,
                  planned_investment_fen, status, started_on, progress_percent, funding_gap_fen,
                  financing_intent, notes)
         ), created AS (
           INSERT INTO projects
             (enterprise_id, name, region_code, kind, total_investment_fen, planned_investment_fen,
              status, started_on, progress_percent, funding_gap_fen, financing_intent, notes)
           SELECT enterprise_id::uuid, name, region_code, kind, total_investment_fen::bigint,
                  planned_investment_fen::bigint, status, started_on::date,
                  progress_percent::numeric, funding_gap_fen::bigint, financing_intent, notes
             FROM input
           RETURNING id, enterprise_id, name, created_at, updated_at,
                     funding_gap_fen, progress_percent, status
         ), surveyed AS (
           INSERT INTO project_surveys
             (project_id, surveyed_on, actor_id, source, old_funding_gap_fen, new_funding_gap_fen,
              old_progress_percent, new_progress_percent, old_status, new_status)
           SELECT id, (now() AT TIME ZONE 'Asia/Shanghai')::date, $13, $14, NULL, funding_gap_fen,
                  NULL, progress_percent, NULL, status
             FROM created
         ), audited AS (
           INSERT INTO audit_events
             (actor_id, actor_role, action, entity_type, entity_id, before, after, request_id)
           SELECT $13, $15, 'project.created', 'project', c.id::text, NULL,
                  jsonb_build_object(
                    'id', c.id, 'enterpriseId', i.enterprise_id, 'name', i.name,
                    'regionCode', i.region_code, 'kind', i.kind,
                    'totalInvestmentFen', i.total_investment_fen,
                    'plannedInvestmentFen', i.planned_investment_fen, 'status', i.status,
                    'startedOn', i.started_on, 'progressPercent', i.progress_percent,
                    'fundingGapFen', i.funding_gap_fen, 'financingIntent', i.financing_intent,
                    'notes', i.notes,
                    'createdAt', to_char(c.created_at AT TIME ZONE 'UTC',
                                         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'updatedAt', to_char(c.updated_at AT TIME ZONE 'UTC',
                                         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'source', $14::text),
                  $16
             FROM created c
             JOIN input i ON i.enterprise_id::uuid = c.enterprise_id AND i.name = c.name
         )
         SELECT count(*)::int AS created FROM created`,
        [
          enterpriseIds,
          names,
          regionCodes,
          kinds,
          totals,
          planned,
          statuses,
          startedOn,
          progress,
          gaps,
          intents,
          notes,
          actor.userId,
          source,
          actor.role,
          actor.requestId,
        ],
      );
    } catch (error) {
      throw translateConstraint(error);
    }
    return rows[0].created;
  }

  /**
   * Writes `next` over `current` (locked by the caller) when anything differs: one UPDATE, a
   * survey row when the gap, progress or status moved, and an audit row. Returns `current` as
   * is when nothing changed, so a repeated import or an empty PATCH writes nothing.
   */
  async apply(
    manager: EntityManager,
    actor: Actor,
    current: ProjectEntity,
    next: ProjectFields,
    source: SurveySource,
  ): Promise<ProjectEntity> {
    const changes = changedFields(current, next);
    if (Object.keys(changes).length === 0) {
      return current;
    }
    let updatedAt: Date;
    try {
      const result = await manager
        .createQueryBuilder()
        .update(ProjectEntity)
        .set(changes)
        .where('id = :id', { id: current.id })
        .returning('updated_at')
        .execute();
      updatedAt = (result.raw as { updated_at: Date }[])[0].updated_at;
    } catch (error) {
      throw translateConstraint(error);
    }
    const saved: ProjectEntity = { ...current, ...next, updatedAt };
    if (surveyedFieldsDiffer(current, next)) {
      await this.recordSurvey(manager, actor, source, current, saved);
    }
    await this.audit.record(manager, {
      actor,
      action: 'project.updated',
      entityType: 'project',
      entityId: current.id,
      before: current,
      after: { ...saved, source },
    });
    return saved;
  }

  async surveys(
    caller: Caller,
    projectId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<ProjectSurveyResponseDto>> {
    await this.findVisible(this.dataSource.manager, caller, projectId, false);
    const [surveyedAt, id] =
      cursor === undefined ? [null, null] : decodeCursor(cursor, 2, isCursorKey);
    // project_surveys_project_idx (project_id, surveyed_at DESC, id DESC) serves this exactly.
    const rows = await this.dataSource.query<SurveyRow[]>(
      `SELECT s.id, s.project_id, s.surveyed_at, s.surveyed_on::text AS surveyed_on, s.actor_id,
              u.username AS actor_username, s.source,
              s.old_funding_gap_fen::text AS old_funding_gap_fen,
              s.new_funding_gap_fen::text AS new_funding_gap_fen,
              s.old_progress_percent::text AS old_progress_percent,
              s.new_progress_percent::text AS new_progress_percent,
              s.old_status, s.new_status
         FROM project_surveys s
         LEFT JOIN users u ON u.id = s.actor_id
        WHERE s.project_id = $1
          AND ($2::timestamptz IS NULL OR (s.surveyed_at, s.id) < ($2::timestamptz, $3::uuid))
        ORDER BY s.surveyed_at DESC, s.id DESC
        LIMIT $4`,
      [projectId, surveyedAt, id, limit + 1],
    );
    return toPage(rows, limit, (row) => [row.surveyed_at.toISOString(), row.id], toSurveyResponse);
  }

  /*
   * Indexes behind the list (a city lists a few hundred projects, so each filter narrows an
   * already small set; the keyset order is what must not sort the whole table):
   * - projects_created_idx (created_at DESC, id DESC): the unfiltered admin list and its pages;
   * - projects_with_gap_idx, partial on funding_gap_fen > 0: hasGap=true in list order;
   * - projects_region_status_idx (region_code, status): region and status filters, the summary;
   * - projects_enterprise_name_key (enterprise_id, name): an enterprise user's own projects and
   *   the enterpriseId filter, then a sort of that enterprise's handful of rows.
   * kind and financingIntent are two-valued, so an index on them would not be chosen.
   */
  async list(caller: Caller, query: ListProjectsQueryDto): Promise<Page<ProjectResponseDto>> {
    if (query.enterpriseId !== undefined && !seesEverything(caller)) {
      throw DomainError.validation(
        'enterpriseId',
        'may only be used by administrators and auditors',
      );
    }
    const limit = query.limit ?? 20;
    const scope = visibleProjects(caller, 'project', shanghaiBusinessDate(this.clock.now()));
    const builder = this.dataSource
      .getRepository(ProjectEntity)
      .createQueryBuilder('project')
      .where(scope.sql, scope.params)
      .orderBy('project.created_at', 'DESC')
      .addOrderBy('project.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, isCursorKey);
      builder.andWhere(
        '(project.created_at, project.id) < (:createdAt::timestamptz, :cursorId::uuid)',
        { createdAt, cursorId: id },
      );
    }
    if (query.regionCode !== undefined) {
      builder.andWhere('project.region_code = :regionCode', { regionCode: query.regionCode });
    }
    if (query.status !== undefined) {
      builder.andWhere('project.status = :status', { status: query.status });
    }
    if (query.kind !== undefined) {
      builder.andWhere('project.kind = :kind', { kind: query.kind });
    }
    if (query.hasGap !== undefined) {
      builder.andWhere(
        query.hasGap ? 'project.funding_gap_fen > 0' : 'project.funding_gap_fen = 0',
      );
    }
    if (query.financingIntent !== undefined) {
      builder.andWhere('project.financing_intent = :financingIntent', {
        financingIntent: query.financingIntent,
      });
    }
    if (query.enterpriseId !== undefined) {
      builder.andWhere('project.enterprise_id = :enterpriseId', {
        enterpriseId: query.enterpriseId,
      });
    }
    if (query.q !== undefined && query.q.trim().length > 0) {
      builder.andWhere('project.name ILIKE :q', {
        q: `%${query.q.trim().replace(/[\\%_]/g, (match) => `\\${match}`)}%`,
      });
    }
    const rows = await builder.getMany();
    return toPage(
      rows,
      limit,
      (project) => [project.createdAt.toISOString(), project.id],
      toProjectResponse,
    );
  }

  /**
   * 重点项目 figures by region and in total, computed in SQL (SUM over BIGINT fen is NUMERIC,
   * read as text into bigint). Started (开工) means status started or completed; the start rate
   * (开工率) is started ÷ listed, rounded half-up to 4 decimals (Tonghua: 217 ÷ 220 = 0.9864).
   */
  async summary(regionCode: string | undefined): Promise<ProjectSummaryDto> {
    if (regionCode !== undefined) {
      const [region] = await this.dataSource.query<unknown[]>(
        'SELECT 1 FROM regions WHERE code = $1',
        [regionCode],
      );
      if (region === undefined) {
        throw DomainError.validation('regionCode', 'names no region');
      }
    }
    const rows = await this.dataSource.query<FiguresRow[]>(
      `SELECT r.code AS region_code, r.name AS region_name,
              GROUPING(r.code, r.name, r.sort_order) AS is_total,
              count(p.id)::int AS count,
              COALESCE(sum(p.total_investment_fen), 0)::text AS total_investment_fen,
              COALESCE(sum(p.planned_investment_fen), 0)::text AS planned_investment_fen,
              count(p.id) FILTER (WHERE p.kind = 'new')::int AS new_count,
              count(p.id) FILTER (WHERE p.kind = 'continuing')::int AS continuing_count,
              count(p.id) FILTER (WHERE p.status = ANY($2::text[]))::int AS started_count,
              CASE WHEN count(p.id) = 0 THEN NULL
                   ELSE round(count(p.id) FILTER (WHERE p.status = ANY($2::text[]))::numeric
                              / count(p.id), 4)::text
              END AS start_rate,
              COALESCE(sum(p.funding_gap_fen), 0)::text AS funding_gap_fen,
              count(p.id) FILTER (WHERE p.funding_gap_fen > 0)::int AS projects_with_gap,
              count(p.id) FILTER (WHERE p.financing_intent)::int AS financing_intent_count
         FROM regions r
         LEFT JOIN projects p ON p.region_code = r.code
        WHERE $1::text IS NULL OR r.code = $1
        GROUP BY GROUPING SETS ((r.code, r.name, r.sort_order), ())
        ORDER BY GROUPING(r.code, r.name, r.sort_order), r.sort_order, r.code`,
      [regionCode ?? null, STARTED_STATUSES],
    );
    const total = rows.find((row) => row.is_total !== 0);
    if (total === undefined) {
      throw new Error('the summary query returned no total row');
    }
    return {
      total: toFigures(total),
      byRegion: rows
        .filter((row) => row.is_total === 0)
        .map((row): RegionFiguresDto => ({
          regionCode: row.region_code ?? '',
          regionName: row.region_name ?? '',
          ...toFigures(row),
        })),
    };
  }

  /** The project if the caller may see it (locked for update when asked), else 404. */
  private async findVisible(
    manager: EntityManager,
    caller: Caller,
    id: string,
    lock: boolean,
  ): Promise<ProjectEntity> {
    const scope = visibleProjects(caller, 'project', shanghaiBusinessDate(this.clock.now()));
    const builder = manager
      .getRepository(ProjectEntity)
      .createQueryBuilder('project')
      .where('project.id = :id', { id })
      .andWhere(scope.sql, scope.params);
    if (lock) {
      builder.setLock('pessimistic_write');
    }
    const project = await builder.getOne();
    if (project === null) {
      throw DomainError.notFound('project');
    }
    return project;
  }

  /** The tenant comes from the token: enterprise users own what they create, admins name it. */
  private ownerFor(caller: Caller, requested: string | undefined): string {
    if (caller.role === Role.Enterprise) {
      if (requested !== undefined) {
        throw DomainError.validation(
          'enterpriseId',
          'may not be set by an enterprise user: the project belongs to your own enterprise',
        );
      }
      if (caller.enterpriseId === null) {
        throw DomainError.forbidden('This account belongs to no enterprise');
      }
      return caller.enterpriseId;
    }
    if (requested === undefined) {
      throw DomainError.validation('enterpriseId', 'is required');
    }
    return requested;
  }

  private async requireEnterprise(manager: EntityManager, enterpriseId: string): Promise<void> {
    const [enterprise] = await manager.query<unknown[]>('SELECT 1 FROM enterprises WHERE id = $1', [
      enterpriseId,
    ]);
    if (enterprise === undefined) {
      throw DomainError.validation('enterpriseId', 'names no enterprise');
    }
  }

  private percent(value: string): string {
    const normalised = normalisePercent(value);
    if (normalised === undefined) {
      throw DomainError.validation('progressPercent', 'must be from 0 to 100');
    }
    return normalised;
  }

  /** 调度: appends one survey row, dated by the transaction's clock in Asia/Shanghai. */
  private async recordSurvey(
    manager: EntityManager,
    actor: Actor,
    source: SurveySource,
    before: ProjectEntity | null,
    after: ProjectFields & { id: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO project_surveys
         (project_id, surveyed_on, actor_id, source, old_funding_gap_fen, new_funding_gap_fen,
          old_progress_percent, new_progress_percent, old_status, new_status)
       VALUES ($1, (now() AT TIME ZONE 'Asia/Shanghai')::date, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        after.id,
        actor.userId,
        source,
        before?.fundingGapFen.toString() ?? null,
        after.fundingGapFen.toString(),
        before?.progressPercent ?? null,
        after.progressPercent,
        before?.status ?? null,
        after.status,
      ],
    );
  }
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'projects_enterprise_name_key') {
    return new DomainError(
      ErrorCode.Conflict,
      'The enterprise already has a project of this name',
      {
        errors: [
          { field: 'name', message: 'is already used by another project of the enterprise' },
        ],
      },
    );
  }
  if (code === '23503' && constraint === 'projects_region_code_fkey') {
    return DomainError.validation('regionCode', 'names no region');
  }
  if (code === '23503' && constraint === 'projects_enterprise_id_fkey') {
    return DomainError.validation('enterpriseId', 'names no enterprise');
  }
  return error;
}
