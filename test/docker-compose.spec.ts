import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { parse } from 'yaml';

// Static checks of the container setup: no Docker engine is needed (or used) here.

const root = process.cwd();
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

// ---------------------------------------------------------------------------
// docker-compose.yml helpers
// ---------------------------------------------------------------------------

type Scalar = string | number | boolean | null;
type Env = Record<string, string | null>;

/** The parts of the Compose file format these checks read. */
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, Scalar> | string[];
  healthcheck?: { test?: string | string[] };
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  ports?: (string | number | { published?: string | number; target?: number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  restart?: string;
}

interface ComposeFile {
  services?: Record<string, ComposeService | undefined>;
  volumes?: Record<string, unknown>;
}

/** Compose accepts `environment` as a map or as a list of `KEY=value` strings. */
function envOf(service: ComposeService): Env {
  const env = service.environment;
  if (env == null) {
    return {};
  }
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, null] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? null : String(v)]));
}

/** A healthcheck `test` may be a string or a `CMD`/`CMD-SHELL` list. */
function healthcheckText(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

/** Volume mounts in short (`src:target[:mode]`) or long (`{ type, source, target }`) syntax. */
function mountsOf(service: ComposeService): { type: string; source?: string; target?: string }[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v === 'string') {
      const [source, target] = v.split(':');
      const isPath = /^[./~]/.test(source);
      return { type: isPath ? 'bind' : 'volume', source, target };
    }
    return { type: v.type ?? 'volume', source: v.source, target: v.target };
  });
}

/** Published ports in short (`[ip:]host:container[/proto]`) or long syntax. */
function portsOf(service: ComposeService): { published: number; target: number }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      return { published: Number(p.published), target: Number(p.target) };
    }
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts[parts.length - 1]);
    const published = parts.length >= 2 ? Number(parts[parts.length - 2]) : NaN;
    return { published, target };
  });
}

// ---------------------------------------------------------------------------
// Dockerfile helpers
// ---------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  index: number;
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Splits a Dockerfile into logical instructions (comments dropped, `\` continuations joined). */
function instructionsOf(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) {
      continue;
    }
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending.trim() !== '') {
    logical.push(pending.trim());
  }
  return logical
    .filter((l) => l !== '')
    .map((l) => {
      const match = /^(\S+)\s*([\s\S]*)$/.exec(l)!;
      return { keyword: match[1].toUpperCase(), args: match[2].trim() };
    });
}

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructionsOf(text)) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asAt = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        index: stages.length,
        image: words[0],
        name: asAt === -1 ? undefined : words[asAt + 1],
        instructions: [],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

const all = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.keyword === keyword);
const last = (stage: Stage, keyword: string): Instruction | undefined => all(stage, keyword).at(-1);

/** `--from=<x>` of a COPY, or undefined for a copy from the build context. */
const copyFrom = (ins: Instruction): string | undefined => /--from=(\S+)/.exec(ins.args)?.[1];

/** Source and destination words of a COPY, without its flags. */
function copyPaths(ins: Instruction): { sources: string[]; dest: string } {
  const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
  return { sources: words.slice(0, -1), dest: words[words.length - 1] };
}

// ---------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  const compose = (parse(read('docker-compose.yml')) ?? {}) as ComposeFile;
  const services = compose.services ?? {};
  const db: ComposeService = services.db ?? {};
  const app: ComposeService = services.app ?? {};
  const dbEnv = envOf(db);
  const appEnv = envOf(app);

  it('defines the db and app services', () => {
    expect(services.db).toBeDefined();
    expect(services.app).toBeDefined();
  });

  it('runs PostgreSQL 15 or newer, with a pinned major version', () => {
    const match = /^postgres:(\d+)/.exec(db.image ?? '');
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(15);
  });

  it('health-checks db with pg_isready for the configured user and database', () => {
    const test = healthcheckText(db);
    expect(test).toContain('pg_isready');
    expect(dbEnv.POSTGRES_USER).toBeTruthy();
    expect(dbEnv.POSTGRES_DB).toBeTruthy();
    expect(test).toMatch(new RegExp(`-U\\s+${dbEnv.POSTGRES_USER}(\\s|$)`));
    expect(test).toMatch(new RegExp(`-d\\s+${dbEnv.POSTGRES_DB}(\\s|$)`));
  });

  it('keeps the database files on a named volume declared at top level', () => {
    const data = mountsOf(db).find((m) => m.target === '/var/lib/postgresql/data');
    expect(data).toBeDefined();
    expect(data!.type).toBe('volume');
    expect(Object.keys(compose.volumes ?? {})).toContain(data!.source);
  });

  it('builds app from the repository root with a Dockerfile that exists', () => {
    const build: { context?: string; dockerfile?: string } =
      typeof app.build === 'string' ? { context: app.build } : (app.build ?? {});
    expect(build.context).toBe('.');
    const dockerfile = join(root, build.context ?? '', build.dockerfile ?? 'Dockerfile');
    expect(existsSync(dockerfile)).toBe(true);
  });

  it('starts app only once db is healthy', () => {
    // The list form of depends_on only waits for the container to start, not to be healthy.
    expect(Array.isArray(app.depends_on)).toBe(false);
    const dependsOn = Array.isArray(app.depends_on) ? {} : (app.depends_on ?? {});
    expect(dependsOn.db?.condition).toBe('service_healthy');
  });

  it('points DATABASE_URL at the db service with its user, password and database', () => {
    const url = new URL(String(appEnv.DATABASE_URL));
    expect(['postgres:', 'postgresql:']).toContain(url.protocol);
    expect(url.hostname).toBe('db');
    expect(['', '5432']).toContain(url.port);
    expect(decodeURIComponent(url.username)).toBe(dbEnv.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(dbEnv.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${dbEnv.POSTGRES_DB}`);
  });

  it('runs app in production and refuses to start without its secrets', () => {
    expect(appEnv.NODE_ENV).toBe('production');
    // `${VAR:?message}` makes Compose fail when VAR is unset or empty; no default is baked in.
    expect(appEnv.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    expect(appEnv.ADMIN_PASSWORD).toMatch(/^\$\{ADMIN_PASSWORD:\?[^}]+\}$/);
  });

  it('publishes the port the app listens on', () => {
    const port = Number(appEnv.PORT);
    expect(Number.isInteger(port)).toBe(true);
    const ports = portsOf(app);
    expect(ports.length).toBeGreaterThan(0);
    expect(ports.map((p) => p.target)).toContain(port);
    expect(ports.every((p) => Number.isInteger(p.published))).toBe(true);
  });

  it('health-checks app on /health/ready with node (no curl in the slim image)', () => {
    const test = healthcheckText(app);
    expect(test).toContain(`:${appEnv.PORT}/health/ready`);
    expect(test).toMatch(/\bnode\b/);
    expect(test).not.toMatch(/\b(curl|wget)\b/);
  });

  it('restarts app unless it was stopped on purpose', () => {
    expect(app.restart).toBe('unless-stopped');
  });
});

