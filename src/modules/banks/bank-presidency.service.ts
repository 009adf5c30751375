import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';

/** The parts of a user that decide whether they are a bank's active president (行长). */
export interface PresidencyState {
  role: Role;
  bankId: string | null;
  disabledAt: Date | null;
}

function isActivePresident(user: PresidencyState): boolean {
  return user.role === Role.BankPresident && user.bankId !== null && user.disabledAt === null;
}

/**
 * True when saving `next` makes the user the active president of a bank they were not already
 * the active president of (promotion, a move to another bank, or re-enabling a president); a
 * new user has no `current`.
 */
export function becomesActivePresident(
  current: PresidencyState | null,
  next: PresidencyState,
): boolean {
  return (
    isActivePresident(next) &&
    !(current !== null && isActivePresident(current) && current.bankId === next.bankId)
  );
}

/** The audit view of a user row (as UsersService records it: never the password hash). */
interface UserAuditRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: string | null;
  bankId: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const USER_AUDIT_COLUMNS = `id, username, display_name AS "displayName", role,
  enterprise_id AS "enterpriseId", bank_id AS "bankId", disabled_at AS "disabledAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * 行长制: exactly one active president per bank (the partial unique index
 * `users_one_active_president_per_bank` is the last word). A new president replaces the old one:
 * UsersService calls {@link BankPresidency.makeRoomFor} inside its transaction, before it saves
 * the new president, and the old one is demoted to bank officer, audited, in that same
 * transaction.
 *
 * Lives in the banks module but reads and writes `users` with plain SQL, so the users module
 * depends on this module and not the other way round (no circular import).
 */
@Injectable()
export class BankPresidency {
  private readonly logger = new Logger(BankPresidency.name);

  constructor(
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Demotes the bank's current active president (other than `newPresidentId`), if any.
   *
   * Every presidency change of one bank first locks the bank's row, so two admins promoting two
   * officers at once are serialised: the second waits here, then (READ COMMITTED: each statement
   * sees what committed before it) finds the first one's new president and demotes them, instead
   * of both demoting the old president and one failing on the unique index. `FOR NO KEY UPDATE`
   * leaves the `KEY SHARE` locks of ordinary user inserts (the foreign key check) unblocked.
   */
  async makeRoomFor(
    manager: EntityManager,
    actor: Actor,
    bankId: string,
    newPresidentId: string | null,
  ): Promise<void> {
    // An unknown bank locks nothing and demotes no one; the user's own foreign key then fails.
    await manager.query('SELECT 1 FROM banks WHERE id = $1 FOR NO KEY UPDATE', [bankId]);
    const incumbents = await manager.query<UserAuditRow[]>(
      `SELECT ${USER_AUDIT_COLUMNS} FROM users
        WHERE bank_id = $1 AND role = 'bank_president' AND disabled_at IS NULL
          AND ($2::uuid IS NULL OR id <> $2::uuid)
        FOR UPDATE`,
      [bankId, newPresidentId],
    );
    for (const before of incumbents) {
      // TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected count].
      const [[after]] = await manager.query<[UserAuditRow[], number]>(
        `UPDATE users SET role = 'bank_officer', updated_at = now() WHERE id = $1
         RETURNING ${USER_AUDIT_COLUMNS}`,
        [before.id],
      );
      await this.audit.record(manager, {
        actor,
        action: 'user.role_changed',
        entityType: 'user',
        entityId: before.id,
        before,
        after,
      });
      this.logger.log({ msg: 'bank president replaced', bankId, demotedUserId: before.id });
    }
  }

  /**
   * 行长制: the president answers for every open case of the bank, so a new president takes over
   * the bank's open matches (dispatched, accepted, approved) from whoever held them, in the
   * transaction that appointed them (after {@link makeRoomFor} locked the bank's row). Each
   * hand-over is audited; the new president is told once how many cases are now theirs.
   */
  async handOver(
    manager: EntityManager,
    actor: Actor,
    bankId: string,
    presidentId: string,
  ): Promise<number> {
    const [moved] = await manager.query<[{ id: string; previous: string }[], number]>(
      `WITH open AS (
         SELECT id, president_id FROM matches
          WHERE bank_id = $1 AND status IN ('dispatched', 'accepted', 'approved')
            AND president_id <> $2
          FOR UPDATE
       )
       UPDATE matches m SET president_id = $2, updated_at = now()
         FROM open WHERE m.id = open.id
       RETURNING m.id, open.president_id AS previous`,
      [bankId, presidentId],
    );
    for (const match of moved) {
      await this.audit.record(manager, {
        actor,
        action: 'match.handed_over',
        entityType: 'match',
        entityId: match.id,
        before: { presidentId: match.previous },
        after: { presidentId },
      });
    }
    if (moved.length > 0) {
      await this.notifications.notify(manager, [presidentId], {
        kind: 'match.handed_over',
        title: `您已接任行长，${moved.length} 件在办对接转由您负责`,
        body: '前任行长名下未办结的对接（已推送、已受理、已审批）已转到您名下，请在收件箱查看期限。',
        entityType: 'bank',
        entityId: bankId,
      });
      this.logger.log({
        msg: 'open matches handed over',
        bankId,
        presidentId,
        count: moved.length,
      });
    }
    return moved.length;
  }
}
