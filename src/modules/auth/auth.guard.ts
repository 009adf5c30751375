import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import {
  ANY_ROLE,
  PUBLIC_KEY,
  RequestWithCaller,
  ROLES_KEY,
  RoleDeclaration,
} from '../../common/auth/auth.decorators.js';
import { Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { CallerReader } from './caller-reader.js';
import { TokenService } from './token.service.js';

const unauthenticated = (): DomainError =>
  new DomainError(ErrorCode.Unauthenticated, 'A valid access token is required');

/**
 * Deny by default: every route needs a valid access token unless it is `@Public()`, and a route
 * that declares no `@Auth(...)` is refused outright. The user's row is read on every request, so
 * a disabled account or a changed role takes effect on the next call, not at token expiry (the
 * reads of concurrent requests are batched, see CallerReader).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);
  private readonly callers: CallerReader;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    dataSource: DataSource,
  ) {
    this.callers = new CallerReader(dataSource);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      return true;
    }
    const declaration = this.reflector.getAllAndOverride<RoleDeclaration | undefined>(
      ROLES_KEY,
      targets,
    );
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    if (declaration === undefined) {
      this.logger.error(`route ${request.method} ${request.url} declares no access rule`);
      throw DomainError.forbidden('This route declares no access rule');
    }
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header)?.[1] : undefined;
    const claims = token === undefined ? undefined : this.tokens.verify(token);
    if (!claims) {
      throw unauthenticated();
    }
    const row = await this.callers.read(claims.sub);
    if (!row || row.disabled_at !== null) {
      throw unauthenticated();
    }
    const caller: Caller = {
      userId: claims.sub,
      username: row.username,
      role: row.role,
      enterpriseId: row.enterprise_id,
      bankId: row.bank_id,
      requestId: request.id,
    };
    request.caller = caller;
    if (declaration !== ANY_ROLE && !declaration.includes(caller.role)) {
      throw DomainError.forbidden();
    }
    return true;
  }
}
