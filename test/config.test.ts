import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadDotEnv } from '../src/config';

/** The ConfigError message for `env`, failing the test if none is thrown. */
function errorFor(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

const SLACK_HTTP = { SLACK_BOT_TOKEN: 'xoxb-123', SLACK_SIGNING_SECRET: 'sig' };
const TEAMS_SINGLE = { MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: 'tenant' };

describe('loadConfig defaults', () => {
  it('runs locally with defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      databasePath: './data/touchpoint.db',
      operations: {
        backupDir: 'data/backups',
        erasureLedgerPath: 'data/erasures.ledger',
        backupKeep: 14,
        backupCron: '15 3 * * *',
        retentionDays: 400,
        schoolCalendarIcs: undefined,
        outboxLeaseSeconds: 300,
        readyBacklogSeconds: 600,
        shutdownGraceSeconds: 3,
        metricsToken: undefined,
      },
      port: 3000,
      host: undefined,
      logLevel: 'info',
      publicUrl: undefined,
      demo: true,
      adminUsers: [],
      slack: {},
      teams: { appType: 'SingleTenant' },
      mode: 'local',
      slackEnabled: false,
      teamsEnabled: false,
    });
  });

  it('reads readiness, shutdown and metrics settings, and refuses ones that would break them', () => {
    const c = loadConfig({ READY_BACKLOG_SECONDS: '120', SHUTDOWN_GRACE_SECONDS: '0', METRICS_TOKEN: 'a-long-enough-token' });
    expect([c.operations.readyBacklogSeconds, c.operations.shutdownGraceSeconds, c.operations.metricsToken]).toEqual([120, 0, 'a-long-enough-token']);
    expect(errorFor({ SHUTDOWN_GRACE_SECONDS: '30' })).toBe('SHUTDOWN_GRACE_SECONDS: must be a whole number of seconds from 0 to 6 (got "30")');
    expect(errorFor({ READY_BACKLOG_SECONDS: '5' })).toBe('READY_BACKLOG_SECONDS: must be a whole number of seconds from 60 to 86400 (got "5")');
    // The token is a secret: never echoed.
    expect(errorFor({ METRICS_TOKEN: 'short' })).toBe('METRICS_TOKEN: must be at least 16 characters (value hidden)');
  });

  it('reads the operations variables and refuses bad ones', () => {
    const c = loadConfig({
      BACKUP_DIR: '/backups',
      BACKUP_KEEP: '30',
      BACKUP_CRON: 'off',
      RETENTION_DAYS: '365',
      SCHOOL_CALENDAR_ICS: '/etc/district.ics',
      OUTBOX_LEASE_SECONDS: '90',
    });
    expect(c.operations).toEqual({
      backupDir: '/backups',
      erasureLedgerPath: 'data/erasures.ledger',
      backupKeep: 30,
      backupCron: 'off',
      retentionDays: 365,
      schoolCalendarIcs: '/etc/district.ics',
      outboxLeaseSeconds: 90,
      readyBacklogSeconds: 600,
      shutdownGraceSeconds: 3,
      metricsToken: undefined,
    });
    expect(() => loadConfig({ RETENTION_DAYS: '7' })).toThrow('RETENTION_DAYS: must be a whole number of days from 30 to 3650 (got "7")');
    expect(() => loadConfig({ BACKUP_CRON: 'daily' })).toThrow(
      'BACKUP_CRON: must be a five-field cron expression (UTC), like \'15 3 * * *\', or off (got "daily")',
    );
    expect(() => loadConfig({ SCHOOL_CALENDAR_ICS: 'http://district.example/cal.ics' })).toThrow(
      'SCHOOL_CALENDAR_ICS: must be a file path or an https:// URL (got "http://district.example/cal.ics")',
    );
  });

  it('reads the outbox lease in whole seconds from 60 to 3600', () => {
    expect(loadConfig({ OUTBOX_LEASE_SECONDS: '60' }).operations.outboxLeaseSeconds).toBe(60);
    expect(loadConfig({ OUTBOX_LEASE_SECONDS: ' 3600 ' }).operations.outboxLeaseSeconds).toBe(3600);
    expect(loadConfig({ OUTBOX_LEASE_SECONDS: '' }).operations.outboxLeaseSeconds).toBe(300);
    for (const bad of ['59', '30', '3601', '90.5', '5m', '-60']) {
      expect(errorFor({ OUTBOX_LEASE_SECONDS: bad })).toBe(`OUTBOX_LEASE_SECONDS: must be a whole number of seconds from 60 to 3600 (got "${bad}")`);
    }
  });

  it('reads every service variable', () => {
    const c = loadConfig({
      DATABASE_PATH: ':memory:',
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'DEBUG',
      PUBLIC_URL: 'https://tp.example.org/school/',
      DEMO: 'false',
      SLACK_API_URL: 'http://localhost:9999/api/',
    });
    expect(c).toMatchObject({
      databasePath: ':memory:',
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'debug',
      publicUrl: 'https://tp.example.org/school',
      demo: false,
      slack: { apiUrl: 'http://localhost:9999/api/' },
      mode: 'local',
    });
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({
      DATABASE_PATH: '',
      PORT: '',
      HOST: '',
      LOG_LEVEL: '',
      PUBLIC_URL: '',
      DEMO: '',
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: '',
      MICROSOFT_APP_ID: '',
      MICROSOFT_APP_TYPE: '',
    });
    expect(c).toEqual(loadConfig({}));
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' })).toEqual(loadConfig({}));
  });
});

