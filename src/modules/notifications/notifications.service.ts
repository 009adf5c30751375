import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction } from '../../database/transaction.js';
import {
  ListNotificationsQueryDto,
  MarkedReadDto,
  NotificationResponseDto,
  NotificationRow,
  toNotificationResponse,
} from './notifications.dto.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

export interface NotificationDraft {
  /** A short machine kind, e.g. `match.dispatched`. */
  kind: string;
  /** One line for the inbox, in Chinese (users read it). */
  title: string;
  body: string;
  entityType?: string;
  entityId?: string;
}

const COLUMNS = 'id, kind, title, body, entity_type, entity_id, read_at, created_at';
const READ_FLAGS = ['unread', 'read'];

function isCursorKey(key: string, position: number): boolean {
  switch (position) {
    case 0:
      return READ_FLAGS.includes(key);
    case 1:
      // created_at is timestamptz(3), so a JS Date (and its ISO text) is exact.
      return isIsoInstant(key);
    default:
      return isUuid(key);
  }
}

/**
 * In-app notifications for every hand-off, written in the same transaction as the change, so a
 * rolled-back change never announces itself. Users read only their own inbox: the recipient is
 * always the caller. Marking read is the reader's own inbox state, not a business change, so it
 * leaves no audit row.
 */
@Injectable()
export class NotificationsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Unread first, then newest first: the order of the index notifications_user_idx. The cursor
   * carries the last row's (read flag, created_at, id); the next page is everything after it in
   * that order.
   */
  async list(
    caller: Caller,
    query: ListNotificationsQueryDto,
  ): Promise<Page<NotificationResponseDto>> {
    const limit = query.limit ?? 20;
    const values: unknown[] = [caller.userId];
    const conditions = ['user_id = $1'];
    if (query.unread !== undefined) {
      conditions.push(query.unread ? 'read_at IS NULL' : 'read_at IS NOT NULL');
    }
    if (query.cursor !== undefined) {
      const [flag, createdAt, id] = decodeCursor(query.cursor, 3, isCursorKey);
      values.push(flag === 'read', createdAt, id);
      conditions.push(
        `((read_at IS NOT NULL) > $2::boolean
          OR ((read_at IS NOT NULL) = $2::boolean
              AND (created_at, id) < ($3::timestamptz, $4::uuid)))`,
      );
    }
    values.push(limit + 1);
    const rows = await this.dataSource.query<NotificationRow[]>(
      `SELECT ${COLUMNS} FROM notifications
        WHERE ${conditions.join(' AND ')}
        ORDER BY (read_at IS NOT NULL), created_at DESC, id DESC
        LIMIT $${values.length}`,
      values,
    );
    return toPage(
      rows,
      limit,
      (row) => [row.read_at === null ? 'unread' : 'read', row.created_at.toISOString(), row.id],
      toNotificationResponse,
    );
  }

  /** Idempotent: a second call keeps the first read_at. Another user's notification is 404. */
  async markRead(caller: Caller, id: string): Promise<NotificationResponseDto> {
    const row = await inTransaction(this.dataSource, async (manager) => {
      // TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected count].
      const [[marked]] = await manager.query<[NotificationRow[], number]>(
        `UPDATE notifications SET read_at = now()
          WHERE id = $1 AND user_id = $2 AND read_at IS NULL RETURNING ${COLUMNS}`,
        [id, caller.userId],
      );
      if (marked !== undefined) {
        return marked;
      }
      const [current] = await manager.query<NotificationRow[]>(
        `SELECT ${COLUMNS} FROM notifications WHERE id = $1 AND user_id = $2`,
        [id, caller.userId],
      );
      return current;
    });
    if (row === undefined) {
      throw DomainError.notFound('notification');
    }
    return toNotificationResponse(row);
  }

  async markAllRead(caller: Caller): Promise<MarkedReadDto> {
    const [{ marked }] = await inTransaction(this.dataSource, (manager) =>
      manager.query<[{ marked: number }]>(
        `WITH marked AS (
           UPDATE notifications SET read_at = now()
            WHERE user_id = $1 AND read_at IS NULL RETURNING 1)
         SELECT count(*)::int AS marked FROM marked`,
        [caller.userId],
      ),
    );
    return { marked };
  }
  async notify(
    manager: EntityManager,
    userIds: readonly string[],
    draft: NotificationDraft,
  ): Promise<void> {
    const recipients = [...new Set(userIds)];
    if (recipients.length === 0) {
      return;
    }
    await manager.query(
      `INSERT INTO notifications (user_id, kind, title, body, entity_type, entity_id)
       SELECT unnest($1::uuid[]), $2, $3, $4, $5, $6`,
      [
        recipients,
        draft.kind,
        draft.title,
        draft.body,
        draft.entityType ?? null,
        draft.entityId ?? null,
      ],
    );
  }

  /** The project center: every active administrator. */
  async notifyCenter(manager: EntityManager, draft: NotificationDraft): Promise<void> {
    await manager.query(
      `INSERT INTO notifications (user_id, kind, title, body, entity_type, entity_id)
       SELECT id, $1, $2, $3, $4, $5 FROM users WHERE role = 'admin' AND disabled_at IS NULL`,
      [draft.kind, draft.title, draft.body, draft.entityType ?? null, draft.entityId ?? null],
    );
  }

  /** Every active user of an enterprise (its finance staff). */
  async notifyEnterprise(
    manager: EntityManager,
    enterpriseId: string,
    draft: NotificationDraft,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO notifications (user_id, kind, title, body, entity_type, entity_id)
       SELECT id, $2, $3, $4, $5, $6 FROM users
        WHERE enterprise_id = $1 AND role = 'enterprise' AND disabled_at IS NULL`,
      [
        enterpriseId,
        draft.kind,
        draft.title,
        draft.body,
        draft.entityType ?? null,
        draft.entityId ?? null,
      ],
    );
  }
}
