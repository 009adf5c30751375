import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `matchmaking_rollups_rebuild()` at issue size (1.5 million matches, 5 million presence rows)
 * spent most of its time maintaining the roll-up tables' B-trees one random insert at a time:
 * the 1.47 million `bank_request_stakes` rows alone took 488 s through their four indexes. The
 * rebuild now loads the emptied tables bare and builds each index and key once, by sorting, with
 * memory for the sorts (settings local to the transaction).
 *
 * The filling stays the function the roll-ups migration wrote (renamed
 * `matchmaking_rollups_fill`), so the one definition of every roll-up row stays there. Which
 * indexes and keys to drop and recreate is read from the catalog, with their definitions, so
 * they cannot drift from the tables; CHECK and NOT NULL constraints stay in place (they cost
 * nothing per row). Nothing references the roll-up tables, so their keys can go and come back;
 * the foreign keys they hold are validated once each, as one join, when re-added.
 */
export class RollupsBulkRebuild1764301600000 implements MigrationInterface {
  name = 'RollupsBulkRebuild1764301600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER FUNCTION matchmaking_rollups_rebuild() RENAME TO matchmaking_rollups_fill;

      CREATE FUNCTION matchmaking_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        rollups CONSTANT regclass[] := ARRAY['bank_request_stakes', 'matchmaking_daily',
                                             'matchmaking_presence', 'matchmaking_accepts'];
        keys text[];
        foreign_keys text[];
        indexes text[];
        statement text;
      BEGIN
        PERFORM set_config('work_mem', '256MB', true);
        PERFORM set_config('maintenance_work_mem', '512MB', true);
        -- The fill's own lock, taken before the roll-up tables' (in the order a match write
        -- takes them: matches, then its trigger's roll-ups), so the two cannot deadlock.
        LOCK TABLE matches, financing_requests, enterprises IN SHARE MODE;

        SELECT coalesce(array_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass,
                                         conname, pg_get_constraintdef(oid))
                                  ORDER BY conrelid, conname) FILTER (WHERE contype IN ('p', 'u')),
                        '{}'),
               coalesce(array_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass,
                                         conname, pg_get_constraintdef(oid))
                                  ORDER BY conrelid, conname) FILTER (WHERE contype = 'f'), '{}')
          INTO keys, foreign_keys
          FROM pg_constraint
         WHERE conrelid = ANY (rollups) AND contype IN ('p', 'u', 'f');
        SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid), '{}')
          INTO indexes
          FROM pg_index i
         WHERE i.indrelid = ANY (rollups)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);

        FOR statement IN
          SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname)
            FROM pg_constraint
           WHERE conrelid = ANY (rollups) AND contype IN ('p', 'u', 'f')
           ORDER BY contype = 'f' DESC
        LOOP
          EXECUTE statement;
        END LOOP;
        FOR statement IN
          SELECT format('DROP INDEX %s', indexrelid::regclass) FROM pg_index
           WHERE indrelid = ANY (rollups)
        LOOP
          EXECUTE statement;
        END LOOP;

        PERFORM matchmaking_rollups_fill();

        FOREACH statement IN ARRAY keys || indexes || foreign_keys LOOP
          EXECUTE statement;
        END LOOP;
      END $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP FUNCTION matchmaking_rollups_rebuild();
      ALTER FUNCTION matchmaking_rollups_fill() RENAME TO matchmaking_rollups_rebuild;
    `);
  }
}
