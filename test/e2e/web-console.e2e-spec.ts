import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, TestApp } from '../support/app.js';

const INDEX = '<!doctype html><html><body><div id="root"></div></body></html>';

/** A stand-in for `npm run build:web`'s output: the serving rules do not depend on its content. */
async function fakeBuild(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'yinqi-web-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(path.join(root, 'index.html'), INDEX);
  await writeFile(path.join(root, 'assets', 'index-AbC123.js'), 'console.log(1);');
  await writeFile(path.join(root, 'favicon.svg'), '<svg/>');
  return root;
}

describe('web console serving', () => {
  let testApp: TestApp;
  let root: string;
  beforeAll(async () => {
    root = await fakeBuild();
    testApp = await createTestApp({ WEB_DIST_DIR: root, THROTTLE_LIMIT: '5' });
  });
  afterAll(async () => {
    await testApp.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves index.html at / and revalidates it on every load', async () => {
    const response = await testApp.http().get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.text).toBe(INDEX);
  });

  it('caches hashed assets for good and other files only with revalidation', async () => {
    const asset = await testApp.http().get('/assets/index-AbC123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await testApp.http().get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a console route with index.html so a reload keeps the page', async () => {
    const response = await testApp
      .http()
      .get('/requests/0d6c6a4e-2f0e-4d8f-9d5e-8f6a1b2c3d4e?tab=timeline');
    expect(response.status).toBe(200);
    expect(response.text).toBe(INDEX);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('never swallows an API path, the docs or a missing file', async () => {
    for (const url of ['/api/v1/no-such-route', '/api/nothing', '/health/nothing']) {
      const response = await testApp.http().get(url);
      expect({ url, status: response.status, type: response.headers['content-type'] }).toEqual({
        url,
        status: 404,
        type: 'application/problem+json; charset=utf-8',
      });
      expect(response.body.code).toBe('ROUTE_NOT_FOUND');
    }
    const missing = await testApp.http().get('/assets/index-gone.js');
    expect(missing.status).toBe(404);
    const docs = await testApp.http().get('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toBeDefined();
  });

  it('keeps a CSP that lets the console load over plain http', async () => {
    const response = await testApp.http().get('/');
    const policy = response.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('upgrade-insecure-requests');
  });

  it('does not count static files against the API budget', async () => {
    for (let index = 0; index < 12; index += 1) {
      expect((await testApp.http().get('/assets/index-AbC123.js')).status).toBe(200);
    }
    const api = await testApp.http().get('/api/v1/regions');
    expect(api.status).toBe(200);
    expect(Number(api.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
  });
});

describe('web console absent', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ WEB_DIST_DIR: path.join(os.tmpdir(), 'yinqi-no-such-build') });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('runs the API alone, with / a plain 404', async () => {
    expect((await testApp.http().get('/')).status).toBe(404);
    expect((await testApp.http().get('/api/v1/regions')).status).toBe(200);
  });
});
