import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, login, TestApp } from '../support/app.js';
import { APPROVAL, buildWorld, client, type World } from '../support/matchmaking.js';

interface MatchView {
  status: string;
  president: { id: string };
}

/** 行长制: whoever is the bank's president answers for its open cases. */
describe('a new bank president takes over the open matches', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = client(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('hands every open match of the bank to the new president, audited and announced, and leaves closed ones alone', async () => {
    const dispatched = await http.dispatch(
      world.admin,
      await http.file(world.userA),
      world.bank1.id,
    );
    const approved = await http.dispatch(world.admin, await http.file(world.userB), world.bank1.id);
    await http.ok(http.act(world.bank1.officer, approved, 'accept'));
    await http.ok(http.act(world.bank1.officer, approved, 'approve', APPROVAL));
    const declined = await http.dispatch(world.admin, await http.file(world.userA), world.bank1.id);
    await http.ok(
      http.act(world.bank1.officer, declined, 'decline', {
        reasonCode: 'outside_appetite',
        reason: '不符合授信政策',
      }),
    );
    const otherBank = await http.dispatch(
      world.admin,
      await http.file(world.userB),
      world.bank2.id,
    );

    // The center appoints a new president of bank 1 (the old one is demoted in the same step).
    const appointed = await http.post(world.admin, '/users', {
      username: 'jlbank-new-president',
      displayName: '新行长',
      password: 'a-long-password-2026',
      role: 'bank_president',
      bankId: world.bank1.id,
    });
    expect(appointed.status).toBe(201);
    const presidentId = (appointed.body as { id: string }).id;

    const view = async (matchId: string): Promise<MatchView> =>
      (await http.get(world.admin, `/matches/${matchId}`)).body as MatchView;
    expect((await view(dispatched)).president.id).toBe(presidentId);
    expect((await view(approved)).president.id).toBe(presidentId);
    // A closed case stays with the president who closed it; another bank's is untouched.
    expect((await view(declined)).president.id).toBe(world.bank1.president.id);
    expect((await view(otherBank)).president.id).toBe(world.bank2.president.id);

    const audits = await testApp.dataSource.query<{ entity_id: string }[]>(
      `SELECT entity_id FROM audit_events WHERE action = 'match.handed_over' ORDER BY entity_id`,
    );
    expect(audits.map((row) => row.entity_id)).toEqual([dispatched, approved].sort());

    const session = await login(testApp, 'jlbank-new-president', 'a-long-password-2026');
    const inbox = await testApp
      .http()
      .get('/api/v1/notifications')
      .set('authorization', `Bearer ${session.accessToken}`);
    expect((inbox.body as { items: { kind: string; title: string }[] }).items).toEqual([
      expect.objectContaining({
        kind: 'match.handed_over',
        title: expect.stringContaining('2 件'),
      }),
    ]);

    // The new president acts on the handed-over case.
    const accepted = await http.post(
      { ...world.bank1.president, session },
      `/matches/${dispatched}/accept`,
    );
    expect(accepted.status).toBe(200);
  });
});
