export enum Role {
  /** An enterprise's finance staff. */
  Enterprise = 'enterprise',
  /** A bank's customer manager (客户经理). */
  BankOfficer = 'bank_officer',
  /** The accountable branch president (行长). */
  BankPresident = 'bank_president',
  /** Project center / finance office staff (项目中心). */
  Admin = 'admin',
  /** Inspection staff: reads everything, writes nothing. */
  Auditor = 'auditor',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);
export const BANK_ROLES: readonly Role[] = [Role.BankOfficer, Role.BankPresident];
