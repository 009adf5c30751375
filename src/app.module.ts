import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from './common/config/app-config.js';
import { AppConfigModule } from './common/config/config.module.js';
import { Environment } from './common/config/environment.js';
import { dataSourceOptions } from './database/data-source.js';
import { ClockModule } from './common/clock.js';
import { CalendarModule } from './modules/calendar/calendar.module.js';
import { DemoDataModule } from './modules/demo/demo-data.module.js';
import { TonghuaYearModule } from './modules/demo/tonghua-year.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { EscalationModule } from './modules/escalation/escalation.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthGuard } from './modules/auth/auth.guard.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { BanksModule } from './modules/banks/banks.module.js';
import { EnterprisesModule } from './modules/enterprises/enterprises.module.js';
import { GuaranteesModule } from './modules/guarantees/guarantees.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { MatchingModule } from './modules/matching/matching.module.js';
import { ProductsModule } from './modules/products/products.module.js';
import { ProjectsModule } from './modules/projects/projects.module.js';
import { RegionsModule } from './modules/regions/regions.module.js';
import { StatsModule } from './modules/stats/stats.module.js';
import { SuggestionsModule } from './modules/suggestions/suggestions.module.js';
import { TurnoverFundModule } from './modules/turnover-fund/turnover-fund.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { CommissionersModule } from './modules/commissioners/commissioners.module.js';
import { EventsModule } from './modules/events/events.module.js';

export interface AppModuleOptions {
  environment: Environment;
  /** Extra modules, for tests that need a route of their own (e.g. a slow one). */
  imports?: ModuleMetadata['imports'];
}

@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    const { environment } = options;
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(environment),
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            const url = config.env.DATABASE_URL;
            if (url === undefined) {
              throw new Error('DATABASE_URL must be resolved before the app starts');
            }
            return dataSourceOptions(url, config.env.DATABASE_POOL_SIZE, {
              connectMs: config.env.DATABASE_CONNECT_TIMEOUT_MS,
              statementMs: config.env.DATABASE_STATEMENT_TIMEOUT_MS,
              lockMs: config.env.DATABASE_LOCK_TIMEOUT_MS,
              idleInTransactionMs: config.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
            });
          },
        }),
        ClockModule,
        AuditModule,
        NotificationsModule,
        CalendarModule,
        EscalationModule,
        UsersModule,
        AuthModule,
        HealthModule,
        RegionsModule,
        EnterprisesModule,
        BanksModule,
        ProductsModule,
        ProjectsModule,
        MatchingModule,
        SuggestionsModule,
        StatsModule,
        DemoDataModule,
        TonghuaYearModule,
        GuaranteesModule,
        CommissionersModule,
        EventsModule,
        TurnoverFundModule,
        ...(options.imports ?? []),
      ],
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
