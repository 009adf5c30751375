import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/**
 * argon2id with OWASP's minimum profile (19 MiB, 2 passes). A dummy hash is verified when the
 * username is unknown so that "no such user" and "wrong password" take similar time.
 */
@Injectable()
export class PasswordHasher {
  private static readonly options = {
    type: argon2.argon2id,
    memoryCost: 19 * 1024,
    timeCost: 2,
    parallelism: 1,
  } as const;

  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, PasswordHasher.options);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    this.dummyHash ??= this.hash('not a password of anyone');
    const target = hash ?? (await this.dummyHash);
    try {
      const matches = await argon2.verify(target, password);
      return matches && hash !== undefined;
    } catch {
      return false;
    }
  }
}
