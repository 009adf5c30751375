import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** The kinds of banking institution the city's registry distinguishes. */
export enum BankKind {
  /** 国有大型商业银行 */
  StateOwned = 'state_owned',
  /** 股份制商业银行 */
  JointStock = 'joint_stock',
  /** 城市商业银行 */
  CityCommercial = 'city_commercial',
  /** 农村商业银行 / 农村信用社 */
  Rural = 'rural',
  /** 政策性银行 */
  Policy = 'policy',
  Other = 'other',
}

@Entity('banks')
export class BankEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Unique (banks_name_key), e.g. 吉林银行通化分行. */
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'short_name', type: 'text', nullable: true })
  shortName: string | null;

  @Column({ type: 'text' })
  kind: BankKind;

  /** County-level unit (GB/T 2260); null for a branch that serves the whole city. */
  @Column({ name: 'region_code', type: 'text', nullable: true })
  regionCode: string | null;

  /** Microsecond precision (from the foundation table): list cursors read it as text. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