describe('Dockerfile', () => {
  const stages = stagesOf(read('Dockerfile'));
  const runtime = stages[stages.length - 1];
  const fromBuild = runtime ? all(runtime, 'COPY').filter((c) => copyFrom(c) !== undefined) : [];

  it('is a multi-stage build on Node 20+', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const match = /^node:(\d+)/.exec(stage.image);
      expect(match).not.toBeNull();
      expect(Number(match![1])).toBeGreaterThanOrEqual(20);
    }
  });

  it('installs from the lockfile, builds, and drops devDependencies before the runtime stage', () => {
    const build = stages.slice(0, -1).flatMap((s) => all(s, 'RUN').map((r) => r.args));
    const text = build.join('\n');
    expect(text).toMatch(/\bnpm ci\b/);
    expect(text).toMatch(/\bnpm run build\b/);
    expect(text).toMatch(/\bnpm prune\b[^\n&;]*--omit=dev/);
    expect(text.indexOf('npm run build')).toBeLessThan(text.search(/\bnpm prune\b/));
  });

  it('runs the final stage as a non-root user', () => {
    const user = last(runtime, 'USER')?.args.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0', '']).not.toContain(user);
  });

  it('sets NODE_ENV=production in the final stage', () => {
    const env = all(runtime, 'ENV')
      .map((e) => e.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV[= ]production\b/);
  });

  it('copies node_modules, package.json and dist from an earlier stage', () => {
    const earlier = new Set(
      stages.slice(0, -1).flatMap((s) => [String(s.index), ...(s.name ? [s.name] : [])]),
    );
    expect(fromBuild.length).toBeGreaterThan(0);
    for (const copy of fromBuild) {
      expect(earlier.has(copyFrom(copy)!)).toBe(true);
    }
    const sources = fromBuild.flatMap((c) => copyPaths(c).sources);
    for (const wanted of ['package.json', 'node_modules', 'dist']) {
      expect(sources.some((s) => s.replace(/\/$/, '').endsWith(`/${wanted}`))).toBe(true);
    }
  });

  it('starts dist/main.js with node, from where dist was copied', () => {
    const cmd = last(runtime, 'CMD');
    expect(cmd).toBeDefined();
    const argv = JSON.parse(cmd!.args) as string[]; // exec form: node is PID 1's direct child
    expect(argv[0]).toBe('node');
    expect(argv[argv.length - 1]).toBe('dist/main.js');

    const workdir = last(runtime, 'WORKDIR')?.args;
    expect(workdir).toBeDefined();
    const distCopy = fromBuild.find((c) =>
      copyPaths(c).sources.some((s) => s.replace(/\/$/, '').endsWith('/dist')),
    );
    const dest = copyPaths(distCopy!).dest.replace(/\/$/, '');
    const resolved = dest.startsWith('/') ? dest : join(workdir!, dest);
    expect(resolved).toBe(join(workdir!, 'dist'));
  });

  it('exposes port 3000', () => {
    const exposed = all(runtime, 'EXPOSE').flatMap((e) => e.args.split(/\s+/));
    expect(exposed.map((p) => p.replace(/\/tcp$/, ''))).toContain('3000');
  });

  it('health-checks /health/live with node, since the slim image has no curl', () => {
    const healthcheck = last(runtime, 'HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    expect(healthcheck!.args).toMatch(/\bCMD\b/);
    expect(healthcheck!.args).toContain('/health/live');
    expect(healthcheck!.args).toMatch(/\bnode\b/);
    expect(healthcheck!.args).not.toMatch(/\b(curl|wget)\b/);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps dependencies, build output, local data and secrets out of the build context', () => {
    const ignores = (name: string) => patterns.includes(name) || patterns.includes(`**/${name}`);
    for (const name of ['node_modules', 'dist', '.data', '.git', '.env']) {
      expect(ignores(name)).toBe(true);
    }
  });
});
