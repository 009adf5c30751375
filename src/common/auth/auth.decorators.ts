import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Caller } from './caller.js';
import { Role } from './role.js';

export const PUBLIC_KEY = 'yinqi:public';
export const ROLES_KEY = 'yinqi:roles';

/** Any authenticated role may call the route. */
export const ANY_ROLE = 'any';
export type RoleDeclaration = readonly Role[] | typeof ANY_ROLE;

/** Opts a route out of authentication (login, refresh, register, health, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * Declares who may call a route. With no roles, any signed-in user may; the global guard denies
 * every route that declares neither `@Auth` nor `@Public` (deny by default).
 */
export function Auth(...roles: Role[]): MethodDecorator & ClassDecorator {
  const declaration: RoleDeclaration = roles.length === 0 ? ANY_ROLE : roles;
  return applyDecorators(
    SetMetadata(ROLES_KEY, declaration),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid access token (problem+json)' }),
    ApiForbiddenResponse({ description: 'Role not allowed (problem+json)' }),
  );
}

export type RequestWithCaller = FastifyRequest & { caller?: Caller };

/** The authenticated caller, as resolved by the global guard. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<RequestWithCaller>();
  if (!request.caller) {
    // Only reachable if a @Public route asks for a caller: a programming error.
    throw new Error('CurrentCaller used on a route without authentication');
  }
  return request.caller;
});
