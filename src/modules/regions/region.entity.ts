import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A county-level unit (GB/T 2260) an enterprise, project or bank belongs to. Reference data:
 * seeded by migration for Tonghua; another city is loaded as rows, not code.
 */
@Entity('regions')
export class RegionEntity {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  /** The city the unit belongs to. */
  @Column({ name: 'city_code', type: 'text' })
  cityCode: string;

  @Column({ name: 'sort_order', type: 'integer' })
  sortOrder: number;
}
