import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { AppConfig } from '../../common/config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UserEntity } from '../users/user.entity.js';
import { toUserResponse, UserResponseDto } from '../users/users.dto.js';
import { LoginDto, TokenPairDto } from './auth.dto.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { TokenService } from './token.service.js';

const invalidCredentials = (): DomainError =>
  new DomainError(ErrorCode.InvalidCredentials, 'Wrong username or password');
const invalidRefreshToken = (): DomainError =>
  new DomainError(ErrorCode.InvalidRefreshToken, 'The refresh token is not valid');

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Wrong password, unknown user and disabled account answer the same 401 after the same
   * argon2 work. After LOGIN_MAX_FAILURES failures for a username within the window, every
   * attempt for it answers 429 until the oldest failure leaves the window.
   */
  async login(dto: LoginDto, requestId: string): Promise<TokenPairDto> {
    const usernameKey = dto.username.trim().toLowerCase();
    await this.refuseWhenThrottled(usernameKey);
    const user = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('lower(user.username) = :usernameKey', { usernameKey })
      .getOne();
    const passwordMatches = await this.hasher.verify(user?.passwordHash, dto.password);
    if (!user || !passwordMatches || user.disabledAt !== null) {
      await inTransaction(this.dataSource, async (manager) => {
        await manager.query('INSERT INTO login_failures (username_key) VALUES ($1)', [usernameKey]);
        await this.audit.record(manager, {
          actor: { userId: null, role: null, requestId },
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: user?.id ?? null,
          after: {
            // What was typed into the username box of an unknown user may be a password typed in
            // the wrong box; the append-only log keeps only its digest, enough to spot a pattern.
            ...(user
              ? { username: user.username }
              : { usernameDigest: hashToken(usernameKey).slice(0, 16) }),
            reason: !user ? 'unknown_user' : user.disabledAt ? 'disabled' : 'wrong_password',
          },
        });
      });
      throw invalidCredentials();
    }
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('DELETE FROM login_failures WHERE username_key = $1', [usernameKey]);
      const actor = { userId: user.id, role: user.role, requestId };
      await this.audit.record(manager, {
        actor,
        action: 'auth.login_succeeded',
        entityType: 'user',
        entityId: user.id,
      });
      return this.issue(manager, user, randomUUID());
    });
  }

  private async refuseWhenThrottled(usernameKey: string): Promise<void> {
    const { LOGIN_MAX_FAILURES: max, LOGIN_FAILURE_WINDOW_MINUTES: minutes } = this.config.env;
    const [row] = await this.dataSource.query<[{ failures: number; retry_after: number | null }]>(
      `SELECT count(*)::int AS failures,
              ceil(extract(epoch FROM min(attempted_at) + make_interval(mins => $2) - now()))::int
                AS retry_after
         FROM login_failures
        WHERE username_key = $1 AND attempted_at > now() - make_interval(mins => $2)`,
      [usernameKey, minutes],
    );
    if (row.failures >= max) {
      throw new DomainError(
        ErrorCode.TooManyRequests,
        'Too many failed logins for this username; try again later',
        { retryAfterSeconds: Math.max(1, row.retry_after ?? 60) },
      );
    }
  }

  /**
   * Exchanges a refresh token for a new pair. A spent or revoked token presented again means a
   * copy is in someone else's hands: the whole family is revoked, and that revocation commits
   * even though the caller gets a 401.
   */
  async refresh(refreshToken: string, requestId: string): Promise<TokenPairDto> {
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const stored = await manager.getRepository(RefreshTokenEntity).findOne({
        where: { tokenHash: hashToken(refreshToken) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stored) {
        return undefined;
      }
      const user = await manager.getRepository(UserEntity).findOneBy({ id: stored.userId });
      const actor: Actor = { userId: stored.userId, role: user?.role ?? null, requestId };
      if (stored.spentAt !== null || stored.revokedAt !== null) {
        const revoked = await this.revokeFamily(manager, stored.familyId);
        if (stored.spentAt !== null) {
          await this.audit.record(manager, {
            actor,
            action: 'auth.refresh_token_reused',
            entityType: 'user',
            entityId: stored.userId,
            after: { familyId: stored.familyId, revokedTokens: revoked },
          });
        }
        return undefined;
      }
      if (stored.expiresAt.getTime() <= Date.now() || !user || user.disabledAt !== null) {
        return undefined;
      }
      await manager.query('UPDATE refresh_tokens SET spent_at = now() WHERE id = $1', [stored.id]);
      return this.issue(manager, user, stored.familyId);
    });
    if (!outcome) {
      throw invalidRefreshToken();
    }
    return outcome;
  }

  /** Ends the session the refresh token belongs to (its whole family). Idempotent. */
  async logout(caller: Caller, refreshToken: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const stored = await manager
        .getRepository(RefreshTokenEntity)
        .findOneBy({ tokenHash: hashToken(refreshToken), userId: caller.userId });
      if (!stored) {
        return;
      }
      const revoked = await this.revokeFamily(manager, stored.familyId);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'auth.logout',
        entityType: 'user',
        entityId: caller.userId,
        after: { familyId: stored.familyId, revokedTokens: revoked },
      });
    });
  }

  async me(caller: Caller): Promise<UserResponseDto> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: caller.userId });
    if (!user) {
      throw DomainError.notFound('user');
    }
    return toUserResponse(user);
  }

  private async revokeFamily(manager: EntityManager, familyId: string): Promise<number> {
    const result = await manager.query<[unknown[], number]>(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId],
    );
    return result[1];
  }

  private async issue(
    manager: EntityManager,
    user: UserEntity,
    familyId: string,
  ): Promise<TokenPairDto> {
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.env.REFRESH_TOKEN_TTL_DAYS * 86_400_000);
    await manager.getRepository(RefreshTokenEntity).insert({
      familyId,
      userId: user.id,
      tokenHash: hashToken(refreshToken),
      expiresAt,
      spentAt: null,
      revokedAt: null,
    });
    return {
      accessToken: this.tokens.sign({ sub: user.id, role: user.role }),
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTokenTtlSeconds,
      refreshToken,
      refreshExpiresAt: expiresAt.toISOString(),
    };
  }
}
