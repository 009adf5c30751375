import { Alert, Button, Card, Space, Table } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { AuditEventResponseDto, AuditVerificationDto } from '../api/schema';
import { dateTime } from '../format';
import { useT } from '../i18n';

export function AuditPage(): ReactNode {
  const { t, label } = useT();
  const [items, setItems] = useState<AuditEventResponseDto[]>([]);
  const [verification, setVerification] = useState<AuditVerificationDto | null>(null);
  const load = useCallback(async () => {
    setItems((await api('get', '/api/v1/audit-events', { query: { limit: 100 } })).items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Card
      title={t('audit')}
      extra={
        <Space>
          <Button onClick={() => void load()}>{t('refresh')}</Button>
          <Button
            onClick={() => void api('get', '/api/v1/audit-events/verify').then(setVerification)}
          >
            {t('verifyChain')}
          </Button>
        </Space>
      }
    >
      {verification === null ? null : (
        <Alert
          data-testid="chain"
          style={{ marginBottom: 12 }}
          showIcon
          type={verification.ok ? 'success' : 'error'}
          title={`${verification.ok ? t('chainOk') : t('chainBroken')} · ${verification.checked}`}
        />
      )}
      <Table<AuditEventResponseDto>
        rowKey="id"
        size="small"
        dataSource={items}
        columns={[
          { title: t('time'), dataIndex: 'occurredAt', render: (value: string) => dateTime(value) },
          { title: t('action'), dataIndex: 'action' },
          { title: t('entity'), dataIndex: 'entityType' },
          {
            title: t('actor'),
            dataIndex: 'actorRole',
            render: (value: string | null) => label(value),
          },
          { title: '#', dataIndex: 'sequence' },
        ]}
      />
    </Card>
  );
}
