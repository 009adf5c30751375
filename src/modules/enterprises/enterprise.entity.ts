import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import type { Industry, Scale } from './enterprise-scale.js';

/** Tags an administrator gives an enterprise: 专精特新 and the city's 双50 list. */
export const ENTERPRISE_TAGS = ['specialized', 'key50'] as const;
export type EnterpriseTag = (typeof ENTERPRISE_TAGS)[number];

@Entity('enterprises')
export class EnterpriseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** 统一社会信用代码, stored normalised (upper case, no surrounding blanks); unique. */
  @Column({ name: 'credit_code', type: 'text' })
  creditCode: string;

  /** Why an administrator registered a code that fails the check character; null otherwise. */
  @Column({ name: 'credit_code_override_reason', type: 'text', nullable: true })
  creditCodeOverrideReason: string | null;

  @Column({ name: 'region_code', type: 'text' })
  regionCode: string;

  @Column({ type: 'text' })
  industry: Industry;

  @Column({ type: 'integer' })
  employees: number;

  /** Annual revenue (营业收入). */
  @Column({ name: 'revenue_fen', type: 'bigint', transformer: moneyTransformer })
  revenueFen: bigint;

  /** Total assets (资产总额). */
  @Column({ name: 'assets_fen', type: 'bigint', transformer: moneyTransformer })
  assetsFen: bigint;

  /** Derived from industry, employees, revenue and assets; never set directly. */
  @Column({ type: 'text' })
  scale: Scale;

  /** Version of the size standard that produced `scale`. */
  @Column({ name: 'scale_standard', type: 'text' })
  scaleStandard: string;

  /** 法定代表人. */
  @Column({ name: 'legal_representative', type: 'text', nullable: true })
  legalRepresentative: string | null;

  @Column({ name: 'contact_phone', type: 'text', nullable: true })
  contactPhone: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: EnterpriseTag[];

  @Column({ name: 'verified_at', type: 'timestamptz', precision: 3, nullable: true })
  verifiedAt: Date | null;

  @Column({ name: 'verified_by', type: 'uuid', nullable: true })
  verifiedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
