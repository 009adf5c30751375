import { seesEverything } from '../../common/auth/access.js';
import { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';

export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * THE one place that decides which projects a caller may read; the list, a single project and
 * its surveys all filter with it, so "not yours" is the same 404 as "absent" everywhere.
 * `alias` is the projects table's alias in the caller's query.
 *
 * - administrators and auditors: every project;
 * - enterprise users: their own enterprise's;
 * - bank staff: the projects of enterprises their bank holds or held a match for (the same rule
 *   as the enterprise profile) — `bankStaffProjects` below.
 */
export function visibleProjects(caller: Caller, alias: string): SqlCondition {
  if (seesEverything(caller)) {
    return { sql: 'TRUE', params: {} };
  }
  if (caller.role === Role.Enterprise && caller.enterpriseId !== null) {
    return {
      sql: `${alias}.enterprise_id = :visibleEnterpriseId`,
      params: { visibleEnterpriseId: caller.enterpriseId },
    };
  }
  if ((caller.role === Role.BankOfficer || caller.role === Role.BankPresident) && caller.bankId) {
    return bankStaffProjects(caller.bankId, alias);
  }
  return { sql: 'FALSE', params: {} };
}

function bankStaffProjects(bankId: string, alias: string): SqlCondition {
  return {
    sql: `EXISTS (SELECT 1 FROM matches stake
                    JOIN financing_requests staked ON staked.id = stake.request_id
                   WHERE stake.bank_id = :stakeBankId
                     AND staked.enterprise_id = ${alias}.enterprise_id)`,
    params: { stakeBankId: bankId },
  };
}