describe('loadConfig bad values', () => {
  it.each<[Record<string, string>, string]>([
    [{ PORT: 'abc' }, 'PORT: must be a whole number from 0 to 65535 (0 picks a free port) (got "abc")'],
    [{ PORT: '65536' }, 'PORT: must be a whole number from 0 to 65535 (0 picks a free port) (got "65536")'],
    [{ PORT: '3000.5' }, 'PORT: must be a whole number from 0 to 65535 (0 picks a free port) (got "3000.5")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ PUBLIC_URL: 'tp.example.org' }, 'PUBLIC_URL: must be an absolute http:// or https:// URL without ? or # (got "tp.example.org")'],
    [{ PUBLIC_URL: 'ftp://tp.example.org' }, 'PUBLIC_URL: must be an absolute http:// or https:// URL without ? or # (got "ftp://tp.example.org")'],
    [
      { PUBLIC_URL: 'https://tp.example.org/?a=1' },
      'PUBLIC_URL: must be an absolute http:// or https:// URL without ? or # (got "https://tp.example.org/?a=1")',
    ],
    [{ DEMO: 'yes' }, 'DEMO: must be true or false (got "yes")'],
    [{ SLACK_API_URL: 'slack' }, 'SLACK_API_URL: must be an absolute http:// or https:// URL (got "slack")'],
    [{ SLACK_BOT_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN: must start with xoxb- (value hidden)'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }, 'SLACK_APP_TOKEN: must start with xapp- (value hidden)'],
    [{ ...TEAMS_SINGLE, MICROSOFT_APP_TYPE: 'Tenant' }, 'MICROSOFT_APP_TYPE: must be one of SingleTenant, UserAssignedMSI, MultiTenant (got "Tenant")'],
  ])('%j', (env, line) => {
    expect(errorFor(env)).toBe(line);
  });

  it('reports several bad variables on several lines, in a stable order', () => {
    expect(errorFor({ LOG_LEVEL: 'loud', PORT: 'abc', DEMO: 'maybe' }).split('\n')).toEqual([
      'PORT: must be a whole number from 0 to 65535 (0 picks a free port) (got "abc")',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'DEMO: must be true or false (got "maybe")',
    ]);
  });

  it('reports bad values and missing companions together', () => {
    expect(errorFor({ PORT: '-1', SLACK_BOT_TOKEN: 'xoxb-1' }).split('\n')).toEqual([
      'PORT: must be a whole number from 0 to 65535 (0 picks a free port) (got "-1")',
      'SLACK_SIGNING_SECRET: required for Slack over HTTP; set it, or set SLACK_APP_TOKEN to use Socket Mode',
    ]);
  });

  it('never echoes secret values', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'not-a-token-SECRET1',
      SLACK_APP_TOKEN: 'not-an-app-token-SECRET2',
      SLACK_SIGNING_SECRET: 'SECRET3',
      SLACK_CLIENT_SECRET: 'SECRET4',
      SLACK_STATE_SECRET: 'SECRET5',
      MICROSOFT_APP_PASSWORD: 'SECRET6',
      PORT: 'nope',
    };
    const message = errorFor(secrets);
    expect(message).not.toMatch(/SECRET\d/);
    expect(message).toContain('SLACK_BOT_TOKEN: must start with xoxb- (value hidden)');
    expect(message).toContain('SLACK_APP_TOKEN: must start with xapp- (value hidden)');
    expect(message).toContain('(got "nope")');
  });
});

describe('Slack enablement', () => {
  it('enables single-workspace Slack over HTTP', () => {
    const c = loadConfig(SLACK_HTTP);
    expect(c).toMatchObject({ slackEnabled: true, teamsEnabled: false, mode: 'platform' });
    expect(c.slack).toEqual({ botToken: 'xoxb-123', signingSecret: 'sig' });
  });

  it('enables Socket Mode without a signing secret', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(c.slackEnabled).toBe(true);
    expect(c.slack.appToken).toBe('xapp-1');
  });

  it('enables OAuth with client id, secret, state secret and signing secret', () => {
    const c = loadConfig({
      SLACK_CLIENT_ID: 'cid',
      SLACK_CLIENT_SECRET: 'cs',
      SLACK_STATE_SECRET: 'st',
      SLACK_SIGNING_SECRET: 'sig',
    });
    expect(c).toMatchObject({ slackEnabled: true, mode: 'platform' });
    expect(c.slack).toEqual({ clientId: 'cid', clientSecret: 'cs', stateSecret: 'st', signingSecret: 'sig' });
  });

  it('requires a signing secret unless Socket Mode is used', () => {
    expect(errorFor({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(
      'SLACK_SIGNING_SECRET: required for Slack over HTTP; set it, or set SLACK_APP_TOKEN to use Socket Mode',
    );
  });

  it('requires a state secret for OAuth', () => {
    expect(errorFor({ SLACK_CLIENT_ID: 'cid', SLACK_CLIENT_SECRET: 'cs', SLACK_APP_TOKEN: 'xapp-1' })).toBe(
      'SLACK_STATE_SECRET: required for Slack OAuth (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set)',
    );
  });

  it('names both missing OAuth companions', () => {
    expect(errorFor({ SLACK_CLIENT_ID: 'cid', SLACK_CLIENT_SECRET: 'cs' }).split('\n')).toEqual([
      'SLACK_SIGNING_SECRET: required for Slack over HTTP; set it, or set SLACK_APP_TOKEN to use Socket Mode',
      'SLACK_STATE_SECRET: required for Slack OAuth (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set)',
    ]);
  });

  it('rejects half an OAuth client', () => {
    expect(errorFor({ ...SLACK_HTTP, SLACK_CLIENT_ID: 'cid' })).toBe('SLACK_CLIENT_SECRET: required for Slack OAuth (SLACK_CLIENT_ID is set)');
    expect(errorFor({ SLACK_CLIENT_SECRET: 'cs' })).toBe('SLACK_CLIENT_ID: required for Slack OAuth (SLACK_CLIENT_SECRET is set)');
  });

  it('rejects Slack credentials without a token, rather than silently running without Slack', () => {
    expect(errorFor({ SLACK_SIGNING_SECRET: 'sig', SLACK_APP_TOKEN: 'xapp-1' })).toBe(
      'SLACK_BOT_TOKEN: required because SLACK_SIGNING_SECRET, SLACK_APP_TOKEN are set ' + '(or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)',
    );
  });
});

describe('Teams enablement', () => {
  it('enables a SingleTenant bot by default', () => {
    const c = loadConfig(TEAMS_SINGLE);
    expect(c).toMatchObject({ teamsEnabled: true, slackEnabled: false, mode: 'platform' });
    expect(c.teams).toEqual({ appId: 'app', appPassword: 'pw', appType: 'SingleTenant', tenantId: 'tenant' });
  });

  it('enables Slack and Teams together', () => {
    expect(loadConfig({ ...SLACK_HTTP, ...TEAMS_SINGLE })).toMatchObject({
      slackEnabled: true,
      teamsEnabled: true,
      mode: 'platform',
    });
  });

  it('requires password and tenant for SingleTenant', () => {
    expect(errorFor({ MICROSOFT_APP_ID: 'app' }).split('\n')).toEqual([
      'MICROSOFT_APP_PASSWORD: required for a SingleTenant Teams bot (MICROSOFT_APP_ID is set)',
      'MICROSOFT_APP_TENANT_ID: required for a SingleTenant Teams bot (MICROSOFT_APP_ID is set)',
    ]);
  });

  it('requires only the tenant for UserAssignedMSI', () => {
    expect(errorFor({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'UserAssignedMSI' })).toBe(
      'MICROSOFT_APP_TENANT_ID: required for a UserAssignedMSI Teams bot (MICROSOFT_APP_ID is set)',
    );
    const c = loadConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'userassignedmsi', MICROSOFT_APP_TENANT_ID: 't' });
    expect(c.teams).toEqual({ appId: 'app', appType: 'UserAssignedMSI', tenantId: 't' });
  });

  it('requires the password for MultiTenant but not the tenant', () => {
    expect(errorFor({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'MultiTenant' })).toBe(
      'MICROSOFT_APP_PASSWORD: required for a MultiTenant Teams bot (MICROSOFT_APP_ID is set)',
    );
    expect(loadConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'MultiTenant', MICROSOFT_APP_PASSWORD: 'pw' }).teamsEnabled).toBe(true);
  });

  it('rejects Teams settings without an app id', () => {
    expect(errorFor({ MICROSOFT_APP_PASSWORD: 'pw' })).toBe('MICROSOFT_APP_ID: required because MICROSOFT_APP_PASSWORD is set');
  });
});

