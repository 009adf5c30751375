import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of money-moving requests, per user. The answer is kept as the JSON text that
 * was sent (not jsonb, which would reorder keys) so a replay is identical.
 */
export class Idempotency1764300500000 implements MigrationInterface {
  name = 'Idempotency1764300500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users (id),
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        scope text NOT NULL,
        fingerprint text NOT NULL,
        status_code integer NOT NULL CHECK (status_code BETWEEN 200 AND 299),
        response text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      );
      -- The hourly purge of expired keys.
      CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_keys');
  }
}
