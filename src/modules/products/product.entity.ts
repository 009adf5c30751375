import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';

/** Product categories of the supermarket (信用贷, 抵押贷, 质押贷, 担保贷, 供应链金融). */
export const PRODUCT_CATEGORIES = [
  'credit',
  'mortgage',
  'pledge',
  'guarantee',
  'supply_chain',
] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/** The security a product accepts (信用, 抵押, 质押, 保证); the products_guarantee_types CHECK. */
export const GUARANTEE_TYPES = ['credit', 'mortgage', 'pledge', 'guarantee'] as const;
export type GuaranteeType = (typeof GUARANTEE_TYPES)[number];

export const RATE_KINDS = ['fixed', 'lpr'] as const;
export type RateKind = (typeof RATE_KINDS)[number];

/** 贷款市场报价利率 tenors. */
export const LPR_TENORS = ['1y', '5y'] as const;
export type LprTenor = (typeof LPR_TENORS)[number];

/** 金融产品: a bank's loan product in the supermarket. */
@Entity('products')
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'bank_id', type: 'uuid' })
  bankId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  category: ProductCategory;

  @Column({ name: 'min_amount_fen', type: 'bigint', transformer: moneyTransformer })
  minAmountFen: bigint;

  @Column({ name: 'max_amount_fen', type: 'bigint', transformer: moneyTransformer })
  maxAmountFen: bigint;

  @Column({ name: 'min_term_months', type: 'integer' })
  minTermMonths: number;

  @Column({ name: 'max_term_months', type: 'integer' })
  maxTermMonths: number;

  /** 'fixed': the annual rates are set; 'lpr': the tenor and spreads are (products_rate_shape). */
  @Column({ name: 'rate_kind', type: 'text' })
  rateKind: RateKind;

  /** NUMERIC(8, 6), read and written as a decimal string. */
  @Column({ name: 'min_annual_rate', type: 'numeric', nullable: true })
  minAnnualRate: string | null;

  @Column({ name: 'max_annual_rate', type: 'numeric', nullable: true })
  maxAnnualRate: string | null;

  @Column({ name: 'lpr_tenor', type: 'text', nullable: true })
  lprTenor: LprTenor | null;

  /** Basis points over the LPR (1 bp = 0.0001); may be negative. */
  @Column({ name: 'min_spread_bp', type: 'integer', nullable: true })
  minSpreadBp: number | null;

  @Column({ name: 'max_spread_bp', type: 'integer', nullable: true })
  maxSpreadBp: number | null;

  /** Empty means any region; likewise for industries and scales. */
  @Column({ name: 'eligible_regions', type: 'text', array: true })
  eligibleRegions: string[];

  @Column({ name: 'eligible_industries', type: 'text', array: true })
  eligibleIndustries: string[];

  @Column({ name: 'eligible_scales', type: 'text', array: true })
  eligibleScales: string[];

  @Column({ name: 'guarantee_types', type: 'text', array: true })
  guaranteeTypes: GuaranteeType[];

  @Column({ type: 'text', array: true })
  tags: string[];

  @Column({ type: 'boolean' })
  active: boolean;

  /** timestamptz(3): a JS Date holds it exactly, so it serves as the list cursor. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
