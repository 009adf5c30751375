import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import prettier from 'prettier';
import { createTestApp, TestApp } from '../support/app.js';
import { OpenApiDocument, openApiToTypeScript } from '../support/openapi-types.js';

const SCHEMA_FILE = 'web/src/api/schema.ts';

/**
 * The console's API types are generated from this very app's OpenAPI document; a committed
 * file that no longer matches fails here. `npm run web:api` (WEB_API_WRITE=1) rewrites it.
 */
describe('web console API types', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('match the OpenAPI document the app serves', async () => {
    const response = await testApp.http().get('/docs-json');
    expect(response.status).toBe(200);
    const options = (await prettier.resolveConfig(SCHEMA_FILE)) ?? {};
    const generated = await prettier.format(openApiToTypeScript(response.body as OpenApiDocument), {
      ...options,
      filepath: SCHEMA_FILE,
    });
    if (process.env.WEB_API_WRITE === '1') {
      await writeFile(SCHEMA_FILE, generated);
    }
    const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    expect(committed === generated ? 'up to date' : 'stale: run `npm run web:api`').toBe(
      'up to date',
    );
  });
});
