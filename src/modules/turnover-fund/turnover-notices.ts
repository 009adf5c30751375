import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface NoticeText {
  title: string;
  body: string;
}

/** Who hears of a hand-off, each with its own text. */
export interface PartyNotices {
  /** The applying enterprise's users. */
  enterprise?: NoticeText;
  /** The lending bank's staff (officers and presidents). */
  bank?: NoticeText;
  /** The project center: every active administrator. */
  center?: NoticeText;
}

/**
 * In-app notifications for the turnover fund's hand-offs. Same table and meaning as
 * NotificationsService, but every party of a hand-off is written by ONE statement: the money
 * paths (disbursement, repayment) are measured against TPC-B, and each round trip counts.
 * Written in the transaction of the change, so a rolled-back change announces nothing.
 */
@Injectable()
export class TurnoverNotices {
  async send(
    manager: EntityManager,
    application: { id: string; enterpriseId: string; bankId: string },
    kind: string,
    notices: PartyNotices,
  ): Promise<void> {
    const parties = (['enterprise', 'bank', 'center'] as const).filter(
      (party) => notices[party] !== undefined,
    );
    if (parties.length === 0) {
      return;
    }
    await manager.query(
      `INSERT INTO notifications (user_id, kind, title, body, entity_type, entity_id)
       SELECT u.id, $1, notice.title, notice.body, 'turnover_application', $2
         FROM unnest($3::text[], $4::text[], $5::text[]) AS notice (party, title, body)
         JOIN users u ON u.disabled_at IS NULL AND (
              (notice.party = 'enterprise' AND u.role = 'enterprise' AND u.enterprise_id = $6)
           OR (notice.party = 'bank' AND u.role IN ('bank_officer', 'bank_president')
               AND u.bank_id = $7)
           OR (notice.party = 'center' AND u.role = 'admin'))`,
      [
        kind,
        application.id,
        parties,
        parties.map((party) => notices[party]?.title),
        parties.map((party) => notices[party]?.body),
        application.enterpriseId,
        application.bankId,
      ],
    );
  }
}
