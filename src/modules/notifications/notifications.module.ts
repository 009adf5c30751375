import { Global, Module } from '@nestjs/common';
import { NotificationsService } from './notifications.service.js';

/** Global: every workflow notifies through NotificationsService. */
@Global()
@Module({
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
