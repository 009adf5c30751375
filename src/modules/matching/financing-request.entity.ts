import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import type { RequestStatus } from './lifecycles.js';

export const REQUEST_PURPOSES = ['working_capital', 'fixed_asset', 'project', 'other'] as const;
export type RequestPurpose = (typeof REQUEST_PURPOSES)[number];

/** The security the enterprise offers (信用, 抵押, 质押, 保证); same values as products accept. */
export const OFFERED_GUARANTEES = ['credit', 'mortgage', 'pledge', 'guarantee'] as const;
export type OfferedGuarantee = (typeof OFFERED_GUARANTEES)[number];

/** 融资需求: an enterprise's need for a loan. */
@Entity('financing_requests')
export class FinancingRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId: string;

  /** Optional key project the loan is for; always one of the enterprise's own. */
  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId: string | null;

  @Column({ name: 'amount_fen', type: 'bigint', transformer: moneyTransformer })
  amountFen: bigint;

  @Column({ name: 'term_months', type: 'integer' })
  termMonths: number;

  @Column({ type: 'text' })
  purpose: RequestPurpose;

  @Column({ name: 'guarantee_offered', type: 'text' })
  guaranteeOffered: OfferedGuarantee;

  /** Highest annual rate the enterprise accepts, NUMERIC(8,6) read back as text. */
  @Column({ name: 'rate_ceiling', type: 'numeric', precision: 8, scale: 6, nullable: true })
  rateCeiling: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text' })
  status: RequestStatus;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  /** Filed by an administrator for the enterprise (代为提交). */
  @Column({ name: 'on_behalf', type: 'boolean' })
  onBehalf: boolean;

  @Column({ name: 'close_reason', type: 'text', nullable: true })
  closeReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
