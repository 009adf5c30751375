import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { LprTenor } from './product.entity.js';

/** 贷款市场报价利率 (LPR): a dated series, published on the 20th of each month. */
@Entity('lpr_rates')
export class LprRateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  tenor: LprTenor;

  /** Business date (YYYY-MM-DD) from which the rate applies; unique per tenor. */
  @Column({ name: 'effective_on', type: 'date' })
  effectiveOn: string;

  /** NUMERIC(8, 6) as a decimal string, e.g. "0.030000". */
  @Column({ type: 'numeric' })
  rate: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
