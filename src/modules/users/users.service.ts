import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { applyPatch } from '../../common/patch.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { BankPresidency, becomesActivePresident } from '../banks/bank-presidency.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UserEntity } from './user.entity.js';
import {
  CreateUserDto,
  ListUsersQueryDto,
  toUserResponse,
  UpdateUserDto,
  UserResponseDto,
} from './users.dto.js';
import { isUuid } from '../../common/validation/identifiers.js';

/** The cursor's time as PostgreSQL wrote it, to the microsecond (a JS Date keeps milliseconds). */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

interface Tenant {
  enterpriseId: string | null;
  bankId: string | null;
}

/** Each role belongs to exactly one kind of tenant (or none); the database checks it too. */
export function checkTenant(role: Role, tenant: Tenant): void {
  const needs = (field: 'enterpriseId' | 'bankId', required: boolean): void => {
    const present = tenant[field] !== null;
    if (required && !present) {
      throw DomainError.validation(field, `is required for the role ${role}`);
    }
    if (!required && present) {
      throw DomainError.validation(field, `must be empty for the role ${role}`);
    }
  };
  needs('enterpriseId', role === Role.Enterprise);
  needs('bankId', role === Role.BankOfficer || role === Role.BankPresident);
}

/** What the audit log keeps of a user: everything but the password hash. */
function auditView(user: UserEntity): Record<string, unknown> {
  return Object.fromEntries(Object.entries(user).filter(([key]) => key !== 'passwordHash'));
}

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly presidency: BankPresidency,
  ) {}

  async create(caller: Caller, dto: CreateUserDto): Promise<UserResponseDto> {
    const tenant = { enterpriseId: dto.enterpriseId ?? null, bankId: dto.bankId ?? null };
    checkTenant(dto.role, tenant);
    const passwordHash = await this.hasher.hash(dto.password);
    const user = await inTransaction(this.dataSource, (manager) =>
      this.insert(manager, actorOf(caller), { ...dto, ...tenant, passwordHash }),
    );
    return toUserResponse(user);
  }

  /**
   * Inserts a user inside the caller's transaction (also used by enterprise self-registration),
   * turning constraint violations into the field they concern.
   */
  async insert(
    manager: EntityManager,
    actor: Actor,
    fields: {
      username: string;
      displayName: string;
      passwordHash: string;
      role: Role;
      enterpriseId: string | null;
      bankId: string | null;
    },
  ): Promise<UserEntity> {
    const repository = manager.getRepository(UserEntity);
    if (fields.bankId !== null && becomesActivePresident(null, { ...fields, disabledAt: null })) {
      // A new president replaces the old one (demoted, audited) in this transaction.
      await this.presidency.makeRoomFor(manager, actor, fields.bankId, null);
    }
    let user: UserEntity;
    try {
      user = await repository.save(repository.create({ ...fields, disabledAt: null }));
    } catch (error) {
      throw translateConstraint(error);
    }
    if (fields.bankId !== null && becomesActivePresident(null, { ...fields, disabledAt: null })) {
      await this.presidency.handOver(manager, actor, fields.bankId, user.id);
    }
    await this.audit.record(manager, {
      actor,
      action: 'user.created',
      entityType: 'user',
      entityId: user.id,
      after: auditView(user),
    });
    return user;
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    const limit = query.limit ?? 20;
    const builder = this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      // The cursor keeps created_at to the microsecond: users created in one transaction share
      // it, and a millisecond-truncated key (user.createdAt is a JS Date) sorts before all of
      // them, so the next page would skip every remaining user of that instant.
      .addSelect(
        `to_char(user.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        'cursor_time',
      )
      .orderBy('user.created_at', 'DESC')
      .addOrderBy('user.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? CURSOR_TIME.test(key) : isUuid(key),
      );
      builder.andWhere('(user.created_at, user.id) < (:createdAt::timestamptz, :id::uuid)', {
        createdAt,
        id,
      });
    }
    if (query.role !== undefined) {
      builder.andWhere('user.role = :role', { role: query.role });
    }
    if (query.bankId !== undefined) {
      builder.andWhere('user.bank_id = :bankId', { bankId: query.bankId });
    }
    if (query.enterpriseId !== undefined) {
      builder.andWhere('user.enterprise_id = :enterpriseId', { enterpriseId: query.enterpriseId });
    }
    if (query.q !== undefined && query.q.length > 0) {
      builder.andWhere('(user.username ILIKE :q OR user.display_name ILIKE :q)', {
        q: `%${query.q.replace(/[\\%_]/g, (match) => `\\${match}`)}%`,
      });
    }
    const { entities, raw } = await builder.getRawAndEntities<{
      user_id: string;
      cursor_time: string;
    }>();
    const cursorTimes = new Map(raw.map((row) => [row.user_id, row.cursor_time]));
    return toPage(
      entities,
      limit,
      (user) => [cursorTimes.get(user.id) ?? '', user.id],
      toUserResponse,
    );
  }

  async get(id: string): Promise<UserResponseDto> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id });
    if (!user) {
      throw DomainError.notFound('user');
    }
    return toUserResponse(user);
  }

  async update(caller: Caller, id: string, dto: UpdateUserDto): Promise<UserResponseDto> {
    const passwordHash =
      dto.password === undefined ? undefined : await this.hasher.hash(dto.password);
    const user = await inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(UserEntity);
      const current = await repository.findOne({
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) {
        throw DomainError.notFound('user');
      }
      if (
        current.id === caller.userId &&
        (dto.disabled === true || (dto.role ?? Role.Admin) !== Role.Admin)
      ) {
        throw new DomainError(
          ErrorCode.Conflict,
          'An administrator cannot disable or demote their own account',
        );
      }
      const before = auditView(current);
      const { next } = applyPatch(
        current,
        {
          ...dto,
          disabledAt:
            dto.disabled === undefined
              ? undefined
              : dto.disabled
                ? (current.disabledAt ?? new Date())
                : null,
          passwordHash,
        },
        ['displayName', 'role', 'enterpriseId', 'bankId', 'disabledAt', 'passwordHash'],
      );
      checkTenant(next.role, next);
      if (next.bankId !== null && becomesActivePresident(current, next)) {
        // A new president replaces the old one (demoted, audited) in this transaction.
        await this.presidency.makeRoomFor(manager, actorOf(caller), next.bankId, id);
      }
      let saved: UserEntity;
      try {
        saved = await repository.save(next);
      } catch (error) {
        throw translateConstraint(error);
      }
      if (next.bankId !== null && becomesActivePresident(current, next)) {
        await this.presidency.handOver(manager, actorOf(caller), next.bankId, id);
      }
      if (dto.disabled === true && current.disabledAt === null) {
        // Refresh tokens die with the account; access tokens stop at the guard's user check.
        await manager.query(
          'UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL',
          [id],
        );
      }
      for (const action of changeActions(current, saved, passwordHash !== undefined)) {
        await this.audit.record(manager, {
          actor: actorOf(caller),
          action,
          entityType: 'user',
          entityId: id,
          before,
          after: auditView(saved),
        });
      }
      return saved;
    });
    return toUserResponse(user);
  }
}

/** One audit action per kind of change, so the log reads as what happened. */
function changeActions(before: UserEntity, after: UserEntity, passwordChanged: boolean): string[] {
  const actions: string[] = [];
  if (before.role !== after.role) {
    actions.push('user.role_changed');
  }
  if (before.disabledAt === null && after.disabledAt !== null) {
    actions.push('user.disabled');
  }
  if (before.disabledAt !== null && after.disabledAt === null) {
    actions.push('user.enabled');
  }
  if (passwordChanged) {
    actions.push('user.password_reset');
  }
  if (
    before.displayName !== after.displayName ||
    before.bankId !== after.bankId ||
    before.enterpriseId !== after.enterpriseId
  ) {
    actions.push('user.updated');
  }
  return actions;
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'users_username_lower_key') {
    return new DomainError(ErrorCode.UsernameTaken, 'This username is already taken', {
      errors: [{ field: 'username', message: 'is already taken' }],
    });
  }
  if (code === '23505' && constraint === 'users_one_active_president_per_bank') {
    // Only reachable by a write that skipped BankPresidency; never a 500.
    return new DomainError(ErrorCode.Conflict, 'This bank already has an active president', {
      errors: [{ field: 'role', message: 'the bank already has an active president' }],
    });
  }
  if (code === '23503' && constraint === 'users_bank_id_fkey') {
    return DomainError.validation('bankId', 'names no bank');
  }
  if (code === '23503' && constraint === 'users_enterprise_id_fkey') {
    return DomainError.validation('enterpriseId', 'names no enterprise');
  }
  return error;
}
