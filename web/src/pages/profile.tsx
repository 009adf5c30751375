import { App, Card, Descriptions, Form, Input, InputNumber, Space, Tag } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { EnterpriseResponseDto, UpdateEnterpriseDto } from '../api/schema';
import { ProblemAlert, useAction, useFormRules, WriteButton } from '../components/forms';
import { dateTime, yuanSummary } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

/** The enterprise's own record: what the center verified, and the figures that set its scale. */
export function ProfilePage(): ReactNode {
  const { t, label, language } = useT();
  const rules = useFormRules();
  const { me } = useSession();
  const { message } = App.useApp();
  const [enterprise, setEnterprise] = useState<EnterpriseResponseDto | null>(null);
  const [form] = Form.useForm<UpdateEnterpriseDto>();
  const { run, busy, problem } = useAction<void>(form);
  const id = me.enterpriseId ?? '';
  const load = useCallback(async () => {
    const record = await api('get', '/api/v1/enterprises/{id}', { params: { id } });
    setEnterprise(record);
    form.setFieldsValue({
      employees: record.employees,
      revenue: record.revenue,
      assets: record.assets,
    });
  }, [id, form]);
  useEffect(() => {
    void load();
  }, [load]);
  const save = (values: UpdateEnterpriseDto): void => {
    void run(async () => {
      setEnterprise(
        await api('patch', '/api/v1/enterprises/{id}', { params: { id }, body: values }),
      );
      void message.success(t('saved'));
    });
  };
  if (enterprise === null) {
    return <Card loading />;
  }
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={enterprise.name}>
        <Descriptions bordered size="small" column={2}>
          <Descriptions.Item label={t('creditCode')}>{enterprise.creditCode}</Descriptions.Item>
          <Descriptions.Item label={t('region')}>{enterprise.regionName}</Descriptions.Item>
          <Descriptions.Item label={t('industry')}>{label(enterprise.industry)}</Descriptions.Item>
          <Descriptions.Item label={t('scale')}>{label(enterprise.scale)}</Descriptions.Item>
          <Descriptions.Item label={t('revenue')}>
            {yuanSummary(enterprise.revenue, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('assets')}>
            {yuanSummary(enterprise.assets, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('status')}>
            {enterprise.verifiedAt === null ? (
              <Tag color="orange">{t('unverified')}</Tag>
            ) : (
              <Tag color="green">{`${t('verified')} · ${dateTime(enterprise.verifiedAt)}`}</Tag>
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('updateFigures')} style={{ maxWidth: 560 }}>
        <Form form={form} layout="vertical" onFinish={save} aria-label={t('updateFigures')}>
          <ProblemAlert problem={problem} />
          <Form.Item name="employees" label={t('employees')} rules={[{ required: true }]}>
            <InputNumber min={0} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="revenue"
            label={t('revenue')}
            rules={[{ required: true, ...rules.money }]}
          >
            <Input inputMode="decimal" />
          </Form.Item>
          <Form.Item name="assets" label={t('assets')} rules={[{ required: true, ...rules.money }]}>
            <Input inputMode="decimal" />
          </Form.Item>
          <WriteButton type="primary" htmlType="submit" loading={busy}>
            {t('submit')}
          </WriteButton>
        </Form>
      </Card>
    </Space>
  );
}
