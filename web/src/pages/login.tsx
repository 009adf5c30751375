import { Button, Card, Form, Input, InputNumber, Result, Select, Space, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { api, storeTokens } from '../api/client';
import type { RegisterEnterpriseDto, RegionResponseDto } from '../api/schema';
import { ProblemAlert, useAction, useFormRules } from '../components/forms';
import { useT } from '../i18n';
import { INDUSTRIES } from '../reference';

export function LoginForm({ onSignedIn }: { onSignedIn: () => Promise<void> }): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const { run, busy, problem } = useAction(form);
  const submit = (values: { username: string; password: string }): void => {
    void run(async () => {
      storeTokens(await api('post', '/api/v1/auth/login', { body: values }));
      await onSignedIn();
    });
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} aria-label={t('login')}>
      <ProblemAlert problem={problem} />
      <Form.Item name="username" label={t('username')} rules={[{ required: true }]}>
        <Input autoComplete="username" />
      </Form.Item>
      <Form.Item name="password" label={t('password')} rules={[{ required: true }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block>
        {t('login')}
      </Button>
    </Form>
  );
}

export function RegisterPage({
  onDone,
  onLogin,
  onLanguage,
}: {
  onDone: () => void;
  onLogin: () => void;
  onLanguage: () => void;
}): ReactNode {
  const { t, label } = useT();
  const rules = useFormRules();
  const [form] = Form.useForm<RegisterEnterpriseDto>();
  const { run, busy, problem } = useAction(form);
  const [regions, setRegions] = useState<RegionResponseDto[]>([]);
  const [done, setDone] = useState(false);
  useEffect(() => {
    void api('get', '/api/v1/regions').then((answer) => setRegions(answer));
  }, []);
  const submit = (values: RegisterEnterpriseDto): void => {
    void run(async () => {
      await api('post', '/api/v1/auth/register', {
        body: { ...values, employees: Number(values.employees) },
      });
      setDone(true);
    });
  };
  if (done) {
    return (
      <Result
        status="success"
        title={t('registerDone')}
        extra={
          <Button type="primary" onClick={onDone}>
            {t('login')}
          </Button>
        }
      />
    );
  }
  return (
    <Card style={{ maxWidth: 640, margin: '48px auto' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('register')}</Typography.Title>
        <Button onClick={onLanguage}>{t('language')}</Button>
      </Space>
      <Form form={form} layout="vertical" onFinish={submit} aria-label={t('register')}>
        <ProblemAlert problem={problem} />
        <Form.Item name="name" label={t('enterpriseName')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="creditCode" label={t('creditCode')} rules={[{ required: true, len: 18 }]}>
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item name="regionCode" label={t('region')} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={regions.map((region) => ({ value: region.code, label: region.name }))}
          />
        </Form.Item>
        <Form.Item name="industry" label={t('industry')} rules={[{ required: true }]}>
          <Select options={INDUSTRIES.map((value) => ({ value, label: label(value) }))} />
        </Form.Item>
        <Form.Item name="employees" label={t('employees')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="revenue" label={t('revenue')} rules={[{ required: true, ...rules.money }]}>
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item name="assets" label={t('assets')} rules={[{ required: true, ...rules.money }]}>
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item name="displayName" label={t('displayName')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="username" label={t('username')} rules={[{ required: true }]}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, min: 12 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('submit')}
          </Button>
          <Button type="link" onClick={onLogin}>
            {t('haveAccount')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
