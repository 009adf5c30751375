import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the scale data showed missing (BENCHMARKS.md, query plans). Notifying the project
 * center selects the active administrators by role; without an index that is a sequential scan
 * of every user (one per enterprise account, so hundreds of thousands in a province) for each
 * escalation, dispatch or application that tells the center.
 */
export class ScaleIndexes1764301200000 implements MigrationInterface {
  name = 'ScaleIndexes1764301200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX users_active_role_idx ON users (role) WHERE disabled_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX users_active_role_idx`);
  }
}
