import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ANY_ROLE,
  PUBLIC_KEY,
  RoleDeclaration,
  ROLES_KEY,
} from '../../src/common/auth/auth.decorators.js';
import { API_PREFIX } from '../../src/app-setup.js';

export interface RouteAccess {
  method: string;
  path: string;
  /** `public`, `any` (every signed-in role) or the roles allowed; `UNDECLARED` fails the test. */
  access: string;
}

const UNPREFIXED = new Set(['health']);

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter((part) => part.length > 0)
    .join('/');
  return `/${joined}`;
}

/**
 * Every route the application serves, read from the controllers Nest registered, with the
 * access rule each declares (method decorator first, then the controller's).
 */
export function listRoutes(app: NestFastifyApplication): RouteAccess[] {
  const discovery = app.get(DiscoveryService);
  const routes: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!controller) {
      continue;
    }
    const controllerPath = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') {
        continue;
      }
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) {
        continue;
      }
      const handlerPath = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const isPublic =
        (Reflect.getMetadata(PUBLIC_KEY, handler) as boolean | undefined) ??
        (Reflect.getMetadata(PUBLIC_KEY, controller) as boolean | undefined);
      const declaration =
        (Reflect.getMetadata(ROLES_KEY, handler) as RoleDeclaration | undefined) ??
        (Reflect.getMetadata(ROLES_KEY, controller) as RoleDeclaration | undefined);
      const prefix = UNPREFIXED.has(controllerPath) ? '' : API_PREFIX;
      routes.push({
        method: RequestMethod[method],
        path: joinPath(prefix, controllerPath, handlerPath),
        access: isPublic
          ? 'public'
          : declaration === undefined
            ? 'UNDECLARED'
            : declaration === ANY_ROLE
              ? 'any'
              : [...declaration].sort().join(','),
      });
    }
  }
  return routes.sort((left, right) =>
    `${left.path} ${left.method}`.localeCompare(`${right.path} ${right.method}`),
  );
}
