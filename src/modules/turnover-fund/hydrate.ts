import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity from a raw row (e.g. `UPDATE … RETURNING *`), converted column by column the way
 * TypeORM itself hydrates a find: transformers (bigint fen) and date columns apply. Saves the
 * re-read a guarded raw UPDATE would otherwise need.
 */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  raw: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.databaseName in raw) {
      column.setEntityValue(
        entity,
        manager.connection.driver.prepareHydratedValue(raw[column.databaseName], column),
      );
    }
  }
  return entity;
}
