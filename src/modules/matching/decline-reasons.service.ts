import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { DeclineReasonEntity } from './decline-reason.entity.js';
import {
  CreateDeclineReasonDto,
  DECLINE_REASON_CODE,
  DeclineReasonResponseDto,
  toDeclineReasonResponse,
  UpdateDeclineReasonDto,
} from './decline-reasons.dto.js';

const ENTITY_TYPE = 'decline_reason';

/**
 * The admin-editable list of codes a bank declines with. Codes are never deleted (declined
 * matches refer to them); retiring one (active: false) keeps it on old matches.
 */
@Injectable()
export class DeclineReasonsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A handful of rows: one unpaged list, active first, then in display order. */
  async list(): Promise<DeclineReasonResponseDto[]> {
    const reasons = await this.dataSource.getRepository(DeclineReasonEntity).find({
      order: { active: 'DESC', sortOrder: 'ASC', code: 'ASC' },
    });
    return reasons.map(toDeclineReasonResponse);
  }

  async create(caller: Caller, dto: CreateDeclineReasonDto): Promise<DeclineReasonResponseDto> {
    const saved = await inTransaction(this.dataSource, async (manager) => {
      const [row] = await manager.query<{ code: string }[]>(
        `INSERT INTO decline_reasons (code, label, active, sort_order) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO NOTHING RETURNING code`,
        [dto.code, dto.label, dto.active ?? true, dto.sortOrder ?? 0],
      );
      if (row === undefined) {
        throw new DomainError(ErrorCode.Conflict, 'This decline reason code already exists', {
          errors: [{ field: 'code', message: 'already exists' }],
        });
      }
      const reason = await manager
        .getRepository(DeclineReasonEntity)
        .findOneByOrFail({ code: dto.code });
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'decline_reason.created',
        entityType: ENTITY_TYPE,
        entityId: reason.code,
        after: reason,
      });
      return reason;
    });
    return toDeclineReasonResponse(saved);
  }

  async update(
    caller: Caller,
    code: string,
    dto: UpdateDeclineReasonDto,
  ): Promise<DeclineReasonResponseDto> {
    if (!DECLINE_REASON_CODE.test(code)) {
      throw DomainError.notFound('decline reason');
    }
    const saved = await inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(DeclineReasonEntity);
      const current = await repository.findOne({
        where: { code },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) {
        throw DomainError.notFound('decline reason');
      }
      const next: DeclineReasonEntity = {
        ...current,
        label: dto.label ?? current.label,
        active: dto.active ?? current.active,
        sortOrder: dto.sortOrder ?? current.sortOrder,
      };
      if (
        next.label === current.label &&
        next.active === current.active &&
        next.sortOrder === current.sortOrder
      ) {
        return current;
      }
      const stored = await repository.save(next);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'decline_reason.updated',
        entityType: ENTITY_TYPE,
        entityId: code,
        before: current,
        after: stored,
      });
      return stored;
    });
    return toDeclineReasonResponse(saved);
  }
}
