import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Actor } from '../../common/auth/caller.js';

let lastMillisecond = 0;
let counter = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * made by this process in the same millisecond increasing, then random bits. The timeline orders
 * by (occurred_at, id), and occurred_at has millisecond precision: several events of one
 * transaction (a match declined, then the request reopened) often share a millisecond, and a
 * random id would shuffle them.
 */
export function sequentialUuid(now: number = Date.now()): string {
  if (now > lastMillisecond) {
    lastMillisecond = now;
    counter = 0;
  } else {
    counter += 1;
    if (counter > 0xfff) {
      // More than 4096 ids in one millisecond: borrow the next millisecond.
      lastMillisecond += 1;
      counter = 0;
    }
  }
  const bytes = randomBytes(16);
  let time = lastMillisecond;
  for (let index = 5; index >= 0; index -= 1) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface TimelineEvent {
  requestId: string;
  /** The match moved, or whose move caused this request move; null for the request's own. */
  matchId: string | null;
  /** Dotted verb: `request.submitted`, `match.dispatched`, `match.assigned`, … */
  action: string;
  from: string | null;
  to: string | null;
  details?: Record<string, unknown>;
}

/** One timeline line as read back, with the names a reader needs. */
export interface TimelineRow {
  id: string;
  matchId: string | null;
  bankId: string | null;
  bankName: string | null;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorId: string | null;
  actorRole: string | null;
  actorName: string | null;
  occurredAt: Date;
  details: Record<string, unknown> | null;
}

/**
 * The timeline of a financing request (request_events): every transition of the request and of
 * its matches, with the actor and the time. Written in the transaction of the change.
 */
@Injectable()
export class RequestTimeline {
  async record(manager: EntityManager, actor: Actor, event: TimelineEvent): Promise<void> {
    await manager.query(
      `INSERT INTO request_events
         (id, request_id, match_id, action, from_status, to_status, actor_id, actor_role, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      [
        sequentialUuid(),
        event.requestId,
        event.matchId,
        event.action,
        event.from,
        event.to,
        actor.userId,
        actor.role,
        event.details === undefined ? null : JSON.stringify(event.details),
      ],
    );
  }

  /**
   * The request's timeline, oldest first. With `bankId` (bank staff), only the request's own
   * moves and the moves of that bank's matches: another bank's dealings are not theirs to see.
   */
  async read(
    manager: EntityManager,
    requestId: string,
    bankId: string | null,
  ): Promise<TimelineRow[]> {
    return manager.query<TimelineRow[]>(
      `SELECT e.id, e.match_id AS "matchId", m.bank_id AS "bankId", b.name AS "bankName",
              e.action, e.from_status AS "fromStatus", e.to_status AS "toStatus",
              e.actor_id AS "actorId", e.actor_role AS "actorRole", u.display_name AS "actorName",
              e.occurred_at AS "occurredAt", e.details
         FROM request_events e
         LEFT JOIN matches m ON m.id = e.match_id
         LEFT JOIN banks b ON b.id = m.bank_id
         LEFT JOIN users u ON u.id = e.actor_id
        WHERE e.request_id = $1
          AND ($2::uuid IS NULL OR e.match_id IS NULL OR m.bank_id = $2::uuid)
        ORDER BY e.occurred_at, e.id`,
      [requestId, bankId],
    );
  }
}
