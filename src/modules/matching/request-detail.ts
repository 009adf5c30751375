import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { toFenFromDb } from '../../common/money/money.js';
import { pgPool } from '../../database/pg-pool.js';
import { TurnBatch } from '../../database/turn-batch.js';
import { FinancingRequestDetailDto, toFinancingRequestDetail } from './financing-requests.dto.js';
import type { MatchStatus } from './lifecycles.js';
import type { MatchEntity } from './match.entity.js';
import { toMatchResponse } from './matches.dto.js';
import { REQUEST_COLUMNS, type RequestRow, toRequestEntity } from './request-row.js';
import type { TimelineRow } from './request-timeline.js';

/*
 * The whole detail of a request in one statement, so a read costs one round trip instead of
 * seven: the request and its names, the access check (WHERE: absent and "not yours" both yield no
 * row, hence the same 404), the matches with their names and assignment history, and the
 * timeline, the last three as JSON arrays. Same rows, filters and order as FinancingRequestsService
 * .detail, MatchViews.contexts and RequestTimeline.read, which the write paths still use.
 * One row per read of a batch, the arrays side by side (q): the request id; the caller sees
 * everything; the caller's enterprise (enterprise users); the caller's bank (bank staff: only that
 * bank's matches and their timeline lines); `position` says which read a row answers.
 * Amounts and rates travel as text (no float), instants as JSON timestamps.
 */
const DETAIL_SQL = `
SELECT ${REQUEST_COLUMNS}, q.position::int AS position,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'id', m.id, 'bankId', m.bank_id, 'productId', m.product_id, 'status', m.status,
                  'presidentId', m.president_id, 'officerId', m.officer_id,
                  'dispatchedBy', m.dispatched_by, 'dispatchedAt', m.dispatched_at,
                  'responseDueAt', m.response_due_at, 'escalatedAt', m.escalated_at,
                  'acceptedAt', m.accepted_at, 'approvedAt', m.approved_at,
                  'approvedAmountFen', m.approved_amount_fen::text,
                  'annualRate', m.annual_rate::text, 'approvedTermMonths', m.approved_term_months,
                  'disbursedAt', m.disbursed_at,
                  'disbursedAmountFen', m.disbursed_amount_fen::text,
                  'disbursedOn', m.disbursed_on, 'contractNo', m.contract_no,
                  'closedAt', m.closed_at, 'declineReasonCode', m.decline_reason_code,
                  'declineReason', m.decline_reason, 'recallReason', m.recall_reason,
                  'createdAt', m.created_at, 'updatedAt', m.updated_at,
                  'bankName', b.name, 'productName', product.name,
                  'presidentName', president.display_name, 'officerName', officer.display_name,
                  'declineLabel', reason.label,
                  'assignments', COALESCE((
                    SELECT json_agg(json_build_object(
                             'officerId', a.officer_id, 'officerName', assignee.display_name,
                             'assignedById', a.assigned_by, 'assignedByName', assigner.display_name,
                             'assignedAt', a.assigned_at)
                           ORDER BY a.assigned_at, a.id)
                      FROM match_assignments a
                      JOIN users assignee ON assignee.id = a.officer_id
                      JOIN users assigner ON assigner.id = a.assigned_by
                     WHERE a.match_id = m.id), '[]'::json))
                ORDER BY m.dispatched_at, m.id)
           FROM matches m
           JOIN banks b ON b.id = m.bank_id
           JOIN users president ON president.id = m.president_id
           LEFT JOIN users officer ON officer.id = m.officer_id
           LEFT JOIN products product ON product.id = m.product_id
           LEFT JOIN decline_reasons reason ON reason.code = m.decline_reason_code
          WHERE m.request_id = r.id AND (q.bank_id IS NULL OR m.bank_id = q.bank_id)), '[]'::json)
         AS matches,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'id', ev.id, 'matchId', ev.match_id, 'bankId', em.bank_id,
                  'bankName', eb.name, 'action', ev.action, 'fromStatus', ev.from_status,
                  'toStatus', ev.to_status, 'actorId', ev.actor_id, 'actorRole', ev.actor_role,
                  'actorName', actor.display_name, 'occurredAt', ev.occurred_at,
                  'details', ev.details)
                ORDER BY ev.occurred_at, ev.id)
           FROM request_events ev
           LEFT JOIN matches em ON em.id = ev.match_id
           LEFT JOIN banks eb ON eb.id = em.bank_id
           LEFT JOIN users actor ON actor.id = ev.actor_id
          WHERE ev.request_id = r.id
            AND (q.bank_id IS NULL OR ev.match_id IS NULL OR em.bank_id = q.bank_id)), '[]'::json)
         AS timeline
  FROM unnest($1::uuid[], $2::boolean[], $3::uuid[], $4::uuid[])
       WITH ORDINALITY AS q (request_id, sees_all, enterprise_id, bank_id, position)
  JOIN financing_requests r ON r.id = q.request_id
  JOIN enterprises e ON e.id = r.enterprise_id
  LEFT JOIN projects p ON p.id = r.project_id
 WHERE q.sees_all
    OR r.enterprise_id = q.enterprise_id
    OR EXISTS (SELECT 1 FROM matches stake
                WHERE stake.request_id = r.id AND stake.bank_id = q.bank_id)`;

