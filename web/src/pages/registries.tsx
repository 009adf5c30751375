import { Badge, Button, Card, Table, Tag } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { NotificationResponseDto, ProductResponseDto } from '../api/schema';
import { ProblemAlert, useAction, WriteButton } from '../components/forms';
import { dateTime, yuan } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

/** Loads one page of a list once, with a refresh. */
function useList<T>(load: () => Promise<{ items: T[] }>): {
  items: T[];
  loading: boolean;
  reload: () => void;
} {
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(() => {
    setLoading(true);
    void load()
      .then((page) => setItems(page.items))
      .finally(() => setLoading(false));
  }, [load]);
  useEffect(reload, [reload]);
  return { items, loading, reload };
}

const loadNotifications = () => api('get', '/api/v1/notifications', { query: { limit: 100 } });

export function NotificationsPage(): ReactNode {
  const { t } = useT();
  const { items, loading, reload } = useList<NotificationResponseDto>(loadNotifications);
  const { run, busy, problem } = useAction<void>();
  const markAll = (): void => {
    void run(async () => {
      await api('post', '/api/v1/notifications/read-all');
      reload();
    });
  };
  return (
    <Card
      title={t('notifications')}
      extra={
        <>
          <Button onClick={reload}>{t('refresh')}</Button>{' '}
          <WriteButton onClick={markAll} loading={busy}>
            {t('markAllRead')}
          </WriteButton>
        </>
      }
    >
      <ProblemAlert problem={problem} />
      <Table<NotificationResponseDto>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        columns={[
          { title: t('time'), dataIndex: 'createdAt', render: (value: string) => dateTime(value) },
          {
            title: t('notifications'),
            key: 'title',
            render: (_, row) => (
              <>
                {row.readAt === null ? <Badge status="processing" text={t('unread')} /> : null}{' '}
                <strong>{row.title}</strong> {row.body}
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}

function rateRange(product: ProductResponseDto): string {
  const { minAnnualRate, maxAnnualRate } = product.effectiveRate;
  const percent = (rate: string | null): string =>
    rate === null ? '—' : `${(Number(rate) * 100).toFixed(2)}%`;
  return `${percent(minAnnualRate)} ~ ${percent(maxAnnualRate)}`;
}

/** Loan products: bank staff see their own bank's, the center and auditors every bank's. */
export function ProductsPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const load = useCallback(
    () =>
      api('get', '/api/v1/products', {
        query: { limit: 100, ...(me.bankId === null ? {} : { bankId: me.bankId }) },
      }),
    [me.bankId],
  );
  const { items, loading, reload } = useList<ProductResponseDto>(load);
  return (
    <Card title={t('products')} extra={<Button onClick={reload}>{t('refresh')}</Button>}>
      <Table<ProductResponseDto>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        columns={[
          { title: t('bank'), dataIndex: 'bankName' },
          { title: t('products'), dataIndex: 'name' },
          { title: t('guarantee'), dataIndex: 'category', render: (value: string) => label(value) },
          {
            title: t('amount'),
            key: 'amount',
            align: 'right',
            render: (_, row) => `${yuan(row.minAmount)} ~ ${yuan(row.maxAmount)}`,
          },
          {
            title: t('termMonths'),
            key: 'term',
            align: 'right',
            render: (_, row) => `${row.minTermMonths} ~ ${row.maxTermMonths}`,
          },
          {
            title: t('annualRateRange'),
            key: 'rate',
            align: 'right',
            render: (_, row) => rateRange(row),
          },
          {
            title: t('status'),
            dataIndex: 'active',
            render: (active: boolean) =>
              active ? <Tag color="green">{t('onSale')}</Tag> : <Tag>{t('offSale')}</Tag>,
          },
        ]}
      />
    </Card>
  );
}
