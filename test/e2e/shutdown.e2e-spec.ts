import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { Public } from '../../src/common/auth/auth.decorators.js';
import { createTestApp, TestApp } from '../support/app.js';

/** A request the test holds open until it says so. */
class Gate {
  entered!: () => void;
  readonly hasEntered = new Promise<void>((resolve) => (this.entered = resolve));
  open!: () => void;
  readonly isOpen = new Promise<void>((resolve) => (this.open = resolve));
}
const gate = new Gate();

@Controller('test-slow')
class SlowController {
  @Get()
  @Public()
  async slow(): Promise<{ finished: true }> {
    gate.entered();
    await gate.isOpen;
    return { finished: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

describe('graceful shutdown', () => {
  let testApp: TestApp;
  let base: string;
  beforeAll(async () => {
    testApp = await createTestApp({}, [SlowModule]);
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await testApp.database.drop();
  });

  it('lets a request in flight finish before closing, then refuses new connections', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const inFlight = fetch(`${base}/api/v1/test-slow`);
    await gate.hasEntered;

    let closed = false;
    const closing = testApp.app.close().then(() => {
      closed = true;
    });
    // Shutdown waits for the request in flight instead of cutting it off.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);

    gate.open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    expect(closed).toBe(true);
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });
});