/** A JSON instant as PostgreSQL writes it (ISO 8601 with offset), or null. */
type Instant = string | null;

interface MatchJson {
  id: string;
  bankId: string;
  productId: string | null;
  status: MatchStatus;
  presidentId: string;
  officerId: string | null;
  dispatchedBy: string;
  dispatchedAt: string;
  responseDueAt: string;
  escalatedAt: Instant;
  acceptedAt: Instant;
  approvedAt: Instant;
  approvedAmountFen: string | null;
  annualRate: string | null;
  approvedTermMonths: number | null;
  disbursedAt: Instant;
  disbursedAmountFen: string | null;
  disbursedOn: string | null;
  contractNo: string | null;
  closedAt: Instant;
  declineReasonCode: string | null;
  declineReason: string | null;
  recallReason: string | null;
  createdAt: string;
  updatedAt: string;
  bankName: string;
  productName: string | null;
  presidentName: string;
  officerName: string | null;
  declineLabel: string | null;
  assignments: {
    officerId: string;
    officerName: string;
    assignedById: string;
    assignedByName: string;
    assignedAt: string;
  }[];
}

type TimelineJson = Omit<TimelineRow, 'occurredAt'> & { occurredAt: string };

interface DetailRow extends RequestRow {
  position: number;
  matches: MatchJson[];
  timeline: TimelineJson[];
}

const instant = (value: Instant): Date | null => (value === null ? null : new Date(value));

function toMatchEntity(row: MatchJson, requestId: string): MatchEntity {
  return {
    id: row.id,
    requestId,
    bankId: row.bankId,
    productId: row.productId,
    status: row.status,
    presidentId: row.presidentId,
    officerId: row.officerId,
    dispatchedBy: row.dispatchedBy,
    dispatchedAt: new Date(row.dispatchedAt),
    responseDueAt: new Date(row.responseDueAt),
    escalatedAt: instant(row.escalatedAt),
    acceptedAt: instant(row.acceptedAt),
    approvedAt: instant(row.approvedAt),
    approvedAmountFen: toFenFromDb(row.approvedAmountFen),
    annualRate: row.annualRate,
    approvedTermMonths: row.approvedTermMonths,
    disbursedAt: instant(row.disbursedAt),
    disbursedAmountFen: toFenFromDb(row.disbursedAmountFen),
    disbursedOn: row.disbursedOn,
    contractNo: row.contractNo,
    closedAt: instant(row.closedAt),
    declineReasonCode: row.declineReasonCode,
    declineReason: row.declineReason,
    recallReason: row.recallReason,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

/** One read of a batch: the request and what the caller's access check needs. */
type DetailKey = [id: string, seesAll: boolean, enterpriseId: string | null, bankId: string | null];

/**
 * GET /financing-requests/:id. The reads that arrive in the same turn of the event loop go to the
 * database together, as one execution of a named prepared statement (parsed and planned once per
 * pooled connection): under load, one round trip serves many requests. Every read is issued after
 * its request arrived, so nothing is served stale.
 */
@Injectable()
export class RequestDetailReader {
  private readonly batch: TurnBatch<DetailKey, DetailRow>;

  constructor(
    dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.batch = new TurnBatch(async (keys) => {
      const column = <T>(index: number): T[] => keys.map((key) => key[index] as T);
      const { rows } = await pgPool(dataSource).query<DetailRow>({
        name: 'financing-request-details',
        text: DETAIL_SQL,
        values: [column(0), column(1), column(2), column(3)],
      });
      const byPosition = new Map(rows.map((row) => [row.position, row]));
      return keys.map((_, index) => byPosition.get(index + 1));
    });
  }

  async read(caller: Caller, id: string): Promise<FinancingRequestDetailDto> {
    const bankStaff = caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
    const row = await this.batch.read([
      id,
      seesEverything(caller),
      caller.role === Role.Enterprise ? caller.enterpriseId : null,
      bankStaff ? caller.bankId : null,
    ]);
    if (row === undefined) {
      throw DomainError.notFound('financing request');
    }
    return this.toDetail(row);
  }

  private toDetail(row: DetailRow): FinancingRequestDetailDto {
    const { enterpriseName, projectName, matches: matchRows, timeline } = row;
    const request = toRequestEntity(row);
    const now = this.clock.now();
    const totals = { approvedFen: 0n, disbursedFen: 0n };
    const matches = matchRows.map((match) => {
      const entity = toMatchEntity(match, request.id);
      if (entity.status === 'approved' || entity.status === 'disbursed') {
        totals.approvedFen += entity.approvedAmountFen ?? 0n;
      }
      if (entity.status === 'disbursed') {
        totals.disbursedFen += entity.disbursedAmountFen ?? 0n;
      }
      return toMatchResponse(
        entity,
        {
          enterpriseId: request.enterpriseId,
          enterpriseName,
          requestedAmountFen: request.amountFen,
          bankName: match.bankName,
          productName: match.productName,
          presidentName: match.presidentName,
          officerName: match.officerName,
          declineLabel: match.declineLabel,
          assignments: match.assignments.map((assignment) => ({
            ...assignment,
            assignedAt: new Date(assignment.assignedAt),
          })),
        },
        now,
      );
    });
    return toFinancingRequestDetail(
      request,
      { enterpriseName, projectName },
      matches,
      totals,
      timeline.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })),
    );
  }
}
