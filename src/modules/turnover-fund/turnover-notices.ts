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

/** The arguments of the SQL function `turnover_notify` (after `kind`) for these notices. */
export function noticeArguments(
  application: { id: string; enterpriseId: string; bankId: string },
  notices: PartyNotices,
): [string, string[], (string | undefined)[], (string | undefined)[], string, string] {
  const parties = (['enterprise', 'bank', 'center'] as const).filter(
    (party) => notices[party] !== undefined,
  );
  return [
    application.id,
    parties,
    parties.map((party) => notices[party]?.title),
    parties.map((party) => notices[party]?.body),
    application.enterpriseId,
    application.bankId,
  ];
}

/**
 * In-app notifications for the turnover fund's hand-offs. Same table and meaning as
 * NotificationsService, but every party of a hand-off is written by ONE statement (the SQL
 * function `turnover_notify`, which the one-round-trip money moves call too): the money paths
 * are measured against TPC-B, and each round trip counts. Written in the transaction of the
 * change, so a rolled-back change announces nothing.
 */
@Injectable()
export class TurnoverNotices {
  async send(
    manager: EntityManager,
    application: { id: string; enterpriseId: string; bankId: string },
    kind: string,
    notices: PartyNotices,
  ): Promise<void> {
    const args = noticeArguments(application, notices);
    if (args[1].length === 0) {
      return;
    }
    await manager.query('SELECT turnover_notify($1, $2, $3, $4, $5, $6, $7)', [kind, ...args]);
  }
}
