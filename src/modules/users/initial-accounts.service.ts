import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '../../common/auth/role.js';
import { AppConfig } from '../../common/config/app-config.js';
import { inTransaction } from '../../database/transaction.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersService } from './users.service.js';

/** Outside production the demo accounts share this documented password, for convenience. */
export const DEMO_PASSWORD = 'Yinqi-demo-2026';
const LOCK_KEY = 7_242_003;
const SYSTEM_ACTOR = { userId: null, role: 'system', requestId: null } as const;

export interface CreatedAccount {
  username: string;
  role: Role;
  /** Where the password comes from, for the console (never the password itself, except once). */
  passwordSource: string;
}

/**
 * Creates the first accounts of an empty database, once: the first admin (ADMIN_USERNAME /
 * ADMIN_PASSWORD when set, for automation) and, with DEMO_DATA, an auditor. In production a
 * password that was not given is generated and printed once; elsewhere the demo password is used.
 */
@Injectable()
export class InitialAccounts {
  private readonly logger = new Logger(InitialAccounts.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async ensure(): Promise<CreatedAccount[]> {
    const env = this.config.env;
    const wanted: { username: string; displayName: string; role: Role; password?: string }[] = [
      {
        username: env.ADMIN_USERNAME ?? 'admin',
        displayName: '项目中心管理员',
        role: Role.Admin,
        password: env.ADMIN_PASSWORD,
      },
    ];
    if (env.DEMO_DATA) {
      wanted.push({ username: 'auditor', displayName: '审计员', role: Role.Auditor });
    }
    const prepared = await Promise.all(
      wanted.map(async (account) => {
        const generated = account.password === undefined && this.config.isProduction;
        const password =
          account.password ?? (generated ? randomBytes(12).toString('base64url') : DEMO_PASSWORD);
        const passwordSource =
          account.password !== undefined
            ? 'ADMIN_PASSWORD'
            : generated
              ? `generated, shown once: ${password}`
              : `the demo password "${DEMO_PASSWORD}" (NODE_ENV is not production)`;
        return { ...account, passwordHash: await this.hasher.hash(password), passwordSource };
      }),
    );
    return inTransaction(this.dataSource, async (manager) => {
      // Several instances may start at once: one creates, the others find users present.
      await manager.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const [{ count }] = await manager.query<[{ count: number }]>(
        'SELECT count(*)::int AS count FROM users',
      );
      if (count > 0) {
        return [];
      }
      const created: CreatedAccount[] = [];
      for (const account of prepared) {
        await this.users.insert(manager, SYSTEM_ACTOR, {
          username: account.username,
          displayName: account.displayName,
          passwordHash: account.passwordHash,
          role: account.role,
          enterpriseId: null,
          bankId: null,
        });
        created.push({
          username: account.username,
          role: account.role,
          passwordSource: account.passwordSource,
        });
      }
      this.logger.log(`created initial accounts: ${created.map((a) => a.username).join(', ')}`);
      return created;
    });
  }
}
