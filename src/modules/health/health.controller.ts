import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../../common/auth/auth.decorators.js';
import { ShutdownState } from './shutdown-state.js';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process is up (no dependency checked: restarting would not fix the database). */
  @Get('live')
  @ApiOkResponse({ description: '{ status: "ok" }' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready for traffic: the database answers and shutdown has not begun. */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'Database down or shutting down' })
  ready(): Promise<HealthCheckResult> {
    if (this.shutdown.isDraining) {
      throw new ServiceUnavailableException('shutting down');
    }
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
  }
}
