import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { createTestApp, insertUser, TestApp } from '../support/app.js';
import { buildWorld, client, World } from '../support/matchmaking.js';

/** GET /banks/:id/officers: whom a president can assign a match to (the console's dialog). */
describe('bank officers list', () => {
  let testApp: TestApp;
  let world: World;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    api = client(testApp);
    const disabled = await insertUser(testApp.dataSource, {
      username: 'officer-gone',
      role: Role.BankOfficer,
      bankId: world.bank1.id,
    });
    await testApp.dataSource.query('UPDATE users SET disabled_at = now() WHERE id = $1', [
      disabled.id,
    ]);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('gives a president the enabled officers of their own bank, by name', async () => {
    const response = await api.get(world.bank1.president, `/banks/${world.bank1.id}/officers`);
    expect(response.status).toBe(200);
    const expected = [world.bank1.officer, world.bank1.colleague]
      .map((person) => ({ id: person.id, displayName: person.username }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    expect(response.body).toEqual({ items: expected });
  });

  it("answers 404 for another bank's list, as if it did not exist", async () => {
    const response = await api.get(world.bank1.president, `/banks/${world.bank2.id}/officers`);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NOT_FOUND');
  });

  it('lets the center and auditors read any bank, and 404s an unknown bank', async () => {
    expect(
      (await api.get(world.admin, `/banks/${world.bank2.id}/officers`)).body.items,
    ).toHaveLength(2);
    expect((await api.get(world.auditor, `/banks/${world.bank2.id}/officers`)).status).toBe(200);
    expect(
      (await api.get(world.admin, '/banks/00000000-0000-4000-8000-000000000000/officers')).status,
    ).toBe(404);
  });

  it('refuses officers and enterprises', async () => {
    expect((await api.get(world.bank1.officer, `/banks/${world.bank1.id}/officers`)).status).toBe(
      403,
    );
    expect((await api.get(world.userA, `/banks/${world.bank1.id}/officers`)).status).toBe(403);
  });
});
