import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { parseYuan } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { Clock } from '../../common/clock.js';
import { servedByCaller } from '../commissioners/commissioner-access.js';
import { CREDIT_CODE_FORMAT_MESSAGE } from './credit-code.decorator.js';
import { checkCreditCode, normaliseCreditCode } from './credit-code.js';
import { classifyScale } from './enterprise-scale.js';
import { ENTERPRISE_TAGS, EnterpriseEntity, type EnterpriseTag } from './enterprise.entity.js';
import {
  ADMIN_ONLY_FIELDS,
  CreateEnterpriseDto,
  EnterpriseProfileDto,
  EnterpriseResponseDto,
  ListEnterprisesQueryDto,
  toEnterpriseResponse,
  UpdateEnterpriseDto,
} from './enterprises.dto.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

const ENTITY_TYPE = 'enterprise';

/** What a new enterprise is made of, from an administrator or a self-registration. */
export interface NewEnterprise extends EnterpriseProfileDto {
  creditCodeOverrideReason?: string;
  tags?: EnterpriseTag[];
  verified?: boolean;
}

export interface InsertOptions {
  /** `enterprise.created` (by an administrator) or `enterprise.registered` (self-service). */
  action: string;
  /** Only administrators may admit a credit code that fails its check character. */
  mayOverrideCreditCode: boolean;
}

interface SqlCondition {
  sql: string;
  parameters: Record<string, unknown>;
}

/**
 * Which enterprises bank staff may see: those their bank holds or held a match for (any state:
 * a bank keeps seeing the profile behind a case it declined), and those the caller serves today
 * as their commissioner (金融服务专员; access ends with the assignment). Every read below
 * follows. Turnover applications will widen this condition once they exist.
 */
function bankStakeCondition(caller: Caller, today: string): SqlCondition {
  if (caller.bankId === null) {
    return { sql: 'FALSE', parameters: {} };
  }
  const commission = servedByCaller(caller, 'enterprise.id', today);
  return {
    sql: `(EXISTS (SELECT 1 FROM matches stake
                     JOIN financing_requests staked ON staked.id = stake.request_id
                    WHERE stake.bank_id = :stakeBankId AND staked.enterprise_id = enterprise.id)
           OR ${commission.sql})`,
    parameters: { stakeBankId: caller.bankId, ...commission.parameters },
  };
}

/** The rows a caller may read, as a WHERE condition on the alias `enterprise`. */
function visibilityCondition(caller: Caller, today: string): SqlCondition | undefined {
  if (seesEverything(caller)) {
    return undefined;
  }
  if (caller.role === Role.Enterprise) {
    return caller.enterpriseId === null
      ? { sql: 'FALSE', parameters: {} }
      : {
          sql: 'enterprise.id = :callerEnterpriseId',
          parameters: { callerEnterpriseId: caller.enterpriseId },
        };
  }
  return bankStakeCondition(caller, today);
}

/**
 * Decides whether a normalised credit code may be stored, returning the override reason to keep
 * (null for a code that passes). Nothing that fails the check gets in without a recorded reason.
 */
export function admitCreditCode(
  code: string,
  overrideReason: string | undefined,
  mayOverride: boolean,
): string | null {
  const verdict = checkCreditCode(code);
  if (verdict === 'malformed') {
    throw DomainError.validation('creditCode', CREDIT_CODE_FORMAT_MESSAGE);
  }
  if (verdict === 'valid') {
    if (overrideReason !== undefined) {
      throw DomainError.validation(
        'creditCodeOverrideReason',
        'is only for a credit code that fails its check character',
      );
    }
    return null;
  }
  if (mayOverride && overrideReason !== undefined) {
    return overrideReason;
  }
  throw new DomainError(
    ErrorCode.CreditCodeCheckFailed,
    'The credit code fails its GB 32100-2015 check character',
    {
      errors: [
        {
          field: 'creditCode',
          message: mayOverride
            ? 'fails its check character; give creditCodeOverrideReason to register it anyway'
            : 'fails its check character; check the code, or ask the project center to register it',
        },
      ],
    },
  );
}

/** What the audit log keeps of an enterprise: the whole row (bigint fen become strings). */
function auditView(enterprise: EnterpriseEntity): Record<string, unknown> {
  return { ...enterprise };
}

function sameRow(left: EnterpriseEntity, right: EnterpriseEntity): boolean {
  const text = (value: EnterpriseEntity): string =>
    JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? item.toString() : item,
    );
  return text(left) === text(right);
}

