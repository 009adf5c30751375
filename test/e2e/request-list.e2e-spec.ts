import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Caller } from '../../src/common/auth/caller.js';
import { encodeCursor } from '../../src/common/pagination/pagination.js';
import { ListFinancingRequestsQueryDto } from '../../src/modules/matching/financing-requests.dto.js';
import { RequestListReader } from '../../src/modules/matching/request-list.js';
import { createTestApp, TestApp } from '../support/app.js';
import { buildWorld, client, Person, problem, World } from '../support/matchmaking.js';

interface ListBody {
  items: { id: string; enterpriseId: string; projectName: string | null }[];
  nextCursor: string | null;
}

/**
 * GET /financing-requests reads a page and its names in one statement, and the reads of one
 * shape that arrive in the same event-loop turn share one execution: each read must still get
 * exactly its own caller's page.
 */
describe('financing request list, batched', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof client>;
  let reader: RequestListReader;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = client(testApp);
    reader = testApp.app.get(RequestListReader);
    // A's requests: some for its project, some dispatched to bank 1, bank 2 or both; B's too.
    for (let index = 0; index < 9; index += 1) {
      const a = await http.file(
        world.userA,
        index % 3 === 0 ? { projectId: world.projectA } : { amount: `${index + 1}000000.00` },
      );
      const b = await http.file(world.userB, index % 2 === 0 ? { projectId: world.projectB } : {});
      if (index % 3 !== 2) {
        await http.dispatch(world.admin, a, world.bank1.id);
        await http.dispatch(world.admin, b, world.bank2.id);
      }
      if (index % 3 !== 0) {
        await http.dispatch(world.admin, a, world.bank2.id);
      }
    }
  }, 300_000);

  afterAll(async () => {
    await testApp.close();
  });

  const callerOf = (person: Person): Caller => ({
    userId: person.id,
    username: person.username,
    role: person.role,
    enterpriseId: person.enterpriseId,
    bankId: person.bankId,
    requestId: 'test',
  });
  const query = (fields: Partial<ListFinancingRequestsQueryDto>): ListFinancingRequestsQueryDto =>
    Object.assign(new ListFinancingRequestsQueryDto(), fields);

  it('answers each of many reads made in one turn what it answers alone', async () => {
    const firstPageA = await reader.read(callerOf(world.userA), query({ limit: 2 }));
    const reads: [Person, ListFinancingRequestsQueryDto][] = [];
    for (const who of [
      world.admin,
      world.auditor,
      world.userA,
      world.userB,
      world.bank1.officer,
      world.bank1.president,
      world.bank2.officer,
      world.headless.officer,
    ]) {
      reads.push(
        [who, query({})],
        [who, query({ limit: 3 })],
        [who, query({ status: 'dispatched', limit: 2 })],
        [who, query({ status: 'submitted' })],
        [who, query({ bankId: world.bank1.id })],
        [who, query({ bankId: world.bank2.id, status: 'dispatched' })],
        [who, query({ limit: 2, cursor: firstPageA.nextCursor ?? undefined })],
      );
      if (who === world.admin || who === world.auditor) {
        reads.push(
          [who, query({ enterpriseId: world.enterpriseA })],
          [who, query({ enterpriseId: world.enterpriseB, bankId: world.bank2.id, limit: 1 })],
        );
      }
    }
    const settle = (promise: Promise<unknown>) =>
      promise.then(
        (page) => ({ page }),
        (error: unknown) => ({ error: (error as Error).message }),
      );
    const alone = [];
    for (const [who, fields] of reads) {
      alone.push(await settle(reader.read(callerOf(who), fields)));
    }
    // Called in one go, without awaiting: every read of a shape lands in the same batch.
    const together = await Promise.all(
      reads.map(([who, fields]) => settle(reader.read(callerOf(who), fields))),
    );
    expect(together).toEqual(alone);
    // The reads differ, so a batch that mixed them up would not have matched.
    expect(new Set(alone.map((answer) => JSON.stringify(answer))).size).toBeGreaterThan(20);
  }, 120_000);

  it('keeps tenants apart when their reads share a batch', async () => {
    const [ofA, ofB, ofBank1, ofBank2, headless] = await Promise.all([
      reader.read(callerOf(world.userA), query({ limit: 100 })),
      reader.read(callerOf(world.userB), query({ limit: 100 })),
      reader.read(callerOf(world.bank1.officer), query({ limit: 100 })),
      reader.read(callerOf(world.bank2.officer), query({ limit: 100 })),
      reader.read(callerOf(world.headless.officer), query({ limit: 100 })),
    ]);
    expect(ofA.items.map((item) => item.enterpriseId)).toEqual(
      ofA.items.map(() => world.enterpriseA),
    );
    expect(ofB.items.map((item) => item.enterpriseId)).toEqual(
      ofB.items.map(() => world.enterpriseB),
    );
    const heldBy = async (bankId: string): Promise<string[]> =>
      (
        await testApp.dataSource.query<{ id: string }[]>(
          `SELECT DISTINCT r.id, r.created_at FROM financing_requests r
             JOIN matches m ON m.request_id = r.id AND m.bank_id = $1
            ORDER BY r.created_at DESC, r.id DESC`,
          [bankId],
        )
      ).map((row) => row.id);
    expect(ofBank1.items.map((item) => item.id)).toEqual(await heldBy(world.bank1.id));
    expect(ofBank2.items.map((item) => item.id)).toEqual(await heldBy(world.bank2.id));
    expect(headless.items).toEqual([]);
    expect(ofA.items.filter((item) => item.projectName !== null).length).toBe(3);
  });

  it('refuses a cursor whose instant is not a real one (400, not a database error)', async () => {
    const [{ id }] = (await http.get(world.userA, '/financing-requests?limit=1')).body
      .items as ListBody['items'];
    for (const instant of ['2025-02-30T00:00:00.000Z', '2025-01-01T24:00:00.000Z']) {
      const cursor = encodeCursor([instant, id]);
      const response = await http.get(world.userA, `/financing-requests?cursor=${cursor}`);
      expect(problem(response)).toMatchObject({ status: 400, fields: ['cursor'] });
    }
  });
});
