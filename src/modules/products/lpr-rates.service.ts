import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { LprQuote } from './effective-rate.js';
import { LprRateEntity } from './lpr-rate.entity.js';
import {
  BUSINESS_DATE_PATTERN,
  CreateLprRateDto,
  ListLprRatesQueryDto,
  LprRateResponseDto,
  toLprRateResponse,
} from './lpr-rates.dto.js';
import { LPR_TENORS, type LprTenor } from './product.entity.js';

/** True for a real calendar date written YYYY-MM-DD (not 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!BUSINESS_DATE_PATTERN.test(text)) {
    return false;
  }
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * The LPR series (贷款市场报价利率). Listed newest first by (effective_on, tenor), the series'
 * natural order and its unique key, so the keyset cursor is the business key itself; the
 * unique index lpr_rates_tenor_effective_on_key serves the tenor filter and the lookup of the
 * rate in force.
 */
@Injectable()
export class LprRatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(caller: Caller, dto: CreateLprRateDto): Promise<LprRateResponseDto> {
    if (!isCalendarDate(dto.effectiveOn)) {
      throw DomainError.validation('effectiveOn', 'is not a calendar date');
    }
    const saved = await inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(LprRateEntity);
      let rate: LprRateEntity;
      try {
        rate = await repository.save(
          repository.create({ tenor: dto.tenor, effectiveOn: dto.effectiveOn, rate: dto.rate }),
        );
      } catch (error) {
        throw translateConstraint(error);
      }
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'lpr_rate.created',
        entityType: 'lpr_rate',
        entityId: rate.id,
        after: rate,
      });
      return rate;
    });
    return toLprRateResponse(saved);
  }

  async list(query: ListLprRatesQueryDto): Promise<Page<LprRateResponseDto>> {
    const limit = query.limit ?? 20;
    const builder = this.dataSource
      .getRepository(LprRateEntity)
      .createQueryBuilder('lpr')
      .orderBy('lpr.effectiveOn', 'DESC')
      .addOrderBy('lpr.tenor', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [effectiveOn, tenor] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isCalendarDate(key) : (LPR_TENORS as readonly string[]).includes(key),
      );
      builder.andWhere('(lpr.effective_on, lpr.tenor) < (:effectiveOn::date, :tenor::text)', {
        effectiveOn,
        tenor,
      });
    }
    if (query.tenor !== undefined) {
      builder.andWhere('lpr.tenor = :tenorFilter', { tenorFilter: query.tenor });
    }
    const rows = await builder.getMany();
    return toPage(rows, limit, (rate) => [rate.effectiveOn, rate.tenor], toLprRateResponse);
  }

  /** The LPR in force today (Asia/Shanghai business date) for each tenor that has one. */
  async quotesInForce(
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<LprTenor, LprQuote>> {
    const rows = await manager.query<{ tenor: LprTenor; rate: string; effective_on: string }[]>(
      `SELECT DISTINCT ON (tenor) tenor, rate::text AS rate, effective_on::text AS effective_on
         FROM lpr_rates
        WHERE effective_on <= (now() AT TIME ZONE 'Asia/Shanghai')::date
        ORDER BY tenor, effective_on DESC`,
    );
    return new Map(
      rows.map((row) => [
        row.tenor,
        { tenor: row.tenor, rate: row.rate, effectiveOn: row.effective_on },
      ]),
    );
  }
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'lpr_rates_tenor_effective_on_key') {
    return new DomainError(
      ErrorCode.Conflict,
      'An LPR of this tenor is already recorded for this date',
      { errors: [{ field: 'effectiveOn', message: 'already has a rate for this tenor' }] },
    );
  }
  return error;
}
