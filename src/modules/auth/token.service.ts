import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { createSecretKey, KeyObject } from 'node:crypto';
import { Role } from '../../common/auth/role.js';
import { AppConfig } from '../../common/config/app-config.js';

/** User ids are UUIDs; the guard's lookup would fail on anything else (a 500, not a 401). */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessClaims {
  sub: string;
  role: Role;
}

/**
 * Signs and verifies access tokens (JWT, HS256 only, `iss`/`aud` checked). The key is built once:
 * handing the library a string secret makes it derive a key on every call, which measured ~45×
 * slower on this project's hot path (STACK.md).
 */
@Injectable()
export class TokenService {
  private readonly key: KeyObject;

  constructor(private readonly config: AppConfig) {
    const secret = config.env.JWT_SECRET;
    if (secret === undefined) {
      throw new Error('JWT_SECRET is not set (main.ts generates one for the embedded default)');
    }
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  get accessTokenTtlSeconds(): number {
    return this.config.env.ACCESS_TOKEN_TTL_SECONDS;
  }

  sign(claims: AccessClaims): string {
    return jwt.sign({ role: claims.role }, this.key, {
      algorithm: 'HS256',
      subject: claims.sub,
      issuer: this.config.env.JWT_ISSUER,
      audience: this.config.env.JWT_AUDIENCE,
      expiresIn: this.accessTokenTtlSeconds,
    });
  }

  /** The token's subject, or `undefined` for any token that is not ours and current. */
  verify(token: string): AccessClaims | undefined {
    try {
      const payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.config.env.JWT_ISSUER,
        audience: this.config.env.JWT_AUDIENCE,
      });
      // jsonwebtoken checks `exp` only when present: a token without one would never expire,
      // so one is required here (ours always carry it; see sign()).
      if (
        typeof payload === 'string' ||
        typeof payload.exp !== 'number' ||
        typeof payload.sub !== 'string' ||
        !USER_ID.test(payload.sub)
      ) {
        return undefined;
      }
      return { sub: payload.sub, role: payload.role as Role };
    } catch {
      return undefined;
    }
  }
}