/** Tags in one canonical order, so the same set always reads (and audits) the same. */
function canonicalTags(tags: readonly EnterpriseTag[]): EnterpriseTag[] {
  return ENTERPRISE_TAGS.filter((tag) => tags.includes(tag));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}

@Injectable()
export class EnterprisesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly regions: RegionsService,
    private readonly clock: Clock,
  ) {}

  async create(caller: Caller, dto: CreateEnterpriseDto): Promise<EnterpriseResponseDto> {
    const { enterprise, regionName } = await inTransaction(this.dataSource, (manager) =>
      this.insert(manager, actorOf(caller), dto, {
        action: 'enterprise.created',
        mayOverrideCreditCode: true,
      }),
    );
    return toEnterpriseResponse(enterprise, { regionName, showOverrideReason: true });
  }

  /**
   * Inserts an enterprise inside the caller's transaction (also used by self-registration) and
   * records its audit rows there; the scale comes from the standard in force today.
   */
  async insert(
    manager: EntityManager,
    actor: Actor,
    fields: NewEnterprise,
    options: InsertOptions,
  ): Promise<{ enterprise: EnterpriseEntity; regionName: string }> {
    const creditCode = normaliseCreditCode(fields.creditCode);
    const overrideReason = admitCreditCode(
      creditCode,
      fields.creditCodeOverrideReason,
      options.mayOverrideCreditCode,
    );
    const regionName = await this.requireRegion(manager, fields.regionCode);
    const revenueFen = parseYuan(fields.revenue, 'revenue');
    const assetsFen = parseYuan(fields.assets, 'assets');
    const { scale, standard } = classifyScale(
      { industry: fields.industry, employees: fields.employees, revenueFen, assetsFen },
      shanghaiBusinessDate(),
    );
    const verified = fields.verified === true;
    const repository = manager.getRepository(EnterpriseEntity);
    let enterprise: EnterpriseEntity;
    try {
      enterprise = await repository.save(
        repository.create({
          name: fields.name,
          creditCode,
          creditCodeOverrideReason: overrideReason,
          regionCode: fields.regionCode,
          industry: fields.industry,
          employees: fields.employees,
          revenueFen,
          assetsFen,
          scale,
          scaleStandard: standard,
          legalRepresentative: fields.legalRepresentative ?? null,
          contactPhone: fields.contactPhone ?? null,
          tags: canonicalTags(fields.tags ?? []),
          verifiedAt: verified ? new Date() : null,
          verifiedBy: verified ? actor.userId : null,
        }),
      );
    } catch (error) {
      throw translateConstraint(error);
    }
    const after = auditView(enterprise);
    await this.audit.record(manager, {
      actor,
      action: options.action,
      entityType: ENTITY_TYPE,
      entityId: enterprise.id,
      after,
    });
    if (overrideReason !== null) {
      await this.recordOverride(manager, actor, enterprise, null);
    }
    if (verified) {
      await this.audit.record(manager, {
        actor,
        action: 'enterprise.verified',
        entityType: ENTITY_TYPE,
        entityId: enterprise.id,
        after,
      });
    }
    return { enterprise, regionName };
  }

  async get(caller: Caller, id: string): Promise<EnterpriseResponseDto> {
    const enterprise = await this.visible(caller, this.dataSource.manager)
      .andWhere('enterprise.id = :id', { id })
      .getOne();
    if (!enterprise) {
      throw DomainError.notFound(ENTITY_TYPE);
    }
    return this.respond(caller, enterprise);
  }

  /*
   * Indexes behind the filters: the default order and the cursor walk enterprises_created_idx;
   * a region filter walks enterprises_region_idx in the same order; a tag filter uses the GIN
   * enterprises_tags_idx through `tags @> ARRAY[...]`. Industry, scale and verification have a
   * handful of values each (an index would select too much to be used), and the free text is a
   * substring match: both are filters over the ordered scan of a city's few thousand rows.
   */
  async list(caller: Caller, query: ListEnterprisesQueryDto): Promise<Page<EnterpriseResponseDto>> {
    const limit = query.limit ?? 20;
    const builder = this.visible(caller, this.dataSource.manager)
      .orderBy('enterprise.created_at', 'DESC')
      .addOrderBy('enterprise.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      builder.andWhere(
        '(enterprise.created_at, enterprise.id) < (:createdAt::timestamptz, :cursorId::uuid)',
        { createdAt, cursorId: id },
      );
    }
    if (query.regionCode !== undefined) {
      builder.andWhere('enterprise.region_code = :regionCode', { regionCode: query.regionCode });
    }
    if (query.industry !== undefined) {
      builder.andWhere('enterprise.industry = :industry', { industry: query.industry });
    }
    if (query.scale !== undefined) {
      builder.andWhere('enterprise.scale = :scale', { scale: query.scale });
    }
    if (query.tag !== undefined) {
      builder.andWhere('enterprise.tags @> ARRAY[:tag]::text[]', { tag: query.tag });
    }
    if (query.verified !== undefined) {
      builder.andWhere(
        query.verified === 'true'
          ? 'enterprise.verified_at IS NOT NULL'
          : 'enterprise.verified_at IS NULL',
      );
    }
    if (query.q !== undefined && query.q.length > 0) {
      builder.andWhere('(enterprise.name ILIKE :q OR enterprise.credit_code ILIKE :q)', {
        q: `%${escapeLike(query.q)}%`,
      });
    }
    const rows = await builder.getMany();
    const names = await this.regions.namesOf(rows.map((row) => row.regionCode));
    const showOverrideReason = seesEverything(caller);
    return toPage(
      rows,
      limit,
      (row) => [row.createdAt.toISOString(), row.id],
      (row) =>
        toEnterpriseResponse(row, {
          regionName: names.get(row.regionCode) ?? row.regionCode,
          showOverrideReason,
        }),
    );
  }

  async update(
    caller: Caller,
    id: string,
    dto: UpdateEnterpriseDto,
  ): Promise<EnterpriseResponseDto> {
    if (caller.role === Role.Enterprise) {
      const refused = ADMIN_ONLY_FIELDS.filter((field) => dto[field] !== undefined);
      if (refused.length > 0) {
        throw new DomainError(
          ErrorCode.ValidationFailed,
          `Only the project center may change: ${refused.join(', ')}`,
          {
            errors: refused.map((field) => ({
              field,
              message: 'may not be changed by an enterprise user',
            })),
          },
        );
      }
    }
    const saved = await inTransaction(this.dataSource, async (manager) => {
      const current = await this.visible(caller, manager)
        .andWhere('enterprise.id = :id', { id })
        .setLock('pessimistic_write')
        .getOne();
      if (!current) {
        throw DomainError.notFound(ENTITY_TYPE);
      }
      const next = await this.applyChanges(manager, caller, current, dto);
      if (sameRow(current, next)) {
        return current;
      }
      let stored: EnterpriseEntity;
      try {
        stored = await manager.getRepository(EnterpriseEntity).save(next);
      } catch (error) {
        throw translateConstraint(error);
      }
      await this.recordChanges(manager, actorOf(caller), current, stored);
      return stored;
    });
    return this.respond(caller, saved);
  }

  async verify(caller: Caller, id: string): Promise<EnterpriseResponseDto> {
    const saved = await inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(EnterpriseEntity);
      const current = await repository.findOne({
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) {
        throw DomainError.notFound(ENTITY_TYPE);
      }
      if (current.verifiedAt !== null) {
        throw new DomainError(ErrorCode.InvalidTransition, 'This enterprise is already verified', {
          extensions: { currentStatus: 'verified' },
        });
      }
      const stored = await repository.save({
        ...current,
        verifiedAt: new Date(),
        verifiedBy: caller.userId,
      });
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'enterprise.verified',
        entityType: ENTITY_TYPE,
        entityId: id,
        before: auditView(current),
        after: auditView(stored),
      });
      return stored;
    });
    return this.respond(caller, saved);
  }

  /** The enterprise as it would be after the update; validates what it touches. */
  private async applyChanges(
    manager: EntityManager,
    caller: Caller,
    current: EnterpriseEntity,
    dto: UpdateEnterpriseDto,
  ): Promise<EnterpriseEntity> {
    const next: EnterpriseEntity = { ...current };
    if (dto.name !== undefined) {
      next.name = dto.name;
    }
    if (dto.creditCode !== undefined || dto.creditCodeOverrideReason !== undefined) {
      const code = normaliseCreditCode(dto.creditCode ?? current.creditCode);
      // Re-sending the stored code alone keeps it (and any reason it was admitted with).
      if (code !== current.creditCode || dto.creditCodeOverrideReason !== undefined) {
        next.creditCodeOverrideReason = admitCreditCode(code, dto.creditCodeOverrideReason, true);
        next.creditCode = code;
      }
    }
    if (dto.regionCode !== undefined && dto.regionCode !== current.regionCode) {
      await this.requireRegion(manager, dto.regionCode);
      next.regionCode = dto.regionCode;
    }
    if (dto.industry !== undefined) {
      next.industry = dto.industry;
    }
    if (dto.employees !== undefined) {
      next.employees = dto.employees;
    }
    if (dto.revenue !== undefined) {
      next.revenueFen = parseYuan(dto.revenue, 'revenue');
    }
    if (dto.assets !== undefined) {
      next.assetsFen = parseYuan(dto.assets, 'assets');
    }
    if (
      dto.industry !== undefined ||
      dto.employees !== undefined ||
      dto.revenue !== undefined ||
      dto.assets !== undefined
    ) {
      const { scale, standard } = classifyScale(next, shanghaiBusinessDate());
      next.scale = scale;
      next.scaleStandard = standard;
    }
    if (dto.legalRepresentative !== undefined) {
      next.legalRepresentative = dto.legalRepresentative;
    }
    if (dto.contactPhone !== undefined) {
      next.contactPhone = dto.contactPhone;
    }
    if (dto.tags !== undefined) {
      next.tags = canonicalTags(dto.tags);
    }
    if (dto.verified === true && current.verifiedAt === null) {
      next.verifiedAt = new Date();
      next.verifiedBy = caller.userId;
    }
    if (dto.verified === false && current.verifiedAt !== null) {
      next.verifiedAt = null;
      next.verifiedBy = null;
    }
    return next;
  }

  /** One audit action per kind of change, so the log reads as what happened. */
  private async recordChanges(
    manager: EntityManager,
    actor: Actor,
    before: EnterpriseEntity,
    after: EnterpriseEntity,
  ): Promise<void> {
    const record = (action: string): Promise<void> =>
      this.audit.record(manager, {
        actor,
        action,
        entityType: ENTITY_TYPE,
        entityId: after.id,
        before: auditView(before),
        after: auditView(after),
      });
    const verificationMoved = (before.verifiedAt === null) !== (after.verifiedAt === null);
    const withoutVerification = (row: EnterpriseEntity): EnterpriseEntity => ({
      ...row,
      verifiedAt: null,
      verifiedBy: null,
      updatedAt: new Date(0),
    });
    if (!sameRow(withoutVerification(before), withoutVerification(after))) {
      await record('enterprise.updated');
    }
    if (
      after.creditCodeOverrideReason !== null &&
      (after.creditCode !== before.creditCode ||
        after.creditCodeOverrideReason !== before.creditCodeOverrideReason)
    ) {
      await this.recordOverride(manager, actor, after, before);
    }
    if (verificationMoved) {
      await record(
        after.verifiedAt === null ? 'enterprise.verification_withdrawn' : 'enterprise.verified',
      );
    }
  }

  private recordOverride(
    manager: EntityManager,
    actor: Actor,
    enterprise: EnterpriseEntity,
    before: EnterpriseEntity | null,
  ): Promise<void> {
    return this.audit.record(manager, {
      actor,
      action: 'enterprise.credit_code_overridden',
      entityType: ENTITY_TYPE,
      entityId: enterprise.id,
      before:
        before === null
          ? null
          : { creditCode: before.creditCode, reason: before.creditCodeOverrideReason },
      after: {
        creditCode: enterprise.creditCode,
        verdict: 'check_failed',
        reason: enterprise.creditCodeOverrideReason,
      },
    });
  }

  private async requireRegion(manager: EntityManager, code: string): Promise<string> {
    const name = (await this.regions.namesOf([code], manager)).get(code);
    if (name === undefined) {
      throw DomainError.validation('regionCode', 'names no region (see GET /regions)');
    }
    return name;
  }

  private visible(caller: Caller, manager: EntityManager): SelectQueryBuilder<EnterpriseEntity> {
    const builder = manager.getRepository(EnterpriseEntity).createQueryBuilder('enterprise');
    const condition = visibilityCondition(caller, shanghaiBusinessDate(this.clock.now()));
    if (condition !== undefined) {
      builder.where(condition.sql, condition.parameters);
    }
    return builder;
  }

  private async respond(
    caller: Caller,
    enterprise: EnterpriseEntity,
  ): Promise<EnterpriseResponseDto> {
    const names = await this.regions.namesOf([enterprise.regionCode]);
    return toEnterpriseResponse(enterprise, {
      regionName: names.get(enterprise.regionCode) ?? enterprise.regionCode,
      showOverrideReason: seesEverything(caller),
    });
  }
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'enterprises_credit_code_key') {
    return new DomainError(
      ErrorCode.CreditCodeTaken,
      'An enterprise with this credit code is already registered',
      { errors: [{ field: 'creditCode', message: 'is already registered' }] },
    );
  }
  if (code === '23503' && constraint === 'enterprises_region_code_fkey') {
    return DomainError.validation('regionCode', 'names no region (see GET /regions)');
  }
  return error;
}
