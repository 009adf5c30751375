import { Alert, Button, Card, Input, List, Progress, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, postCsv } from '../api/client';
import type {
  ProjectImportResultDto,
  ProjectResponseDto,
  ProjectSurveyResponseDto,
} from '../api/schema';
import { ProblemAlert, useAction, WriteButton, openableRow } from '../components/forms';
import { dateTime, yuan, yuanSummary } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

/** Key projects (重点项目) with their funding gap; a project's gap history on selection. */
export function ProjectsPage(): ReactNode {
  const { t, label, language } = useT();
  const { me } = useSession();
  const [items, setItems] = useState<ProjectResponseDto[]>([]);
  const [current, setCurrent] = useState<ProjectResponseDto | null>(null);
  const [history, setHistory] = useState<ProjectSurveyResponseDto[]>([]);
  const load = useCallback(async () => {
    setItems((await api('get', '/api/v1/projects', { query: { limit: 100 } })).items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const open = async (project: ProjectResponseDto): Promise<void> => {
    setCurrent(project);
    setHistory(
      (
        await api('get', '/api/v1/projects/{id}/surveys', {
          params: { id: project.id },
          query: { limit: 100 },
        })
      ).items,
    );
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      {me.role === 'admin' ? <ProjectImport onImported={() => void load()} /> : null}
      <Card
        title={t('projects')}
        extra={<Button onClick={() => void load()}>{t('refresh')}</Button>}
      >
        <Table<ProjectResponseDto>
          rowKey="id"
          size="small"
          dataSource={items}
          onRow={(row) => openableRow(() => void open(row))}
          columns={[
            { title: t('projects'), dataIndex: 'name' },
            {
              title: t('totalInvestment'),
              dataIndex: 'totalInvestment',
              align: 'right',
              render: (value: string) => yuanSummary(value, language),
            },
            {
              title: t('fundingGap'),
              dataIndex: 'fundingGap',
              align: 'right',
              render: (value: string) => yuanSummary(value, language),
            },
            {
              title: t('progress'),
              dataIndex: 'progressPercent',
              render: (value: string) => <Progress percent={Number(value)} size="small" />,
            },
            { title: t('status'), dataIndex: 'status', render: (value: string) => label(value) },
          ]}
        />
      </Card>
      {current === null ? null : (
        <Card title={`${current.name} · ${t('gapHistory')}`}>
          <Table<ProjectSurveyResponseDto>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={history}
            columns={[
              {
                title: t('time'),
                dataIndex: 'surveyedAt',
                render: (value: string) => dateTime(value),
              },
              {
                title: t('fundingGap'),
                key: 'gap',
                align: 'right',
                render: (_, row) => `${yuan(row.oldFundingGap)} → ${yuan(row.newFundingGap)}`,
              },
              {
                title: t('progress'),
                key: 'progress',
                align: 'right',
                render: (_, row) => `${row.oldProgressPercent ?? '—'} → ${row.newProgressPercent}%`,
              },
              {
                title: t('actor'),
                dataIndex: 'actorUsername',
                render: (value: string | null) => value ?? '—',
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

/** The center's CSV import: every bad line is listed with its number, nothing is half-imported. */
function ProjectImport({ onImported }: { onImported: () => void }): ReactNode {
  const { t } = useT();
  const [text, setText] = useState('');
  const [result, setResult] = useState<ProjectImportResultDto | null>(null);
  const { run, busy, problem } = useAction<void>();
  const submit = (): void => {
    setResult(null);
    void run(async () => {
      setResult(await postCsv<ProjectImportResultDto>('/api/v1/projects/import', text));
      onImported();
    });
  };
  return (
    <Card title={t('importProjects')}>
      <input
        type="file"
        accept=".csv,text/csv"
        aria-label={t('importProjects')}
        data-write="true"
        onChange={(event) => void event.target.files?.[0]?.text().then(setText)}
      />
      <Input.TextArea
        aria-label="CSV"
        rows={4}
        value={text}
        onChange={(event) => setText(event.target.value)}
        style={{ marginTop: 8, fontFamily: 'monospace' }}
      />
      <WriteButton
        type="primary"
        style={{ marginTop: 8 }}
        disabled={text.trim() === ''}
        loading={busy}
        onClick={submit}
      >
        {t('import')}
      </WriteButton>
      <div style={{ marginTop: 12 }}>
        <ProblemAlert problem={problem === null ? null : { ...problem, errors: undefined }} />
        {problem?.errors === undefined ? null : (
          <List
            size="small"
            bordered
            data-testid="line-errors"
            dataSource={problem.errors}
            renderItem={(error) => (
              <List.Item>
                <Typography.Text type="danger">{error.field}</Typography.Text>：{error.message}
              </List.Item>
            )}
          />
        )}
        {result === null ? null : (
          <Alert
            type="success"
            showIcon
            title={`${t('imported')}：+${result.created} / ~${result.updated} / =${result.unchanged}`}
          />
        )}
      </div>
    </Card>
  );
}
