import {
  App as AntApp,
  Button,
  ConfigProvider,
  Layout,
  Menu,
  Modal,
  Space,
  Spin,
  Typography,
} from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, hasSession, logout, onSessionExpired, type Me, type Role } from './api/client';
import { LanguageContext, useT, type Language, type MessageKey } from './i18n';
import { AuditPage } from './pages/audit';
import { DashboardPage } from './pages/dashboard';
import { FiguresPage } from './pages/figures';
import { ProfilePage } from './pages/profile';
import { ProjectsPage } from './pages/projects';
import { GuaranteesPage } from './pages/guarantees';
import { CommissionersPage } from './pages/commissioners';
import { EventsPage } from './pages/events';
import { ProductsPage } from './pages/products';
import { NotificationsPage } from './pages/registries';
import { DispatchPage, EnterprisesPage } from './pages/center';
import { InboxPage } from './pages/inbox';
import { LoginForm, RegisterPage } from './pages/login';
import { NewRequestPage, RequestDetailPage, RequestsPage } from './pages/requests';
import { FundsPage, NewTurnoverPage, TurnoverPage } from './pages/turnover';
import { SessionContext } from './session';

interface MenuEntry {
  path: string;
  key: MessageKey;
  roles: Role[];
}

const MENU: MenuEntry[] = [
  { path: '/requests', key: 'requests', roles: ['enterprise', 'admin', 'auditor'] },
  { path: '/requests/new', key: 'newRequest', roles: ['enterprise'] },
  { path: '/dispatch', key: 'dispatchQueue', roles: ['admin'] },
  { path: '/projects', key: 'projects', roles: ['enterprise', 'admin', 'auditor'] },
  { path: '/profile', key: 'profile', roles: ['enterprise'] },
  { path: '/enterprises', key: 'enterprises', roles: ['admin', 'auditor'] },
  { path: '/inbox', key: 'inbox', roles: ['bank_president', 'bank_officer'] },
  { path: '/matches', key: 'matches', roles: ['admin', 'auditor'] },
  {
    path: '/turnover',
    key: 'turnoverApplications',
    roles: ['enterprise', 'bank_president', 'bank_officer', 'admin', 'auditor'],
  },
  { path: '/turnover/new', key: 'newTurnover', roles: ['enterprise'] },
  { path: '/funds', key: 'funds', roles: ['admin', 'auditor'] },
  {
    path: '/products',
    key: 'products',
    roles: ['bank_president', 'bank_officer', 'admin', 'auditor'],
  },
  { path: '/dashboard', key: 'dashboard', roles: ['admin', 'auditor'] },
  { path: '/figures', key: 'figures', roles: ['admin', 'auditor', 'bank_president'] },
  {
    path: '/guarantees',
    key: 'guarantees',
    roles: ['admin', 'auditor', 'bank_president', 'bank_officer', 'enterprise'],
  },
  {
    path: '/commissioners',
    key: 'commissioners',
    roles: ['admin', 'auditor', 'bank_president', 'bank_officer', 'enterprise'],
  },
  {
    path: '/events',
    key: 'events',
    roles: ['admin', 'auditor', 'bank_president', 'bank_officer', 'enterprise'],
  },
  { path: '/audit', key: 'audit', roles: ['admin', 'auditor'] },
  {
    path: '/notifications',
    key: 'notifications',
    roles: ['admin', 'auditor', 'bank_president', 'bank_officer', 'enterprise'],
  },
];

function home(role: Role): string {
  return role === 'bank_president' || role === 'bank_officer'
    ? '/inbox'
    : role === 'admin'
      ? '/dispatch'
      : '/requests';
}

function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = (): void => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: string) => {
    if (next !== window.location.pathname) {
      window.history.pushState(null, '', next);
    }
    setPath(next);
  }, []);
  return [path, navigate];
}

function Page({ path }: { path: string }): ReactNode {
  const detail = /^\/requests\/([0-9a-f-]{36})$/.exec(path);
  if (detail !== null) {
    return <RequestDetailPage id={detail[1]} />;
  }
  switch (path) {
    case '/requests':
      return <RequestsPage />;
    case '/requests/new':
      return <NewRequestPage />;
    case '/dispatch':
      return <DispatchPage />;
    case '/enterprises':
      return <EnterprisesPage />;
    case '/inbox':
    case '/matches':
      return <InboxPage />;
    case '/turnover':
      return <TurnoverPage />;
    case '/turnover/new':
      return <NewTurnoverPage />;
    case '/funds':
      return <FundsPage />;
    case '/audit':
      return <AuditPage />;
    case '/profile':
      return <ProfilePage />;
    case '/projects':
      return <ProjectsPage />;
    case '/products':
      return <ProductsPage />;
    case '/dashboard':
      return <DashboardPage />;
    case '/figures':
      return <FiguresPage />;
    case '/guarantees':
      return <GuaranteesPage />;
    case '/commissioners':
      return <CommissionersPage />;
    case '/events':
      return <EventsPage />;
    case '/notifications':
      return <NotificationsPage />;
    default:
      return <RequestsPage />;
  }
}

