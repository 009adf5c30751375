import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  CreateFinancingRequestDto,
  FinancingRequestDetailDto,
  FinancingRequestResponseDto,
} from '../api/schema';
import { ProblemAlert, useAction, useFormRules } from '../components/forms';
import { StatusTag } from '../components/status';
import { dateTime, yuan, yuanSummary } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

export function RequestsPage(): ReactNode {
  const { t, label } = useT();
  const { me, navigate } = useSession();
  const [items, setItems] = useState<FinancingRequestResponseDto[]>([]);
  const [loading, setLoading] = useState(true);
  const load = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await api('get', '/api/v1/financing-requests', { query: { limit: 100 } })).items);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Card
      title={me.role === 'enterprise' ? t('myRequests') : t('requests')}
      extra={
        <Space>
          <Button onClick={() => void load()}>{t('refresh')}</Button>
          {me.role === 'enterprise' ? (
            <Button type="primary" data-write="true" onClick={() => navigate('/requests/new')}>
              {t('newRequest')}
            </Button>
          ) : null}
        </Space>
      }
    >
      <Table<FinancingRequestResponseDto>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        onRow={(row) => ({
          onClick: () => navigate(`/requests/${row.id}`),
          style: { cursor: 'pointer' },
        })}
        columns={[
          { title: t('enterprise'), dataIndex: 'enterpriseName' },
          {
            title: t('amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (value: string) => yuan(value),
          },
          { title: t('termMonths'), dataIndex: 'termMonths', align: 'right' },
          { title: t('purpose'), dataIndex: 'purpose', render: (value: string) => label(value) },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (value: string) => <StatusTag status={value} />,
          },
          {
            title: t('createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => dateTime(value),
          },
          {
            title: t('actions'),
            key: 'open',
            render: (_, row) => (
              <Button
                type="link"
                onClick={() => navigate(`/requests/${row.id}`)}
                aria-label={`${t('requestDetail')} ${row.enterpriseName}`}
              >
                {t('requestDetail')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}

export function NewRequestPage(): ReactNode {
  const { t, label } = useT();
  const rules = useFormRules();
  const { navigate } = useSession();
  const [form] = Form.useForm<CreateFinancingRequestDto>();
  const { run, busy, problem } = useAction(form);
  const submit = (values: CreateFinancingRequestDto): void => {
    void run(async () => {
      const created = await api('post', '/api/v1/financing-requests', { body: values });
      navigate(`/requests/${created.id}`);
    });
  };
  return (
    <Card title={t('newRequest')} style={{ maxWidth: 720 }}>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        aria-label={t('newRequest')}
        initialValues={{ purpose: 'working_capital', guaranteeOffered: 'credit', termMonths: 12 }}
      >
        <ProblemAlert problem={problem} />
        <Form.Item name="amount" label={t('amount')} rules={[{ required: true, ...rules.money }]}>
          <Input inputMode="decimal" placeholder="5000000.00" />
        </Form.Item>
        <Form.Item name="termMonths" label={t('termMonths')} rules={[{ required: true }]}>
          <InputNumber min={1} max={360} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true }]}>
          <Select
            options={['working_capital', 'fixed_asset', 'project', 'other'].map((value) => ({
              value,
              label: label(value),
            }))}
          />
        </Form.Item>
        <Form.Item name="guaranteeOffered" label={t('guarantee')} rules={[{ required: true }]}>
          <Select
            options={['credit', 'mortgage', 'pledge', 'guarantee'].map((value) => ({
              value,
              label: label(value),
            }))}
          />
        </Form.Item>
        <Form.Item name="rateCeiling" label={t('rateCeiling')} rules={[rules.rate]}>
          <Input inputMode="decimal" placeholder="0.045" />
        </Form.Item>
        <Form.Item name="description" label={t('description')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** Who has the case in hand right now, in one line. */
function holderLine(
  detail: FinancingRequestDetailDto,
  t: (key: 'center' | 'done' | 'enterpriseSide') => string,
  label: (value: string) => string,
): string {
  if (detail.status === 'submitted') {
    return t('center');
  }
  const open = detail.matches.filter((match) => match.open);
  if (open.length === 0) {
    return `${t('done')} · ${label(detail.status)}`;
  }
  return open
    .map((match) =>
      match.heldBy === null
        ? match.bankName
        : `${match.bankName} · ${match.heldBy.name}（${label(match.heldBy.role)}）`,
    )
    .join('；');
}

export function RequestDetailPage({ id }: { id: string }): ReactNode {
  const { t, label, language } = useT();
  const [detail, setDetail] = useState<FinancingRequestDetailDto | null>(null);
  const load = useCallback(async () => {
    setDetail(await api('get', '/api/v1/financing-requests/{id}', { params: { id } }));
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (detail === null) {
    return <Card loading />;
  }
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={`${t('requestDetail')} · ${detail.enterpriseName}`}
        extra={<Button onClick={() => void load()}>{t('refresh')}</Button>}
      >
        <Alert
          type="info"
          showIcon
          data-testid="holder"
          title={`${t('holderNow')}${holderLine(detail, t, label)}`}
          style={{ marginBottom: 16 }}
        />
        <Descriptions column={3} bordered size="small">
          <Descriptions.Item label={t('status')}>
            <StatusTag status={detail.status} />
          </Descriptions.Item>
          <Descriptions.Item label={t('amount')}>
            {yuanSummary(detail.amount, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('termMonths')}>{detail.termMonths}</Descriptions.Item>
          <Descriptions.Item label={t('approvedAmount')}>
            {yuanSummary(detail.approvedAmount, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('disbursedAmount')}>
            {yuanSummary(detail.disbursedAmount, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('purpose')}>{label(detail.purpose)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('matches')}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={detail.matches}
          columns={[
            { title: t('bank'), dataIndex: 'bankName' },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (value: string) => <StatusTag status={value} />,
            },
            {
              title: t('holder'),
              key: 'holder',
              render: (_, match) =>
                match.heldBy === null ? '—' : `${match.heldBy.name}（${label(match.heldBy.role)}）`,
            },
            {
              title: t('approvedAmount'),
              dataIndex: 'approvedAmount',
              align: 'right',
              render: (value: string | null) => yuan(value),
            },
            {
              title: t('disbursedAmount'),
              dataIndex: 'disbursedAmount',
              align: 'right',
              render: (value: string | null) => yuan(value),
            },
            {
              title: t('declineReason'),
              key: 'decline',
              render: (_, match) =>
                match.decline === null ? '—' : `${match.decline.label}：${match.decline.reason}`,
            },
          ]}
        />
      </Card>
      <Card title={t('timeline')}>
        <Timeline
          items={detail.timeline.map((event) => ({
            key: event.id,
            content: (
              <>
                <Typography.Text strong>{label(event.toStatus ?? event.action)}</Typography.Text>{' '}
                <Typography.Text type="secondary">
                  {dateTime(event.occurredAt)} ·{' '}
                  {event.actor === null ? '' : `${event.actor.name}（${label(event.actor.role)}）`}
                  {event.bankName === null ? '' : ` · ${event.bankName}`}
                </Typography.Text>
              </>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
