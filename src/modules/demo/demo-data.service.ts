import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { AppConfig } from '../../common/config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { inTransaction } from '../../database/transaction.js';
import { CreateBankDto } from '../banks/banks.dto.js';
import { BanksService } from '../banks/banks.service.js';
import { CreateEnterpriseDto } from '../enterprises/enterprises.dto.js';
import { EnterprisesService } from '../enterprises/enterprises.service.js';
import { CreateProductDto } from '../products/products.dto.js';
import { ProductsService } from '../products/products.service.js';
import { CreateProjectDto, UpdateProjectDto } from '../projects/projects.dto.js';
import { ProjectsService } from '../projects/projects.service.js';
import { CreatedAccount, DEMO_PASSWORD } from '../users/initial-accounts.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { USERNAME_PATTERN } from '../users/users.dto.js';
import { checkTenant, UsersService } from '../users/users.service.js';
import { type DemoPlan, type DemoPlanCounts } from './demo-plan.js';
import { TONGHUA } from './tonghua.js';
import { validated } from './validated.js';

/** An arbitrary, fixed advisory-lock key: one demo load at a time across instances. */
const LOCK_KEY = 7_242_010;
/** Carried by every audit row the load writes, so its rows can be told from later edits. */
export const DEMO_REQUEST_ID = 'demo-data';

export interface DemoLoadReport {
  /** What this load created (zero everywhere when the data set was already complete). */
  created: DemoPlanCounts & { surveys: number };
  /** Accounts created by this load, with where their password comes from (for the console). */
  accounts: CreatedAccount[];
}

interface PlannedUser {
  username: string;
  displayName: string;
  role: Role;
  bankId: string | null;
  enterpriseId: string | null;
}

const key = (...parts: string[]): string => parts.join('\u0000');

/**
 * Loads the demo data set (DEMO_DATA) through the registries' own services, acting as the first
 * administrator with the request id `demo-data`: every row gets the audit trail it would have had
 * if that administrator had typed it in. Each item is looked up by its natural key first, so a
 * second load creates nothing and an interrupted one is completed, not duplicated.
 */