function Console({
  me,
  path,
  navigate,
  onLanguage,
  onLogout,
}: {
  me: Me;
  path: string;
  navigate: (path: string) => void;
  onLanguage: () => void;
  onLogout: () => void;
}): ReactNode {
  const { t, label } = useT();
  const { message } = AntApp.useApp();
  // A toast belongs to the person it answered: when they sign out (or someone else signs in
  // over an expired session), theirs must not be read by the next user.
  useEffect(() => () => message.destroy(), [me.id, message]);
  const entries = MENU.filter((entry) => entry.roles.includes(me.role));
  const selected =
    entries.find((entry) => entry.path === path)?.path ??
    entries.find((entry) => path.startsWith(`${entry.path}/`))?.path ??
    '';
  const session = useMemo(() => ({ me, navigate }), [me, navigate]);
  return (
    <SessionContext.Provider value={session}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider width={208} theme="light" breakpoint="lg">
          <div style={{ padding: '16px 20px' }}>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('appName')}
            </Typography.Title>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('appSubtitle')}
            </Typography.Text>
          </div>
          <nav aria-label={t('appName')}>
            <Menu
              mode="inline"
              selectedKeys={[selected]}
              items={entries.map((entry) => ({ key: entry.path, label: t(entry.key) }))}
              onClick={({ key }) => navigate(key)}
            />
          </nav>
        </Layout.Sider>
        <Layout>
          <Layout.Header
            style={{
              background: '#fff',
              display: 'flex',
              justifyContent: 'flex-end',
              paddingInline: 24,
            }}
          >
            <Space>
              <span data-testid="whoami">
                {me.displayName} · {label(me.role)}
              </span>
              <Button onClick={onLanguage}>{t('language')}</Button>
              <Button onClick={onLogout}>{t('logout')}</Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>
            <main>
              {/* Keyed by user: someone signing in over another's expired session starts afresh. */}
              <Page key={me.id} path={path} />
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    </SessionContext.Provider>
  );
}

// Someone who asked their system for less motion gets no zooming dialogs or sliding menus.
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export function App(): ReactNode {
  const [language, setLanguage] = useState<Language>(() =>
    localStorage.getItem('yinqi.language') === 'en' ? 'en' : 'zh',
  );
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(hasSession());
  const [expired, setExpired] = useState(false);
  const [path, navigate] = usePath();

  const loadMe = useCallback(async () => {
    try {
      setMe(await api('get', '/api/v1/auth/me'));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (hasSession()) {
      void loadMe();
    }
    // The console stays mounted under the login dialog, so a half-typed form survives.
    return onSessionExpired(() => setExpired(true));
  }, [loadMe]);

  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    localStorage.setItem('yinqi.language', language);
  }, [language]);

  const switchLanguage = (): void => setLanguage(language === 'zh' ? 'en' : 'zh');
  const signedIn = async (): Promise<void> => {
    const wasExpired = expired;
    setExpired(false);
    const next = await api('get', '/api/v1/auth/me');
    if (!wasExpired || me === null || next.id !== me.id) {
      setMe(next);
      navigate(home(next.role));
    }
  };

  let body: ReactNode;
  if (loading) {
    body = <Spin style={{ display: 'block', marginTop: 120 }} />;
  } else if (me === null) {
    body =
      path === '/register' ? (
        <RegisterPage
          onDone={() => navigate('/login')}
          onLogin={() => navigate('/login')}
          onLanguage={switchLanguage}
        />
      ) : (
        <LoginScreen
          onSignedIn={signedIn}
          onRegister={() => navigate('/register')}
          onLanguage={switchLanguage}
        />
      );
  } else {
    body = (
      <>
        <Console
          me={me}
          path={path}
          navigate={navigate}
          onLanguage={switchLanguage}
          onLogout={() => {
            void logout().then(() => {
              setMe(null);
              navigate('/login');
            });
          }}
        />
        <ExpiredDialog open={expired} onSignedIn={signedIn} />
      </>
    );
  }
  return (
    <LanguageContext.Provider value={language}>
      <ConfigProvider
        // antd would show "登录" as "登 录", which screen readers and tests then read apart.
        button={{ autoInsertSpace: false }}
        locale={language === 'zh' ? zhCN : enUS}
        theme={{ token: { colorPrimary: '#c0392b', motion: !reducedMotion } }}
      >
        <AntApp>{body}</AntApp>
      </ConfigProvider>
    </LanguageContext.Provider>
  );
}

function LoginScreen({
  onSignedIn,
  onRegister,
  onLanguage,
}: {
  onSignedIn: () => Promise<void>;
  onRegister: () => void;
  onLanguage: () => void;
}): ReactNode {
  const { t } = useT();
  return (
    <div style={{ maxWidth: 380, margin: '96px auto' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2}>{t('appName')}</Typography.Title>
        <Button onClick={onLanguage}>{t('language')}</Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('appSubtitle')}</Typography.Paragraph>
      <LoginForm onSignedIn={onSignedIn} />
      <Button type="link" onClick={onRegister} style={{ paddingInline: 0 }}>
        {t('register')}
      </Button>
    </div>
  );
}

function ExpiredDialog({
  open,
  onSignedIn,
}: {
  open: boolean;
  onSignedIn: () => Promise<void>;
}): ReactNode {
  const { t } = useT();
  return (
    <Modal
      open={open}
      title={t('login')}
      footer={null}
      closable={false}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('sessionExpired')}</Typography.Paragraph>
      <LoginForm onSignedIn={onSignedIn} />
    </Modal>
  );
}
