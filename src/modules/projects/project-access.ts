import { seesEverything } from '../../common/auth/access.js';
import { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { servedByCaller } from '../commissioners/commissioner-access.js';

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
 * - bank staff: the projects of enterprises their bank holds or held a match for, or that they
 *   serve today as commissioner (the same rule as the enterprise profile) — `bankStaffProjects`
 *   below. `today` is the business date (Asia/Shanghai) the commissioner's term is checked on.
 */
export function visibleProjects(caller: Caller, alias: string, today: string): SqlCondition {
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
    return bankStaffProjects(caller, caller.bankId, alias, today);
  }
  return { sql: 'FALSE', params: {} };
}

function bankStaffProjects(
  caller: Caller,
  bankId: string,
  alias: string,
  today: string,
): SqlCondition {
  const commission = servedByCaller(caller, `${alias}.enterprise_id`, today);
  return {
    sql: `(EXISTS (SELECT 1 FROM matches stake
                     JOIN financing_requests staked ON staked.id = stake.request_id
                    WHERE stake.bank_id = :stakeBankId
                      AND staked.enterprise_id = ${alias}.enterprise_id)
           OR ${commission.sql})`,
    params: { stakeBankId: bankId, ...commission.parameters },
  };
}
