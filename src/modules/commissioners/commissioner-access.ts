import type { Caller } from '../../common/auth/caller.js';

/**
 * "The caller serves this enterprise as its commissioner today", as SQL over the enterprise id
 * column given: an active assignment of the caller whose term covers `today` (the business date,
 * Asia/Shanghai). The bank-staff visibility rules of enterprises and projects OR it in, so a
 * commissioner sees the profile from the assignment's first day until it ends or its term runs
 * out. Parameters are prefixed so they cannot collide with the host query's.
 */
export function servedByCaller(
  caller: Caller,
  enterpriseColumn: string,
  today: string,
): { sql: string; parameters: Record<string, unknown> } {
  return {
    sql: `EXISTS (SELECT 1 FROM commissioner_assignments commission
                   WHERE commission.officer_id = :commissionerUserId
                     AND commission.enterprise_id = ${enterpriseColumn}
                     AND commission.status = 'active'
                     AND commission.starts_on <= CAST(:commissionToday AS date)
                     AND commission.term_ends_on >= CAST(:commissionToday AS date))`,
    parameters: { commissionerUserId: caller.userId, commissionToday: today },
  };
}
