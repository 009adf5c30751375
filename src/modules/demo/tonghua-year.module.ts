import { Module } from '@nestjs/common';
import { CommissionersModule } from '../commissioners/commissioners.module.js';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { EventsModule } from '../events/events.module.js';
import { GuaranteesModule } from '../guarantees/guarantees.module.js';
import { MatchingModule } from '../matching/matching.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { TurnoverFundModule } from '../turnover-fund/turnover-fund.module.js';
import { UsersModule } from '../users/users.module.js';
import { DemoDataModule } from './demo-data.module.js';
import { TonghuaYearReplay } from './tonghua-year.service.js';

/** The Tonghua year replay (npm run demo:tonghua, DEMO_DATA=tonghua-year). No routes. */
@Module({
  imports: [
    DemoDataModule,
    UsersModule,
    EnterprisesModule,
    ProjectsModule,
    MatchingModule,
    TurnoverFundModule,
    GuaranteesModule,
    CommissionersModule,
    EventsModule,
  ],
  providers: [TonghuaYearReplay],
  exports: [TonghuaYearReplay],
})
export class TonghuaYearModule {}
