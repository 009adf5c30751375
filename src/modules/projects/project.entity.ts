import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import { ProjectKind, ProjectStatus } from './project-rules.js';

/** 重点项目: a key project on the city's list, owned by an enterprise. */
@Entity('projects')
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The owner; the tenant an enterprise user must match. */
  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId: string;

  /** Unique within the enterprise: the import's upsert key with the credit code. */
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'region_code', type: 'text' })
  regionCode: string;

  @Column({ type: 'text' })
  kind: ProjectKind;

  @Column({ name: 'total_investment_fen', type: 'bigint', transformer: moneyTransformer })
  totalInvestmentFen: bigint;

  /** 年度计划投资: investment planned for this year. */
  @Column({ name: 'planned_investment_fen', type: 'bigint', transformer: moneyTransformer })
  plannedInvestmentFen: bigint;

  @Column({ type: 'text' })
  status: ProjectStatus;

  /** 开工日期, YYYY-MM-DD. */
  @Column({ name: 'started_on', type: 'date', nullable: true })
  startedOn: string | null;

  /** 形象进度, NUMERIC(5,2) read back as text, e.g. "40.00". */
  @Column({ name: 'progress_percent', type: 'numeric', precision: 5, scale: 2 })
  progressPercent: string;

  /** 资金缺口: what the project still lacks. Its history lives in project_surveys. */
  @Column({ name: 'funding_gap_fen', type: 'bigint', transformer: moneyTransformer })
  fundingGapFen: bigint;

  /** 融资意向: the owner wants bank financing. */
  @Column({ name: 'financing_intent', type: 'boolean' })
  financingIntent: boolean;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
