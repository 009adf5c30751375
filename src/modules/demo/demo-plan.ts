import { createHash } from 'node:crypto';
import { Role } from '../../common/auth/role.js';
import type { CreateBankDto } from '../banks/banks.dto.js';
import { CREDIT_CODE_ALPHABET, withCheckCharacter } from '../enterprises/credit-code.js';
import type { CreateEnterpriseDto } from '../enterprises/enterprises.dto.js';
import type { CreateProductDto } from '../products/products.dto.js';
import type { CreateProjectDto, UpdateProjectDto } from '../projects/projects.dto.js';

/**
 * What the demo loader puts into an empty (or partly loaded) database, as the request bodies an
 * administrator would send. Every item has a natural key the loader looks up before creating it:
 * bank name, username, (bank, product name), credit code, (enterprise, project name).
 */
export interface DemoPlan {
  banks: DemoBank[];
  enterprises: DemoEnterprise[];
}

export interface DemoUser {
  username: string;
  displayName: string;
}

export interface DemoStaff extends DemoUser {
  role: Role.BankPresident | Role.BankOfficer;
}

export interface DemoBank {
  bank: CreateBankDto;
  staff: DemoStaff[];
  /** Created by the administrator for this bank (the loader fills in bankId). */
  products: Omit<CreateProductDto, 'bankId'>[];
}

export interface DemoProject {
  /** As first listed (the loader fills in enterpriseId). */
  project: Omit<CreateProjectDto, 'enterpriseId'>;
  /**
   * A later 调度 (survey) of the project, applied once right after it is created, so its gap
   * history has a step to show. Skipped when the project has moved since it was created.
   */
  laterSurvey?: UpdateProjectDto;
}

export interface DemoEnterprise {
  enterprise: CreateEnterpriseDto;
  /** Finance staff who sign in as this enterprise. */
  users: DemoUser[];
  projects: DemoProject[];
}

/** An amount of 万元 (ten thousand yuan) written as the API's yuan string. */
export function wan(amount: number): string {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new Error(`not a whole number of 万元: ${amount}`);
  }
  return `${(BigInt(amount) * 10_000n).toString()}.00`;
}

/**
 * A stable, valid 统一社会信用代码 for a demo enterprise: 9 (market regulator) 1 (enterprise), the
 * region it registered in, "MA" and seven characters drawn from a hash of its name, and the
 * GB 32100-2015 check character. The same name always gets the same code, so a reload finds it.
 */
export function demoCreditCode(name: string, regionCode: string): string {
  const digest = createHash('sha256').update(`${regionCode}|${name}`, 'utf8').digest();
  const body = Array.from(digest.subarray(0, 7), (byte) => CREDIT_CODE_ALPHABET[byte % 31]).join(
    '',
  );
  return withCheckCharacter(`91${regionCode}MA${body}`);
}

/** How many items of each kind a plan holds (tests compare a load's effect with it). */
export interface DemoPlanCounts {
  banks: number;
  users: number;
  products: number;
  enterprises: number;
  projects: number;
}

export function countPlan(plan: DemoPlan): DemoPlanCounts {
  return {
    banks: plan.banks.length,
    users:
      plan.banks.reduce((sum, bank) => sum + bank.staff.length, 0) +
      plan.enterprises.reduce((sum, enterprise) => sum + enterprise.users.length, 0),
    products: plan.banks.reduce((sum, bank) => sum + bank.products.length, 0),
    enterprises: plan.enterprises.length,
    projects: plan.enterprises.reduce((sum, enterprise) => sum + enterprise.projects.length, 0),
  };
}
