import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only trigger of audit_events, split so that an INSERT pays for it only when it would
 * refuse (issue 8, B7): the check on INSERT is that a row arrives unsealed, which the trigger's
 * WHEN clause tests in the executor, so the PL/pgSQL function now runs only for a row carrying a
 * chain column (and then refuses it, as before). A bulk import writes one audit row per project,
 * and calling the function for each cost about a tenth of the import's database time. UPDATE and
 * DELETE still call the function for every row, and TRUNCATE is refused as before.
 */
export class AuditInsertCheck1764301670000 implements MigrationInterface {
  name = 'AuditInsertCheck1764301670000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER audit_events_append_only_rows ON audit_events;
      CREATE TRIGGER audit_events_append_only_rows
        BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TRIGGER audit_events_append_only_inserts
        BEFORE INSERT ON audit_events
        FOR EACH ROW
        WHEN (NEW.sequence IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL)
        EXECUTE FUNCTION audit_events_append_only();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER audit_events_append_only_inserts ON audit_events;
      DROP TRIGGER audit_events_append_only_rows ON audit_events;
      CREATE TRIGGER audit_events_append_only_rows
        BEFORE INSERT OR UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    `);
  }
}
