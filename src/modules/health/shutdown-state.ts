import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/** Set when shutdown begins, so readiness answers 503 while requests in flight finish. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}
