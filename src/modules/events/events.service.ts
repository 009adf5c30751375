import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formatFen, parseYuan } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { isCalendarDate } from '../calendar/working-days.js';
import { FinancingRequestsService } from '../matching/financing-requests.service.js';
import { MatchesService } from '../matching/matches.service.js';
import { invalidTransition } from '../matching/lifecycles.js';
import { returnedRows, yuan } from '../matching/request-moves.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { type IntentStatus, requireIntentAction } from './event-intent-lifecycle.js';
import {
  ConvertedIntentDto,
  ConvertIntentDto,
  CreateEventDto,
  CreateIntentDto,
  EventDetailDto,
  EventResponseDto,
  EventRow,
  EventStatsDto,
  IntentResponseDto,
  IntentRow,
  ListEventsQueryDto,
  ListIntentsQueryDto,
  ParticipantsDto,
  toEventResponse,
  toIntentResponse,
} from './events.dto.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

const EVENT = 'event';

const EVENT_SELECT = `
  SELECT event.id, event.title, event.theme, event.held_on::text AS "heldOn", event.format,
         event.location, event.description, event.created_by AS "createdBy",
         event.created_at AS "createdAt",
         (SELECT count(*)::int FROM event_banks b WHERE b.event_id = event.id) AS "bankCount",
         (SELECT count(*)::int FROM event_enterprises e WHERE e.event_id = event.id)
           AS "enterpriseCount"
    FROM matchmaking_events event`;

const INTENT_SELECT = `
  SELECT intent.id, intent.event_id AS "eventId", intent.enterprise_id AS "enterpriseId",
         enterprise.name AS "enterpriseName", intent.bank_id AS "bankId", bank.name AS "bankName",
         intent.amount_fen::text AS "amountFen", intent.status, intent.request_id AS "requestId",
         intent.match_id AS "matchId", intent.recorded_by AS "recordedById",
         recorder.display_name AS "recordedByName", intent.created_at AS "createdAt",
         intent.converted_at AS "convertedAt"
    FROM event_intents intent
    JOIN enterprises enterprise ON enterprise.id = intent.enterprise_id
    JOIN banks bank ON bank.id = intent.bank_id
    JOIN users recorder ON recorder.id = intent.recorded_by`;

function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
}

/**
 * Events a caller may read, as SQL on the alias `event` with its parameter at `$index`:
 * administrators and auditors every one; bank staff and enterprises those they take part in.
 */
function eventVisibility(caller: Caller, index: number): { sql: string; values: unknown[] } {
  if (seesEverything(caller)) {
    return { sql: 'TRUE', values: [] };
  }
  if (isBankStaff(caller) && caller.bankId !== null) {
    return {
      sql: `EXISTS (SELECT 1 FROM event_banks part
                     WHERE part.event_id = event.id AND part.bank_id = $${index})`,
      values: [caller.bankId],
    };
  }
  if (caller.role === Role.Enterprise && caller.enterpriseId !== null) {
    return {
      sql: `EXISTS (SELECT 1 FROM event_enterprises part
                     WHERE part.event_id = event.id AND part.enterprise_id = $${index})`,
      values: [caller.enterpriseId],
    };
  }
  return { sql: 'FALSE', values: [] };
}

/** Intents of a readable event a caller may read: bank staff their bank's, an enterprise its own. */
function intentVisibility(caller: Caller, index: number): { sql: string; values: unknown[] } {
  if (seesEverything(caller)) {
    return { sql: 'TRUE', values: [] };
  }
  if (isBankStaff(caller)) {
    return { sql: `intent.bank_id = $${index}`, values: [caller.bankId] };
  }
  if (caller.role === Role.Enterprise) {
    return { sql: `intent.enterprise_id = $${index}`, values: [caller.enterpriseId] };
  }
  return { sql: 'FALSE', values: [] };
}

