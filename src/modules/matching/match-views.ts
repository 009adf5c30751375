import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { toFenFromDb } from '../../common/money/money.js';
import type { MatchContext } from './matches.dto.js';
import { MatchEntity } from './match.entity.js';

interface NamesRow {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  requestedAmountFen: string;
  bankName: string;
  productName: string | null;
  presidentName: string;
  officerName: string | null;
  declineLabel: string | null;
}

interface AssignmentRow {
  matchId: string;
  officerId: string;
  officerName: string;
  assignedById: string;
  assignedByName: string;
  assignedAt: Date;
}

/** Loads what match responses show beyond the row (names, assignment history), in two queries. */
@Injectable()
export class MatchViews {
  async contexts(
    manager: EntityManager,
    matches: readonly MatchEntity[],
  ): Promise<Map<string, MatchContext>> {
    const ids = matches.map((match) => match.id);
    if (ids.length === 0) {
      return new Map();
    }
    const [names, assignments] = await Promise.all([
      manager.query<NamesRow[]>(
        `SELECT m.id, r.enterprise_id AS "enterpriseId", e.name AS "enterpriseName",
                r.amount_fen::text AS "requestedAmountFen", b.name AS "bankName",
                p.name AS "productName", president.display_name AS "presidentName",
                officer.display_name AS "officerName", reason.label AS "declineLabel"
           FROM matches m
           JOIN financing_requests r ON r.id = m.request_id
           JOIN enterprises e ON e.id = r.enterprise_id
           JOIN banks b ON b.id = m.bank_id
           JOIN users president ON president.id = m.president_id
           LEFT JOIN users officer ON officer.id = m.officer_id
           LEFT JOIN products p ON p.id = m.product_id
           LEFT JOIN decline_reasons reason ON reason.code = m.decline_reason_code
          WHERE m.id = ANY($1::uuid[])`,
        [ids],
      ),
      manager.query<AssignmentRow[]>(
        `SELECT a.match_id AS "matchId", a.officer_id AS "officerId",
                officer.display_name AS "officerName", a.assigned_by AS "assignedById",
                assigner.display_name AS "assignedByName", a.assigned_at AS "assignedAt"
           FROM match_assignments a
           JOIN users officer ON officer.id = a.officer_id
           JOIN users assigner ON assigner.id = a.assigned_by
          WHERE a.match_id = ANY($1::uuid[])
          ORDER BY a.assigned_at, a.id`,
        [ids],
      ),
    ]);
    const contexts = new Map<string, MatchContext>();
    for (const row of names) {
      contexts.set(row.id, {
        enterpriseId: row.enterpriseId,
        enterpriseName: row.enterpriseName,
        requestedAmountFen: toFenFromDb(row.requestedAmountFen),
        bankName: row.bankName,
        productName: row.productName,
        presidentName: row.presidentName,
        officerName: row.officerName,
        declineLabel: row.declineLabel,
        assignments: [],
      });
    }
    for (const { matchId, ...assignment } of assignments) {
      contexts.get(matchId)?.assignments.push(assignment);
    }
    return contexts;
  }
}
