import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import {
  CalendarDayListDto,
  CalendarDayResponseDto,
  CalendarDayRow,
  CalendarDaysQueryDto,
  PutCalendarDayDto,
  toCalendarDayResponse,
} from './calendar.dto.js';
import { daysBetween, isWeekend } from './working-days.js';

/** A year, leap years included: enough to show one year's holidays in one answer. */
const MAX_SPAN_DAYS = 366;
const COLUMNS = `to_char(day, 'YYYY-MM-DD') AS day, kind, name, created_at`;
/** Insert-or-update rounds before giving up on a day that keeps appearing and vanishing. */
const MAX_UPSERT_ATTEMPTS = 3;

function auditView(row: CalendarDayRow): Record<string, unknown> {
  return { day: row.day, kind: row.kind, name: row.name };
}

/**
 * The admin-maintained working-day calendar: holidays and make-up workdays (调休). A change
 * applies to deadlines computed afterwards; matches already dispatched keep their deadline.
 */
@Injectable()
export class CalendarDaysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(query: CalendarDaysQueryDto): Promise<CalendarDayListDto> {
    const span = daysBetween(query.from, query.to);
    if (span < 0) {
      throw DomainError.validation('to', 'must not be before from');
    }
    if (span > MAX_SPAN_DAYS) {
      throw DomainError.validation('to', `must be at most ${MAX_SPAN_DAYS} days after from`);
    }
    const rows = await this.dataSource.query<CalendarDayRow[]>(
      `SELECT ${COLUMNS} FROM calendar_days
        WHERE day BETWEEN $1::date AND $2::date ORDER BY day`,
      [query.from, query.to],
    );
    return { items: rows.map(toCalendarDayResponse) };
  }

  /** Creates or replaces the override of one day; an unchanged day writes nothing. */
  async put(caller: Caller, day: string, dto: PutCalendarDayDto): Promise<CalendarDayResponseDto> {
    if (dto.kind === 'workday' && !isWeekend(day)) {
      // Monday to Friday already work: such a row would be a typo for another date.
      throw DomainError.validation('kind', 'a make-up workday must fall on a Saturday or Sunday');
    }
    const row = await inTransaction(this.dataSource, (manager) =>
      this.upsert(manager, actorOf(caller), day, dto),
    );
    return toCalendarDayResponse(row);
  }

  async remove(caller: Caller, day: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      // TypeORM answers a DELETE/UPDATE … RETURNING on PostgreSQL with [rows, affected count].
      const [[deleted]] = await manager.query<[CalendarDayRow[], number]>(
        `DELETE FROM calendar_days WHERE day = $1::date RETURNING ${COLUMNS}`,
        [day],
      );
      if (deleted === undefined) {
        throw DomainError.notFound('calendar day');
      }
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'calendar_day.deleted',
        entityType: 'calendar_day',
        entityId: day,
        before: auditView(deleted),
      });
    });
  }

  /**
   * Insert first and update on conflict, so two admins saving the same new day never collide
   * on the primary key; the update path locks the row to audit an exact "before".
   */
  private async upsert(
    manager: EntityManager,
    actor: Actor,
    day: string,
    dto: PutCalendarDayDto,
  ): Promise<CalendarDayRow> {
    for (let attempt = 1; attempt <= MAX_UPSERT_ATTEMPTS; attempt += 1) {
      const [created] = await manager.query<CalendarDayRow[]>(
        `INSERT INTO calendar_days (day, kind, name) VALUES ($1::date, $2, $3)
         ON CONFLICT (day) DO NOTHING RETURNING ${COLUMNS}`,
        [day, dto.kind, dto.name],
      );
      if (created !== undefined) {
        await this.audit.record(manager, {
          actor,
          action: 'calendar_day.created',
          entityType: 'calendar_day',
          entityId: day,
          after: auditView(created),
        });
        return created;
      }
      const [current] = await manager.query<CalendarDayRow[]>(
        `SELECT ${COLUMNS} FROM calendar_days WHERE day = $1::date FOR UPDATE`,
        [day],
      );
      if (current === undefined) {
        // Deleted between the two statements: try the insert again.
        continue;
      }
      if (current.kind === dto.kind && current.name === dto.name) {
        return current;
      }
      const [[updated]] = await manager.query<[CalendarDayRow[], number]>(
        `UPDATE calendar_days SET kind = $2, name = $3 WHERE day = $1::date RETURNING ${COLUMNS}`,
        [day, dto.kind, dto.name],
      );
      await this.audit.record(manager, {
        actor,
        action: 'calendar_day.updated',
        entityType: 'calendar_day',
        entityId: day,
        before: auditView(current),
        after: auditView(updated),
      });
      return updated;
    }
    throw new DomainError(ErrorCode.Conflict, 'The calendar day changed while saving; try again');
  }
}