/**
 * 融资对接活动: events with their participating banks and enterprises, the financing intents
 * pledged there, and their conversion into financing requests dispatched to the pledging bank.
 *
 * Rules decided here:
 * - Bank staff and enterprises see the events they take part in (another's answers 404), with
 *   the whole roster, but only their own bank's or enterprise's intents.
 * - An intent names a participating enterprise and a participating bank (enforced by foreign
 *   keys on the participant tables). Bank staff record intents for their own bank only (400
 *   naming bankId, as the matching lists answer a foreign bankId).
 * - Converting files a request on the enterprise's behalf for the intent's amount and dispatches
 *   it to the intent's bank in ONE transaction, through FinancingRequestsService.file and
 *   MatchesService.dispatchWithin: if the dispatch is refused (enterprise not verified, bank
 *   without president, …) nothing is filed and the intent stays open. An intent converts once.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly requests: FinancingRequestsService,
    private readonly matches: MatchesService,
  ) {}

  create(caller: Caller, dto: CreateEventDto): Promise<EventDetailDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const [{ id }] = await manager.query<{ id: string }[]>(
        `INSERT INTO matchmaking_events (title, theme, held_on, format, location, description,
                                         created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          dto.title,
          dto.theme,
          dto.date,
          dto.format,
          dto.location ?? null,
          dto.description ?? null,
          caller.userId,
        ],
      );
      await this.addParticipants(manager, caller, id, dto);
      const after = await this.detail(manager, id);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'event.created',
        entityType: 'event',
        entityId: id,
        after,
      });
      return after;
    });
  }

  /** Adds banks and enterprises to the roster; ones already there are left as they are. */
  participants(caller: Caller, id: string, dto: ParticipantsDto): Promise<EventDetailDto> {
    if ((dto.bankIds ?? []).length === 0 && (dto.enterpriseIds ?? []).length === 0) {
      throw DomainError.validation('bankIds', 'name at least one bank or enterprise to add');
    }
    return inTransaction(this.dataSource, async (manager) => {
      const [event] = await manager.query<{ id: string }[]>(
        'SELECT id FROM matchmaking_events WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (event === undefined) {
        throw DomainError.notFound(EVENT);
      }
      const added = await this.addParticipants(manager, caller, id, dto);
      if (added.bankIds.length > 0 || added.enterpriseIds.length > 0) {
        await this.audit.record(manager, {
          actor: actorOf(caller),
          action: 'event.participants_added',
          entityType: 'event',
          entityId: id,
          after: added,
        });
      }
      return this.detail(manager, id);
    });
  }

  async get(caller: Caller, id: string): Promise<EventDetailDto> {
    await this.requireReadable(caller, id);
    return this.detail(this.dataSource.manager, id);
  }

  /** By date, latest first, then id; the cursor is the last row's (date, id). */
  async list(caller: Caller, query: ListEventsQueryDto): Promise<Page<EventResponseDto>> {
    const limit = query.limit ?? 20;
    const scope = eventVisibility(caller, 1);
    const values: unknown[] = [...scope.values];
    const conditions = [scope.sql];
    if (query.theme !== undefined) {
      values.push(query.theme);
      conditions.push(`event.theme = $${values.length}`);
    }
    if (query.format !== undefined) {
      values.push(query.format);
      conditions.push(`event.format = $${values.length}`);
    }
    if (query.cursor !== undefined) {
      const [heldOn, cursorId] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isCalendarDate(key) : isUuid(key),
      );
      values.push(heldOn, cursorId);
      conditions.push(
        `(event.held_on, event.id) < ($${values.length - 1}::date, $${values.length}::uuid)`,
      );
    }
    values.push(limit + 1);
    const rows = await this.dataSource.query<EventRow[]>(
      `${EVENT_SELECT} WHERE ${conditions.join(' AND ')}
        ORDER BY event.held_on DESC, event.id DESC LIMIT $${values.length}`,
      values,
    );
    return toPage(rows, limit, (row) => [row.heldOn, row.id], toEventResponse);
  }

  recordIntent(caller: Caller, eventId: string, dto: CreateIntentDto): Promise<IntentResponseDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const event = await this.requireReadable(caller, eventId, manager);
      if (isBankStaff(caller) && dto.bankId !== caller.bankId) {
        throw DomainError.validation('bankId', 'may only name your own bank');
      }
      const amountFen = parseYuan(dto.amount, 'amount');
      if (amountFen <= 0n) {
        throw DomainError.validation('amount', 'must be above 0');
      }
      let id: string;
      try {
        [{ id }] = await manager.query<{ id: string }[]>(
          `INSERT INTO event_intents (event_id, enterprise_id, bank_id, amount_fen, recorded_by)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [eventId, dto.enterpriseId, dto.bankId, amountFen.toString(), caller.userId],
        );
      } catch (error) {
        throw translateConstraint(error);
      }
      const intent = await this.readIntent(manager, id);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'event_intent.recorded',
        entityType: 'event_intent',
        entityId: id,
        after: intent,
      });
      if (isBankStaff(caller)) {
        await this.notifications.notifyCenter(manager, {
          kind: 'event_intent.recorded',
          title: `${intent.bankName} 登记了融资意向：${intent.enterpriseName}`,
          body:
            `${event.title}：${intent.bankName} 与 ${intent.enterpriseName} 达成融资意向 ` +
            `${yuan(amountFen)}，待项目中心转为融资需求。`,
          entityType: 'event_intent',
          entityId: id,
        });
      }
      return toIntentResponse(intent);
    });
  }

  /** Newest first by (created_at, id); the cursor is the last row's pair. */
  async listIntents(
    caller: Caller,
    eventId: string,
    query: ListIntentsQueryDto,
  ): Promise<Page<IntentResponseDto>> {
    await this.requireReadable(caller, eventId);
    const limit = query.limit ?? 20;
    const scope = intentVisibility(caller, 2);
    const values: unknown[] = [eventId, ...scope.values];
    const conditions = ['intent.event_id = $1', scope.sql];
    if (query.status !== undefined) {
      values.push(query.status);
      conditions.push(`intent.status = $${values.length}`);
    }
    if (query.cursor !== undefined) {
      const [createdAt, cursorId] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      values.push(createdAt, cursorId);
      conditions.push(
        `(intent.created_at, intent.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`,
      );
    }
    values.push(limit + 1);
    const rows = await this.dataSource.query<IntentRow[]>(
      `${INTENT_SELECT} WHERE ${conditions.join(' AND ')}
        ORDER BY intent.created_at DESC, intent.id DESC LIMIT $${values.length}`,
      values,
    );
    return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id], toIntentResponse);
  }

  /** Files the intent as a request on the enterprise's behalf and dispatches it to its bank. */
  convert(
    caller: Caller,
    eventId: string,
    intentId: string,
    dto: ConvertIntentDto,
  ): Promise<ConvertedIntentDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const [event] = await manager.query<{ title: string; heldOn: string }[]>(
        'SELECT title, held_on::text AS "heldOn" FROM matchmaking_events WHERE id = $1',
        [eventId],
      );
      const [intent] = await manager.query<
        { enterpriseId: string; bankId: string; amountFen: string; status: IntentStatus }[]
      >(
        `SELECT enterprise_id AS "enterpriseId", bank_id AS "bankId",
                amount_fen::text AS "amountFen", status
           FROM event_intents WHERE id = $1 AND event_id = $2 FOR UPDATE`,
        [intentId, eventId],
      );
      if (event === undefined || intent === undefined) {
        throw DomainError.notFound('event intent');
      }
      requireIntentAction('convert', intent.status);
      const request = await this.requests.file(manager, caller, {
        enterpriseId: intent.enterpriseId,
        amount: formatFen(BigInt(intent.amountFen)),
        termMonths: dto.termMonths,
        purpose: dto.purpose,
        guaranteeOffered: dto.guaranteeOffered,
        rateCeiling: dto.rateCeiling,
        description:
          dto.description ?? `融资对接活动「${event.title}」（${event.heldOn}）达成的融资意向`,
      });
      const match = await this.matches.dispatchWithin(manager, caller, request.id, {
        bankId: intent.bankId,
        productId: dto.productId,
      });
      const converted = returnedRows<{ id: string }>(
        await manager.query(
          `UPDATE event_intents
              SET status = 'converted', request_id = $2, match_id = $3, converted_at = $4,
                  converted_by = $5, updated_at = now()
            WHERE id = $1 AND status = 'open'
            RETURNING id`,
          [intentId, request.id, match.id, this.clock.now(), caller.userId],
        ),
      );
      if (converted.length !== 1) {
        throw invalidTransition('event intent', 'convert', 'converted');
      }
      const after = await this.readIntent(manager, intentId);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'event_intent.converted',
        entityType: 'event_intent',
        entityId: intentId,
        before: { status: intent.status },
        after: { status: after.status, requestId: request.id, matchId: match.id },
      });
      return { intent: toIntentResponse(after), match };
    });
  }

  /** The event's figures; each is defined on EventStatsDto. */
  async stats(id: string): Promise<EventStatsDto> {
    const [row] = await this.dataSource.query<
      {
        banks: number;
        enterprises: number;
        intents: number;
        intentFen: string;
        enterprisesWithIntent: number;
        converted: number;
        convertedFen: string;
        approved: number;
        approvedFen: string;
        funded: number;
        disbursedFen: string;
      }[]
    >(
      `SELECT (SELECT count(*)::int FROM event_banks WHERE event_id = event.id) AS banks,
              (SELECT count(*)::int FROM event_enterprises WHERE event_id = event.id)
                AS enterprises,
              count(intent.id)::int AS intents,
              COALESCE(sum(intent.amount_fen), 0)::text AS "intentFen",
              count(DISTINCT intent.enterprise_id)::int AS "enterprisesWithIntent",
              count(intent.id) FILTER (WHERE intent.status = 'converted')::int AS converted,
              COALESCE(sum(intent.amount_fen) FILTER (WHERE intent.status = 'converted'), 0)::text
                AS "convertedFen",
              count(m.id) FILTER (WHERE m.status IN ('approved', 'disbursed'))::int AS approved,
              COALESCE(sum(m.approved_amount_fen)
                         FILTER (WHERE m.status IN ('approved', 'disbursed')), 0)::text
                AS "approvedFen",
              count(m.id) FILTER (WHERE m.status = 'disbursed')::int AS funded,
              COALESCE(sum(m.disbursed_amount_fen) FILTER (WHERE m.status = 'disbursed'), 0)::text
                AS "disbursedFen"
         FROM matchmaking_events event
         LEFT JOIN event_intents intent ON intent.event_id = event.id
         LEFT JOIN matches m ON m.id = intent.match_id
        WHERE event.id = $1
        GROUP BY event.id`,
      [id],
    );
    if (row === undefined) {
      throw DomainError.notFound(EVENT);
    }
    return {
      eventId: id,
      banks: row.banks,
      enterprises: row.enterprises,
      intents: row.intents,
      intentAmount: formatFen(BigInt(row.intentFen)),
      enterprisesWithIntent: row.enterprisesWithIntent,
      converted: row.converted,
      convertedAmount: formatFen(BigInt(row.convertedFen)),
      approved: row.approved,
      approvedAmount: formatFen(BigInt(row.approvedFen)),
      funded: row.funded,
      disbursedAmount: formatFen(BigInt(row.disbursedFen)),
    };
  }

  /** Adds the participants not yet on the roster, invites them, and answers who was added. */
  private async addParticipants(
    manager: EntityManager,
    caller: Caller,
    eventId: string,
    dto: ParticipantsDto,
  ): Promise<{ bankIds: string[]; enterpriseIds: string[] }> {
    const bankIds = dto.bankIds ?? [];
    const enterpriseIds = dto.enterpriseIds ?? [];
    await requireAll(manager, 'banks', 'bankIds', bankIds);
    await requireAll(manager, 'enterprises', 'enterpriseIds', enterpriseIds);
    const banks = await manager.query<{ id: string }[]>(
      `INSERT INTO event_banks (event_id, bank_id, added_by)
       SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING RETURNING bank_id AS id`,
      [eventId, bankIds, caller.userId],
    );
    const enterprises = await manager.query<{ id: string }[]>(
      `INSERT INTO event_enterprises (event_id, enterprise_id, added_by)
       SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING RETURNING enterprise_id AS id`,
      [eventId, enterpriseIds, caller.userId],
    );
    const addedBanks = banks.map((bank) => bank.id);
    const addedEnterprises = enterprises.map((enterprise) => enterprise.id);
    const [event] = await manager.query<{ title: string; heldOn: string; format: string }[]>(
      'SELECT title, held_on::text AS "heldOn", format FROM matchmaking_events WHERE id = $1',
      [eventId],
    );
    const when = `${event.heldOn}（${event.format === 'online' ? '线上' : '线下'}）`;
    const draft = { kind: 'event.invited', entityType: 'event', entityId: eventId };
    const presidents = await manager.query<{ id: string }[]>(
      `SELECT id FROM users
        WHERE bank_id = ANY($1::uuid[]) AND role = 'bank_president' AND disabled_at IS NULL`,
      [addedBanks],
    );
    await this.notifications.notify(
      manager,
      presidents.map((president) => president.id),
      {
        ...draft,
        title: `贵行受邀参加融资对接活动：${event.title}`,
        body: `${event.title} 将于 ${when} 举行，请安排客户经理参加并登记融资意向。`,
      },
    );
    for (const enterpriseId of addedEnterprises) {
      await this.notifications.notifyEnterprise(manager, enterpriseId, {
        ...draft,
        title: `贵企业受邀参加融资对接活动：${event.title}`,
        body: `${event.title} 将于 ${when} 举行，届时可与参会银行洽谈融资。`,
      });
    }
    return { bankIds: addedBanks, enterpriseIds: addedEnterprises };
  }

  /** The event if the caller may read it; 404 for another tenant's as for an absent one. */
  private async requireReadable(
    caller: Caller,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ title: string }> {
    const scope = eventVisibility(caller, 2);
    const [event] = await manager.query<{ title: string }[]>(
      `SELECT event.title FROM matchmaking_events event WHERE event.id = $1 AND ${scope.sql}`,
      [id, ...scope.values],
    );
    if (event === undefined) {
      throw DomainError.notFound(EVENT);
    }
    return event;
  }

  private async detail(manager: EntityManager, id: string): Promise<EventDetailDto> {
    const [row] = await manager.query<EventRow[]>(`${EVENT_SELECT} WHERE event.id = $1`, [id]);
    if (row === undefined) {
      throw DomainError.notFound(EVENT);
    }
    const banks = await manager.query<{ id: string; name: string }[]>(
      `SELECT b.id, b.name FROM event_banks part JOIN banks b ON b.id = part.bank_id
        WHERE part.event_id = $1 ORDER BY b.name, b.id`,
      [id],
    );
    const enterprises = await manager.query<{ id: string; name: string }[]>(
      `SELECT e.id, e.name FROM event_enterprises part JOIN enterprises e ON e.id = part.enterprise_id
        WHERE part.event_id = $1 ORDER BY e.name, e.id`,
      [id],
    );
    return { ...toEventResponse(row), banks, enterprises };
  }

  private async readIntent(manager: EntityManager, id: string): Promise<IntentRow> {
    const [row] = await manager.query<IntentRow[]>(`${INTENT_SELECT} WHERE intent.id = $1`, [id]);
    if (row === undefined) {
      throw new Error(`event intent ${id} vanished inside its transaction`);
    }
    return row;
  }
}

/** 400 naming the ids in `ids` that are not rows of `table`. */
async function requireAll(
  manager: EntityManager,
  table: 'banks' | 'enterprises',
  field: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  const found = await manager.query<{ id: string }[]>(
    `SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const known = new Set(found.map((row) => row.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw DomainError.validation(field, `names unknown ${table}: ${unknown.join(', ')}`);
  }
}

function translateConstraint(error: unknown): unknown {
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (postgresErrorCode(error) === '23503') {
    if (constraint === 'event_intents_enterprise_takes_part') {
      return DomainError.validation('enterpriseId', 'names no enterprise taking part in the event');
    }
    if (constraint === 'event_intents_bank_takes_part') {
      return DomainError.validation('bankId', 'names no bank taking part in the event');
    }
  }
  return error;
}
