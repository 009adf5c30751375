import { Badge, Button, Card, Table } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { NotificationResponseDto } from '../api/schema';
import { ProblemAlert, useAction, WriteButton } from '../components/forms';
import { dateTime } from '../format';
import { useT } from '../i18n';

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
