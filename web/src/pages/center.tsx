import { App, Button, Card, Col, Empty, List, Row, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  EnterpriseResponseDto,
  FinancingRequestResponseDto,
  SuggestionDto,
} from '../api/schema';
import { ProblemAlert, useAction, WriteButton, openableRow } from '../components/forms';
import { StatusTag } from '../components/status';
import { dateTime, yuan } from '../format';
import { useT } from '../i18n';

/** The project center's queue: submitted requests, the suggested banks and why, dispatch. */
export function DispatchPage(): ReactNode {
  const { t, label } = useT();
  const { message } = App.useApp();
  const [queue, setQueue] = useState<FinancingRequestResponseDto[]>([]);
  const [current, setCurrent] = useState<FinancingRequestResponseDto | null>(null);
  const [suggestions, setSuggestions] = useState<SuggestionDto[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const { run, busy, problem, clear } = useAction<void>();
  const load = useCallback(async () => {
    setQueue(
      (
        await api('get', '/api/v1/financing-requests', {
          query: { status: 'submitted', limit: 100 },
        })
      ).items,
    );
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const open = async (request: FinancingRequestResponseDto): Promise<void> => {
    clear();
    setCurrent(request);
    setChosen([]);
    setSuggestions(
      // The best hundred (one page at the largest limit) are what the center chooses among.
      (
        await api('get', '/api/v1/financing-requests/{id}/suggestions', {
          params: { id: request.id },
          query: { limit: 100 },
        })
      ).items,
    );
  };
  const dispatch = (): void => {
    if (current === null) {
      return;
    }
    void run(async () => {
      for (const suggestion of suggestions.filter((item) => chosen.includes(item.bankId))) {
        await api('post', '/api/v1/financing-requests/{id}/dispatch', {
          params: { id: current.id },
          body: { bankId: suggestion.bankId, productId: suggestion.productId },
        });
      }
      void message.success(t('dispatched'));
      setCurrent(null);
      setSuggestions([]);
      await load();
    });
  };
  return (
    <Row gutter={16}>
      <Col span={10}>
        <Card
          title={t('dispatchQueue')}
          extra={<Button onClick={() => void load()}>{t('refresh')}</Button>}
        >
          <Table<FinancingRequestResponseDto>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={queue}
            rowClassName={(row) => (row.id === current?.id ? 'ant-table-row-selected' : '')}
            onRow={(row) => openableRow(() => void open(row))}
            columns={[
              { title: t('enterprise'), dataIndex: 'enterpriseName' },
              {
                title: t('amount'),
                dataIndex: 'amount',
                align: 'right',
                render: (value: string) => yuan(value),
              },
              {
                title: t('createdAt'),
                dataIndex: 'createdAt',
                render: (value: string) => dateTime(value),
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={14}>
        <Card
          title={
            current === null
              ? t('suggestions')
              : `${t('suggestions')} · ${current.enterpriseName} · ${yuan(current.amount)}`
          }
        >
          <ProblemAlert problem={problem} />
          {current === null ? (
            <Empty description={t('nothing')} />
          ) : (
            <>
              <List
                dataSource={suggestions}
                renderItem={(item) => (
                  <List.Item
                    actions={[
                      <label key="choose">
                        <input
                          type="checkbox"
                          data-write="true"
                          aria-label={`${t('dispatch')} ${item.bankName}`}
                          checked={chosen.includes(item.bankId)}
                          disabled={item.existingMatch !== null}
                          onChange={(event) =>
                            setChosen(
                              event.target.checked
                                ? [...chosen, item.bankId]
                                : chosen.filter((bankId) => bankId !== item.bankId),
                            )
                          }
                        />{' '}
                        {t('dispatch')}
                      </label>,
                    ]}
                  >
                    <List.Item.Meta
                      title={
                        <Space>
                          <span>{item.rank}.</span>
                          <span>{item.bankName}</span>
                          <Typography.Text type="secondary">{item.productName}</Typography.Text>
                          <Tag color="blue">
                            {t('score')} {item.score}
                          </Tag>
                          {item.existingMatch === null ? null : (
                            <StatusTag status={item.existingMatch.status} />
                          )}
                        </Space>
                      }
                      description={item.reasons.map((reason) => reason.message).join('；')}
                    />
                  </List.Item>
                )}
              />
              <WriteButton
                type="primary"
                disabled={chosen.length === 0}
                loading={busy}
                onClick={dispatch}
              >
                {t('dispatchTo')}（{chosen.length}）
              </WriteButton>
            </>
          )}
          {current === null ? null : (
            <Typography.Paragraph type="secondary">{label(current.purpose)}</Typography.Paragraph>
          )}
        </Card>
      </Col>
    </Row>
  );
}

export function EnterprisesPage(): ReactNode {
  const { t, label } = useT();
  const [items, setItems] = useState<EnterpriseResponseDto[]>([]);
  const { run, busy, problem } = useAction<void>();
  const load = useCallback(async () => {
    setItems((await api('get', '/api/v1/enterprises', { query: { limit: 100 } })).items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const verify = (id: string): void => {
    void run(async () => {
      await api('post', '/api/v1/enterprises/{id}/verify', { params: { id } });
      await load();
    });
  };
  return (
    <Card
      title={t('enterprises')}
      extra={<Button onClick={() => void load()}>{t('refresh')}</Button>}
    >
      <ProblemAlert problem={problem} />
      <Table<EnterpriseResponseDto>
        rowKey="id"
        size="small"
        dataSource={items}
        columns={[
          { title: t('enterpriseName'), dataIndex: 'name' },
          { title: t('creditCode'), dataIndex: 'creditCode' },
          { title: t('region'), dataIndex: 'regionName' },
          { title: t('industry'), dataIndex: 'industry', render: (value: string) => label(value) },
          {
            title: t('status'),
            key: 'verified',
            render: (_, row) =>
              row.verifiedAt === null ? (
                <Tag color="orange">{t('unverified')}</Tag>
              ) : (
                <Tag color="green">{t('verified')}</Tag>
              ),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, row) =>
              row.verifiedAt === null ? (
                <WriteButton
                  size="small"
                  loading={busy}
                  onClick={() => verify(row.id)}
                  aria-label={`${t('verify')} ${row.name}`}
                >
                  {t('verify')}
                </WriteButton>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}
