import { ALL_ROLES, Role } from '../../../src/common/auth/role.js';
import {
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  Session,
  TestApp,
} from '../../support/app.js';

/** One side of the city: a bank and an enterprise, each with its staff. */
export interface Tenant {
  bankId: string;
  enterpriseId: string;
  sessions: Map<Role, Session>;
  userIds: Map<Role, string>;
}

export interface SecurityWorld {
  own: Tenant;
  other: Tenant;
}

async function tenant(testApp: TestApp, label: string): Promise<Tenant> {
  const bankId = await insertBank(testApp.dataSource, `安全测试银行${label}`);
  const enterpriseId = await insertEnterprise(testApp.dataSource, `安全测试企业${label}`);
  const sessions = new Map<Role, Session>();
  const userIds = new Map<Role, string>();
  for (const role of ALL_ROLES) {
    const user = await insertUser(testApp.dataSource, {
      username: `sec-${label}-${role}`,
      role,
      bankId: role === Role.BankOfficer || role === Role.BankPresident ? bankId : null,
      enterpriseId: role === Role.Enterprise ? enterpriseId : null,
    });
    userIds.set(role, user.id);
    sessions.set(role, await login(testApp, user.username));
  }
  return { bankId, enterpriseId, sessions, userIds };
}

/** Two tenants with a user of every role each, signed in. */
export async function buildSecurityWorld(testApp: TestApp): Promise<SecurityWorld> {
  return { own: await tenant(testApp, 'a'), other: await tenant(testApp, 'b') };
}

export const PROBLEM_JSON = /^application\/problem\+json/;
