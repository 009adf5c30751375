import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface NotificationDraft {
  /** A short machine kind, e.g. `match.dispatched`. */
  kind: string;
  /** One line for the inbox, in Chinese (users read it). */
  title: string;
  body: string;
  entityType?: string;
  entityId?: string;
}

/**
 * In-app notifications for every hand-off, written in the same transaction as the change, so a
 * rolled-back change never announces itself.
 */
@Injectable()
export class NotificationsService {
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