@Injectable()
export class DemoDataService {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly banks: BanksService,
    private readonly products: ProductsService,
    private readonly enterprises: EnterprisesService,
    private readonly projects: ProjectsService,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
  ) {}

  async load(plan: DemoPlan = TONGHUA): Promise<DemoLoadReport> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // Several instances may start at once: one loads, the others wait and then find it all.
      await runner.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      try {
        return await this.loadLocked(plan);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  private async loadLocked(plan: DemoPlan): Promise<DemoLoadReport> {
    const report: DemoLoadReport = {
      created: { banks: 0, users: 0, products: 0, enterprises: 0, projects: 0, surveys: 0 },
      accounts: [],
    };
    const caller = await this.administrator();
    if (caller === undefined) {
      this.logger.warn('no enabled administrator to act as: demo data not loaded');
      return report;
    }
    const bankIds = await this.ensureBanks(caller, plan, report);
    await this.ensureProducts(caller, plan, bankIds, report);
    const enterpriseIds = await this.ensureEnterprises(caller, plan, report);
    await this.ensureUsers(caller, plan, bankIds, enterpriseIds, report);
    await this.ensureProjects(caller, plan, enterpriseIds, report);
    const created = Object.entries(report.created).filter(([, count]) => count > 0);
    if (created.length > 0) {
      this.logger.log(
        `demo data created: ${created.map(([kind, count]) => `${count} ${kind}`).join(', ')}`,
      );
    }
    return report;
  }

  /** The first administrator, as the caller every demo write is made by. */
  private async administrator(): Promise<Caller | undefined> {
    const [admin] = await this.dataSource.query<{ id: string; username: string }[]>(
      `SELECT id, username FROM users
        WHERE role = 'admin' AND disabled_at IS NULL
        ORDER BY created_at, id LIMIT 1`,
    );
    if (admin === undefined) {
      return undefined;
    }
    return {
      userId: admin.id,
      username: admin.username,
      role: Role.Admin,
      enterpriseId: null,
      bankId: null,
      requestId: DEMO_REQUEST_ID,
    };
  }

  /** Bank name → id, for every bank of the plan (found or created). */
  private async ensureBanks(
    caller: Caller,
    plan: DemoPlan,
    report: DemoLoadReport,
  ): Promise<Map<string, string>> {
    const rows = await this.dataSource.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM banks WHERE name = ANY($1::text[])',
      [plan.banks.map((item) => item.bank.name)],
    );
    const ids = new Map(rows.map((row) => [row.name, row.id]));
    for (const { bank } of plan.banks) {
      if (!ids.has(bank.name)) {
        const created = await this.banks.create(caller, validated(CreateBankDto, bank));
        ids.set(bank.name, created.id);
        report.created.banks += 1;
      }
    }
    return ids;
  }

  private async ensureProducts(
    caller: Caller,
    plan: DemoPlan,
    bankIds: Map<string, string>,
    report: DemoLoadReport,
  ): Promise<void> {
    const rows = await this.dataSource.query<{ bank_id: string; name: string }[]>(
      'SELECT bank_id, name FROM products WHERE bank_id = ANY($1::uuid[])',
      [[...bankIds.values()]],
    );
    const existing = new Set(rows.map((row) => key(row.bank_id, row.name)));
    for (const item of plan.banks) {
      const bankId = bankIds.get(item.bank.name) as string;
      for (const product of item.products) {
        if (!existing.has(key(bankId, product.name))) {
          await this.products.create(caller, validated(CreateProductDto, { ...product, bankId }));
          existing.add(key(bankId, product.name));
          report.created.products += 1;
        }
      }
    }
  }

  /** Credit code → id, for every enterprise of the plan (found or created). */
  private async ensureEnterprises(
    caller: Caller,
    plan: DemoPlan,
    report: DemoLoadReport,
  ): Promise<Map<string, string>> {
    const rows = await this.dataSource.query<{ id: string; credit_code: string }[]>(
      'SELECT id, credit_code FROM enterprises WHERE credit_code = ANY($1::text[])',
      [plan.enterprises.map((item) => item.enterprise.creditCode)],
    );
    const ids = new Map(rows.map((row) => [row.credit_code, row.id]));
    for (const { enterprise } of plan.enterprises) {
      if (!ids.has(enterprise.creditCode)) {
        const created = await this.enterprises.create(
          caller,
          validated(CreateEnterpriseDto, enterprise),
        );
        ids.set(enterprise.creditCode, created.id);
        report.created.enterprises += 1;
      }
    }
    return ids;
  }

  private async ensureUsers(
    caller: Caller,
    plan: DemoPlan,
    bankIds: Map<string, string>,
    enterpriseIds: Map<string, string>,
    report: DemoLoadReport,
  ): Promise<void> {
    const planned: PlannedUser[] = [
      ...plan.banks.flatMap((item) =>
        item.staff.map((user) => ({
          ...user,
          bankId: bankIds.get(item.bank.name) as string,
          enterpriseId: null,
        })),
      ),
      ...plan.enterprises.flatMap((item) =>
        item.users.map((user) => ({
          ...user,
          role: Role.Enterprise,
          bankId: null,
          enterpriseId: enterpriseIds.get(item.enterprise.creditCode) as string,
        })),
      ),
    ];
    const rows = await this.dataSource.query<{ username: string }[]>(
      'SELECT lower(username) AS username FROM users WHERE lower(username) = ANY($1::text[])',
      [planned.map((user) => user.username.toLowerCase())],
    );
    const taken = new Set(rows.map((row) => row.username));
    const missing = planned.filter((user) => !taken.has(user.username.toLowerCase()));
    if (missing.length === 0) {
      return;
    }
    const credentials = await this.credentials(missing.length);
    for (const [index, user] of missing.entries()) {
      if (!USERNAME_PATTERN.test(user.username)) {
        throw DomainError.validation('username', 'must be 3–64 letters, digits, _ . or -');
      }
      checkTenant(user.role, user);
      const { passwordHash, passwordSource } = credentials[index];
      const inserted = await inTransaction(this.dataSource, async (manager) => {
        if (user.role === Role.BankPresident && user.bankId !== null) {
          // A bank that already has a president (appointed by an administrator) keeps them.
          const [president] = await manager.query<unknown[]>(
            `SELECT 1 FROM users
              WHERE bank_id = $1 AND role = 'bank_president' AND disabled_at IS NULL`,
            [user.bankId],
          );
          if (president !== undefined) {
            this.logger.warn(`${user.username} not created: the bank already has a president`);
            return false;
          }
        }
        await this.users.insert(manager, actorOf(caller), {
          username: user.username,
          displayName: user.displayName,
          passwordHash,
          role: user.role,
          enterpriseId: user.enterpriseId,
          bankId: user.bankId,
        });
        return true;
      });
      if (inserted) {
        report.created.users += 1;
        report.accounts.push({ username: user.username, role: user.role, passwordSource });
      }
    }
  }

  /**
   * Outside production every demo account shares the documented demo password (hashed once);
   * in production each gets its own generated password, shown once on the console.
   */
  private async credentials(
    count: number,
  ): Promise<{ passwordHash: string; passwordSource: string }[]> {
    if (!this.config.isProduction) {
      const passwordHash = await this.hasher.hash(DEMO_PASSWORD);
      const passwordSource = `the demo password "${DEMO_PASSWORD}" (NODE_ENV is not production)`;
      return Array.from({ length: count }, () => ({ passwordHash, passwordSource }));
    }
    return Promise.all(
      Array.from({ length: count }, async () => {
        const password = randomBytes(12).toString('base64url');
        return {
          passwordHash: await this.hasher.hash(password),
          passwordSource: `generated, shown once: ${password}`,
        };
      }),
    );
  }

  private async ensureProjects(
    caller: Caller,
    plan: DemoPlan,
    enterpriseIds: Map<string, string>,
    report: DemoLoadReport,
  ): Promise<void> {
    const rows = await this.dataSource.query<
      { id: string; enterprise_id: string; name: string; surveys: number }[]
    >(
      `SELECT p.id, p.enterprise_id, p.name,
              (SELECT count(*) FROM project_surveys s WHERE s.project_id = p.id)::int AS surveys
         FROM projects p
        WHERE p.enterprise_id = ANY($1::uuid[])`,
      [[...enterpriseIds.values()]],
    );
    const existing = new Map(
      rows.map((row) => [key(row.enterprise_id, row.name), { id: row.id, surveys: row.surveys }]),
    );
    for (const item of plan.enterprises) {
      const enterpriseId = enterpriseIds.get(item.enterprise.creditCode) as string;
      for (const { project, laterSurvey } of item.projects) {
        let found = existing.get(key(enterpriseId, project.name));
        if (found === undefined) {
          const created = await this.projects.create(
            caller,
            validated(CreateProjectDto, { ...project, enterpriseId }),
          );
          found = { id: created.id, surveys: 1 };
          existing.set(key(enterpriseId, project.name), found);
          report.created.projects += 1;
        }
        // One survey row means the project has not moved since it was listed: the later
        // survey is still due (and is never applied over someone's edits).
        if (laterSurvey !== undefined && found.surveys === 1) {
          await this.projects.update(caller, found.id, validated(UpdateProjectDto, laterSurvey));
          found.surveys += 1;
          report.created.surveys += 1;
        }
      }
    }
  }
}