describe('loadDotEnv', () => {
  let dir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'touchpoint-config-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const name of ['TP_TEST_EXISTING', 'TP_TEST_EMPTY', 'TP_TEST_NEW']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('adds new variables but never overrides ones already set', () => {
    const file = join(dir, '.env');
    writeFileSync(file, 'TP_TEST_EXISTING=from-file\nTP_TEST_EMPTY=from-file\nTP_TEST_NEW=from-file\n');
    process.env.TP_TEST_EXISTING = 'from-shell';
    process.env.TP_TEST_EMPTY = '';
    delete process.env.TP_TEST_NEW;

    loadDotEnv(file);

    expect(process.env.TP_TEST_EXISTING).toBe('from-shell');
    expect(process.env.TP_TEST_EMPTY).toBe('');
    expect(process.env.TP_TEST_NEW).toBe('from-file');
  });

  it('is fine when the file does not exist', () => {
    expect(() => loadDotEnv(join(dir, 'missing.env'))).not.toThrow();
  });

  it('reports an unreadable path as a ConfigError', () => {
    expect(() => loadDotEnv(dir)).toThrow(ConfigError);
  });

  describe('ADMIN_USERS', () => {
    it('reads a comma-separated list of platform user ids', () => {
      expect(loadConfig({ ADMIN_USERS: 'U0123ABCD, U0456EFGH' }).adminUsers).toEqual(['U0123ABCD', 'U0456EFGH']);
    });

    it('refuses a value that is not a list of ids, in one line', () => {
      expect(() => loadConfig({ ADMIN_USERS: 'U0123 U0456' })).toThrow('ADMIN_USERS: must be platform user ids separated by commas, like U0123ABCD,U0456EFGH');
    });
  });
});
