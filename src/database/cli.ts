import 'reflect-metadata';
import { createDataSource, runMigrations } from './data-source.js';

/**
 * `npm run migration:run` / `migration:revert` against DATABASE_URL (the app also migrates on
 * start; this is for operators who migrate before rolling out).
 */
async function main(command: string | undefined): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('Set DATABASE_URL to the database to migrate');
  }
  if (command === 'migrate') {
    const applied = await runMigrations(url);
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
    return;
  }
  if (command === 'revert') {
    const dataSource = createDataSource(url, 2);
    await dataSource.initialize();
    try {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write('reverted the last migration\n');
    } finally {
      await dataSource.destroy();
    }
    return;
  }
  throw new Error('usage: node dist/database/cli.js migrate|revert');
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
