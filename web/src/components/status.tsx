import { Tag } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../i18n';

const COLOURS: Record<string, string> = {
  submitted: 'blue',
  dispatched: 'geekblue',
  accepted: 'cyan',
  approved: 'gold',
  disbursed: 'green',
  funded: 'green',
  repaid: 'green',
  bank_committed: 'cyan',
  declined: 'red',
  rejected: 'red',
  overdue: 'red',
  written_off: 'red',
};

export function StatusTag({ status }: { status: string }): ReactNode {
  const { label } = useT();
  return (
    <Tag color={COLOURS[status] ?? 'default'} data-status={status}>
      {label(status)}
    </Tag>
  );
}
