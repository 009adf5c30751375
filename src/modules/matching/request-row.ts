import { toFenFromDb } from '../../common/money/money.js';
import type { FinancingRequestEntity } from './financing-request.entity.js';

/**
 * A financing request with its enterprise's and project's names, as the raw reads (the list and
 * the detail) select it from `financing_requests r`, `enterprises e` and `projects p`.
 */
export const REQUEST_COLUMNS = `r.id, r.enterprise_id AS "enterpriseId", r.project_id AS "projectId",
       r.amount_fen::text AS "amountFen", r.term_months AS "termMonths", r.purpose,
       r.guarantee_offered AS "guaranteeOffered", r.rate_ceiling::text AS "rateCeiling",
       r.description, r.status, r.created_by AS "createdBy", r.on_behalf AS "onBehalf",
       r.close_reason AS "closeReason", r.created_at AS "createdAt", r.updated_at AS "updatedAt",
       e.name AS "enterpriseName", p.name AS "projectName"`;

/** A row selected with REQUEST_COLUMNS (the amount as text: BIGINT fen must not pass a float). */
export interface RequestRow extends Omit<FinancingRequestEntity, 'amountFen'> {
  amountFen: string;
  enterpriseName: string;
  projectName: string | null;
}

/** The entity alone: the row's other columns (names, a read's position) are not copied into it. */
export function toRequestEntity(row: RequestRow): FinancingRequestEntity {
  return {
    id: row.id,
    enterpriseId: row.enterpriseId,
    projectId: row.projectId,
    amountFen: toFenFromDb(row.amountFen),
    termMonths: row.termMonths,
    purpose: row.purpose,
    guaranteeOffered: row.guaranteeOffered,
    rateCeiling: row.rateCeiling,
    description: row.description,
    status: row.status,
    createdBy: row.createdBy,
    onBehalf: row.onBehalf,
    closeReason: row.closeReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
