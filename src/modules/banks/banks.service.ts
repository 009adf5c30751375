import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { applyPatch } from '../../common/patch.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { BankEntity } from './bank.entity.js';
import {
  BankOfficerDto,
  BankOfficerListDto,
  BankDetailResponseDto,
  BankPresidentDto,
  BankResponseDto,
  BankStaffCountsDto,
  CreateBankDto,
  ListBanksQueryDto,
  toBankDetailResponse,
  toBankResponse,
  UpdateBankDto,
} from './banks.dto.js';
import { RegionsService } from '../regions/regions.service.js';
import { isUuid } from '../../common/validation/identifiers.js';

/** The cursor's time as PostgreSQL wrote it, to the microsecond (a JS Date keeps milliseconds). */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The bank registry (admin-managed; readable by every signed-in user).
 *
 * Indexes: none beyond `banks_name_key` (unique name, which also answers the duplicate check). A
 * city has a few dozen banks, so the list's filters and its (created_at, id) order are a
 * sequential scan and a sort of one page of a tiny table; an index would not be chosen. The
 * detail's president and staff counts use `users_one_active_president_per_bank` and
 * `users_bank_id_idx`.
 */
@Injectable()
export class BanksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly regions: RegionsService,
  ) {}

  async create(caller: Caller, dto: CreateBankDto): Promise<BankResponseDto> {
    const bank = await inTransaction(this.dataSource, async (manager) => {
      await this.requireKnownRegion(manager, dto.regionCode ?? null);
      const repository = manager.getRepository(BankEntity);
      let saved: BankEntity;
      try {
        saved = await repository.save(
          repository.create({
            name: dto.name,
            shortName: dto.shortName ?? null,
            kind: dto.kind,
            regionCode: dto.regionCode ?? null,
          }),
        );
      } catch (error) {
        throw translateConstraint(error);
      }
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'bank.created',
        entityType: 'bank',
        entityId: saved.id,
        after: saved,
      });
      return saved;
    });
    return toBankResponse(bank);
  }

  async update(caller: Caller, id: string, dto: UpdateBankDto): Promise<BankResponseDto> {
    const bank = await inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(BankEntity);
      const current = await repository.findOne({
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) {
        throw DomainError.notFound('bank');
      }
      const { next, changed } = applyPatch(current, dto, [
        'name',
        'shortName',
        'kind',
        'regionCode',
      ]);
      if (dto.regionCode !== undefined) {
        await this.requireKnownRegion(manager, dto.regionCode);
      }
      if (changed.length === 0) {
        return current;
      }
      let saved: BankEntity;
      try {
        saved = await repository.save(next);
      } catch (error) {
        throw translateConstraint(error);
      }
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'bank.updated',
        entityType: 'bank',
        entityId: id,
        before: current,
        after: saved,
      });
      return saved;
    });
    return toBankResponse(bank);
  }

  async list(query: ListBanksQueryDto): Promise<Page<BankResponseDto>> {
    const limit = query.limit ?? 20;
    const builder = this.dataSource
      .getRepository(BankEntity)
      .createQueryBuilder('bank')
      .addSelect(
        `to_char(bank.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        'cursor_time',
      )
      .orderBy('bank.createdAt', 'DESC')
      .addOrderBy('bank.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? CURSOR_TIME.test(key) : isUuid(key),
      );
      builder.andWhere('(bank.created_at, bank.id) < (:createdAt::timestamptz, :id::uuid)', {
        createdAt,
        id,
      });
    }
    if (query.kind !== undefined) {
      builder.andWhere('bank.kind = :kind', { kind: query.kind });
    }
    if (query.regionCode !== undefined) {
      builder.andWhere('bank.region_code = :regionCode', { regionCode: query.regionCode });
    }
    if (query.q !== undefined && query.q.trim().length > 0) {
      builder.andWhere('(bank.name ILIKE :q OR bank.short_name ILIKE :q)', {
        q: `%${escapeLike(query.q.trim())}%`,
      });
    }
    const { entities, raw } = await builder.getRawAndEntities<{
      bank_id: string;
      cursor_time: string;
    }>();
    const cursorTimes = new Map(raw.map((row) => [row.bank_id, row.cursor_time]));
    return toPage(
      entities,
      limit,
      (bank) => [cursorTimes.get(bank.id) ?? '', bank.id],
      toBankResponse,
    );
  }

  async get(id: string): Promise<BankDetailResponseDto> {
    const bank = await this.dataSource.getRepository(BankEntity).findOneBy({ id });
    if (!bank) {
      throw DomainError.notFound('bank');
    }
    const [presidents, counts] = await Promise.all([
      this.dataSource.query<BankPresidentDto[]>(
        `SELECT id, display_name AS "displayName" FROM users
          WHERE bank_id = $1 AND role = 'bank_president' AND disabled_at IS NULL`,
        [id],
      ),
      this.dataSource.query<{ officers: number; presidents: number; disabled: number }[]>(
        `SELECT
           count(*) FILTER (WHERE role = 'bank_officer' AND disabled_at IS NULL)::int AS officers,
           count(*) FILTER (WHERE role = 'bank_president' AND disabled_at IS NULL)::int AS presidents,
           count(*) FILTER (WHERE disabled_at IS NOT NULL)::int AS disabled
         FROM users WHERE bank_id = $1`,
        [id],
      ),
    ]);
    const staffCounts: BankStaffCountsDto = {
      officers: counts[0].officers,
      presidents: counts[0].presidents,
      disabled: counts[0].disabled,
    };
    return toBankDetailResponse(bank, presidents[0] ?? null, staffCounts);
  }

  /**
   * The bank's enabled officers, by name. A president sees only their own bank's (another
   * bank's list answers 404, as if the bank were absent); the center and auditors see any.
   */
  async officers(caller: Caller, id: string): Promise<BankOfficerListDto> {
    if (!seesEverything(caller) && caller.bankId !== id) {
      throw DomainError.notFound('bank');
    }
    const items = await this.dataSource.query<BankOfficerDto[]>(
      `SELECT u.id, u.display_name AS "displayName"
         FROM banks b JOIN users u ON u.bank_id = b.id
        WHERE b.id = $1 AND u.role = 'bank_officer' AND u.disabled_at IS NULL
        ORDER BY u.display_name, u.id`,
      [id],
    );
    if (items.length === 0 && !(await this.dataSource.getRepository(BankEntity).existsBy({ id }))) {
      throw DomainError.notFound('bank');
    }
    return { items };
  }

  private async requireKnownRegion(
    manager: EntityManager,
    regionCode: string | null,
  ): Promise<void> {
    if (
      regionCode !== null &&
      !(await this.regions.namesOf([regionCode], manager)).has(regionCode)
    ) {
      throw DomainError.validation('regionCode', 'names no region');
    }
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'banks_name_key') {
    return new DomainError(ErrorCode.Conflict, 'A bank with this name already exists', {
      errors: [{ field: 'name', message: 'is already taken' }],
    });
  }
  if (code === '23503' && constraint === 'banks_region_code_fkey') {
    // A region deleted between the check and the write.
    return DomainError.validation('regionCode', 'names no region');
  }
  return error;
}
