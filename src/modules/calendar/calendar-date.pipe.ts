import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { isCalendarDate } from './working-days.js';

/** A `:day` route parameter: a real calendar date written YYYY-MM-DD, else 400. */
@Injectable()
export class ParseCalendarDatePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isCalendarDate(value)) {
      throw DomainError.validation('day', 'must be a real date written YYYY-MM-DD');
    }
    return value;
  }
}
