/**
 * Environment → typed configuration. `loadConfig` is pure (takes the env as an argument) so tests
 * and `main` can share it; every problem becomes one operator-readable line in a `ConfigError`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const TEAMS_APP_TYPES = ['SingleTenant', 'UserAssignedMSI', 'MultiTenant'] as const;
export type TeamsAppType = (typeof TEAMS_APP_TYPES)[number];

export interface SlackConfig {
  botToken?: string;
  signingSecret?: string;
  appToken?: string;
  clientId?: string;
  clientSecret?: string;
  stateSecret?: string;
  apiUrl?: string;
}

export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  appType: TeamsAppType;
  tenantId?: string;
}

export interface OperationsConfig {
  /** Where scheduled and `npm run backup` backups go. */
  backupDir: string;
  /** How many backups to keep (older ones are deleted). */
  backupKeep: number;
  /** Cron expression (UTC) of the scheduled backup; 'off' disables it. */
  backupCron: string;
  /** Closed coaching requests and resolved escalations older than this many days are deleted. */
  retentionDays: number;
  /** The district calendar to import as closures: a file path or an https URL. */
  schoolCalendarIcs?: string;
  /** How long a claimed outbox row stays claimed; after a crash its rows are sent once this lapses. */
  outboxLeaseSeconds: number;
  /** The erasure ledger (ids of erased people, applied again when a backup is restored); none for an in-memory database. */
  erasureLedgerPath?: string;
  /** Readiness fails when a due reminder has waited longer than this many seconds. */
  readyBacklogSeconds: number;
  /** At shutdown, how long sends in flight may finish before they are abandoned (claims released). */
  shutdownGraceSeconds: number;
  /** Bearer token for GET /metrics; without it only this machine may scrape. */
  metricsToken?: string;
}

export interface Config {
  databasePath: string;
  operations: OperationsConfig;
  port: number;
  host?: string;
  logLevel: LogLevel;
  publicUrl?: string;
  demo: boolean;
  /** Platform user ids who are Touchpoint admins of their workspace (ADMIN_USERS). */
  adminUsers: string[];
  slack: SlackConfig;
  teams: TeamsConfig;
  mode: 'local' | 'platform';
  slackEnabled: boolean;
  teamsEnabled: boolean;
}

/** Thrown for any configuration problem; the message is shown to the operator as-is. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEFAULT_DATABASE_PATH = './data/touchpoint.db';
export const DEFAULT_PORT = 3000;

function isHttpUrl(s: string): boolean {
  // `URL.canParse` is Node >= 19.9; the try/catch keeps this independent of that.
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

// Links are built by appending paths, so a query or fragment would end up in the wrong place.
function isBaseUrl(s: string): boolean {
  if (!isHttpUrl(s)) return false;
  const u = new URL(s);
  return u.search === '' && u.hash === '' && !s.includes('?') && !s.includes('#');
}

const optionalString = z.string().optional();
const secret = z.string().optional();
const prefixed = (prefix: string) => z.string().startsWith(prefix).optional();

/** One schema per variable; inputs are already trimmed, with empty values removed. */
const envSchema = z.object({
  DATABASE_PATH: z.string().default(DEFAULT_DATABASE_PATH),
  PORT: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(0).max(65535)).default(DEFAULT_PORT),
  HOST: optionalString,
  // Lower-cased so `INFO` or `Debug` are accepted; pino itself wants lower case.
  LOG_LEVEL: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .default('info'),
  PUBLIC_URL: z
    .string()
    .refine(isBaseUrl)
    .transform((s) => s.replace(/\/+$/, ''))
    .optional(),
  DEMO: z.stringbool({ truthy: ['true'], falsy: ['false'], case: 'insensitive' }).default(true),
  ADMIN_USERS: z
    .string()
    .regex(/^\s*[^\s,]+(\s*,\s*[^\s,]+)*\s*$/)
    .transform((s) => s.split(',').map((id) => id.trim()))
    .optional(),
  BACKUP_DIR: optionalString,
  ERASURE_LEDGER: optionalString,
  BACKUP_KEEP: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(1000)).default(14),
  BACKUP_CRON: z
    .string()
    .refine((s) => s === 'off' || /^(\S+\s+){4}\S+$/.test(s))
    .default('15 3 * * *'),
  RETENTION_DAYS: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(30).max(3650)).default(400),
  SCHOOL_CALENDAR_ICS: z
    .string()
    .refine((s) => !/^[a-z]+:\/\//i.test(s) || s.toLowerCase().startsWith('https://'))
    .optional(),
  // Not below 60 s: a claim is renewed when less than half of it is left as a send starts, and a
  // Slack send (up to three calls of at most 10 s) must finish inside that half.
  OUTBOX_LEASE_SECONDS: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(60).max(3600)).default(300),
  READY_BACKLOG_SECONDS: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(60).max(86400)).default(600),
  // At most 6 s: the whole stop must end inside the 10 s docker stop gives before SIGKILL.
  SHUTDOWN_GRACE_SECONDS: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(0).max(6)).default(3),
  METRICS_TOKEN: z.string().min(16).optional(),

  SLACK_BOT_TOKEN: prefixed('xoxb-'),
  SLACK_SIGNING_SECRET: secret,
  SLACK_APP_TOKEN: prefixed('xapp-'),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: secret,
  SLACK_STATE_SECRET: secret,
  SLACK_API_URL: z.string().refine(isHttpUrl).optional(),

  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: secret,
  // Case-insensitive so `singletenant` works, normalised to the spelling the Bot Framework expects.
  MICROSOFT_APP_TYPE: z
    .string()
    .transform((s) => TEAMS_APP_TYPES.find((t) => t.toLowerCase() === s.toLowerCase()) ?? s)
    .pipe(z.enum(TEAMS_APP_TYPES))
    .default('SingleTenant'),
  MICROSOFT_APP_TENANT_ID: optionalString,
});

type EnvVar = keyof typeof envSchema.shape;

/** Every variable, in the order errors are reported and `.env.example` lists them. */
export const ENV_VARS = Object.keys(envSchema.shape) as EnvVar[];

/** What each validated variable accepts, phrased to follow "NAME: ". Free-form ones never fail. */
const ALLOWED: Partial<Record<EnvVar, string>> = {
  PORT: 'must be a whole number from 0 to 65535 (0 picks a free port)',
  LOG_LEVEL: `must be one of ${LOG_LEVELS.join(', ')}`,
  PUBLIC_URL: 'must be an absolute http:// or https:// URL without ? or #',
  DEMO: 'must be true or false',
  ADMIN_USERS: 'must be platform user ids separated by commas, like U0123ABCD,U0456EFGH',
  BACKUP_KEEP: 'must be a whole number from 1 to 1000',
  BACKUP_CRON: "must be a five-field cron expression (UTC), like '15 3 * * *', or off",
  RETENTION_DAYS: 'must be a whole number of days from 30 to 3650',
  SCHOOL_CALENDAR_ICS: 'must be a file path or an https:// URL',
  OUTBOX_LEASE_SECONDS: 'must be a whole number of seconds from 60 to 3600',
  READY_BACKLOG_SECONDS: 'must be a whole number of seconds from 60 to 86400',
  SHUTDOWN_GRACE_SECONDS: 'must be a whole number of seconds from 0 to 6',
  METRICS_TOKEN: 'must be at least 16 characters',
  SLACK_BOT_TOKEN: 'must start with xoxb-',
  SLACK_APP_TOKEN: 'must start with xapp-',
  SLACK_API_URL: 'must be an absolute http:// or https:// URL',
  MICROSOFT_APP_TYPE: `must be one of ${TEAMS_APP_TYPES.join(', ')}`,
};

/** Values that must never appear in an error message (logs and terminals get copied around). */
const SECRET_VARS: ReadonlySet<EnvVar> = new Set<EnvVar>([
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'MICROSOFT_APP_PASSWORD',
  'METRICS_TOKEN',
]);

function isEnvVar(key: PropertyKey | undefined): key is EnvVar {
  return typeof key === 'string' && Object.hasOwn(envSchema.shape, key);
}

function badValueLine(name: EnvVar, raw: string): string {
  const shown = SECRET_VARS.has(name) ? 'value hidden' : `got ${JSON.stringify(raw)}`;
  return `${name}: ${ALLOWED[name] ?? 'is not valid'} (${shown})`;
}

/**
 * Trims values and drops empty ones, so `PORT=` in a .env file or `PORT= npm start` means "use the
 * default" rather than "invalid".
 */
function present(env: Record<string, string | undefined>): Partial<Record<EnvVar, string>> {
  const out: Partial<Record<EnvVar, string>> = {};
  for (const name of ENV_VARS) {
    const v = env[name]?.trim();
    if (v) out[name] = v;
  }
  return out;
}

/** Rules that span variables: what an enabled platform needs, and settings that would be ignored. */
function companionErrors(set: Partial<Record<EnvVar, string>>): Map<EnvVar, string> {
  const errors = new Map<EnvVar, string>();
  const has = (name: EnvVar) => set[name] !== undefined;

  // Slack: single workspace (bot token) or OAuth (client id + secret).
  const oauth = has('SLACK_CLIENT_ID') && has('SLACK_CLIENT_SECRET');
  const slackEnabled = has('SLACK_BOT_TOKEN') || oauth;
  if (has('SLACK_CLIENT_ID') !== has('SLACK_CLIENT_SECRET')) {
    const [missing, given]: [EnvVar, EnvVar] = has('SLACK_CLIENT_ID') ? ['SLACK_CLIENT_SECRET', 'SLACK_CLIENT_ID'] : ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET'];
    errors.set(missing, `${missing}: required for Slack OAuth (${given} is set)`);
  }
  if (oauth && !has('SLACK_STATE_SECRET')) {
    errors.set('SLACK_STATE_SECRET', 'SLACK_STATE_SECRET: required for Slack OAuth (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set)');
  }
  if (slackEnabled && !has('SLACK_SIGNING_SECRET') && !has('SLACK_APP_TOKEN')) {
    errors.set('SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET: required for Slack over HTTP; set it, or set SLACK_APP_TOKEN to use Socket Mode');
  }
  // A credential without a token usually means a typo in the token's name; silently running
  // without Slack would hide that.
  const straySlack = (['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_STATE_SECRET'] as const).filter(has);
  if (!slackEnabled && !has('SLACK_CLIENT_ID') && !has('SLACK_CLIENT_SECRET') && straySlack.length > 0) {
    errors.set(
      'SLACK_BOT_TOKEN',
      `SLACK_BOT_TOKEN: required because ${straySlack.join(', ')} ${straySlack.length === 1 ? 'is' : 'are'} set ` +
        '(or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)',
    );
  }

  // Teams: what the Bot Framework needs for each app type. An invalid type is reported on its own.
  const appType = envSchema.shape.MICROSOFT_APP_TYPE.safeParse(set.MICROSOFT_APP_TYPE);
  if (has('MICROSOFT_APP_ID') && appType.success) {
    const needs: EnvVar[] =
      appType.data === 'SingleTenant'
        ? ['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID']
        : appType.data === 'UserAssignedMSI'
          ? ['MICROSOFT_APP_TENANT_ID']
          : ['MICROSOFT_APP_PASSWORD']; // MultiTenant still authenticates with a client secret.
    for (const name of needs.filter((n) => !has(n))) {
      errors.set(name, `${name}: required for a ${appType.data} Teams bot (MICROSOFT_APP_ID is set)`);
    }
  }
  const strayTeams = (['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TYPE', 'MICROSOFT_APP_TENANT_ID'] as const).filter(has);
  if (!has('MICROSOFT_APP_ID') && strayTeams.length > 0) {
    errors.set('MICROSOFT_APP_ID', `MICROSOFT_APP_ID: required because ${strayTeams.join(', ')} ${strayTeams.length === 1 ? 'is' : 'are'} set`);
  }
  return errors;
}

/** Reads configuration from `env`. Pure; throws `ConfigError` listing every problem, one line each. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const set = present(env);
  const parsed = envSchema.safeParse(set);

  const errors = companionErrors(set);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path[0];
      const raw = isEnvVar(name) ? set[name] : undefined;
      if (isEnvVar(name) && raw !== undefined) errors.set(name, badValueLine(name, raw));
    }
  }
  if (errors.size > 0 || !parsed.success) {
    const lines = ENV_VARS.flatMap((name) => errors.get(name) ?? []);
    // Unreachable in practice (every field error maps to a variable), but never throw an empty message.
    throw new ConfigError(lines.length > 0 ? lines.join('\n') : (parsed.error?.message ?? 'invalid configuration'));
  }

  const e = parsed.data;
  const slackEnabled = e.SLACK_BOT_TOKEN !== undefined || (e.SLACK_CLIENT_ID !== undefined && e.SLACK_CLIENT_SECRET !== undefined);
  const teamsEnabled = e.MICROSOFT_APP_ID !== undefined;
  return {
    databasePath: e.DATABASE_PATH,
    operations: {
      // Next to the database by default, so one volume holds both.
      backupDir: e.BACKUP_DIR ?? (e.DATABASE_PATH === ':memory:' ? './backups' : join(dirname(e.DATABASE_PATH), 'backups')),
      backupKeep: e.BACKUP_KEEP,
      backupCron: e.BACKUP_CRON,
      retentionDays: e.RETENTION_DAYS,
      schoolCalendarIcs: e.SCHOOL_CALENDAR_ICS,
      outboxLeaseSeconds: e.OUTBOX_LEASE_SECONDS,
      // Beside the database, not in it: a restored backup must not take it back.
      erasureLedgerPath: e.ERASURE_LEDGER ?? (e.DATABASE_PATH === ':memory:' ? undefined : join(dirname(e.DATABASE_PATH), 'erasures.ledger')),
      readyBacklogSeconds: e.READY_BACKLOG_SECONDS,
      shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
      metricsToken: e.METRICS_TOKEN,
    },
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL,
    demo: e.DEMO,
    adminUsers: e.ADMIN_USERS ?? [],
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      clientId: e.SLACK_CLIENT_ID,
      clientSecret: e.SLACK_CLIENT_SECRET,
      stateSecret: e.SLACK_STATE_SECRET,
      apiUrl: e.SLACK_API_URL,
    },
    teams: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      appType: e.MICROSOFT_APP_TYPE,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
    },
    mode: slackEnabled || teamsEnabled ? 'platform' : 'local',
    slackEnabled,
    teamsEnabled,
  };
}

/**
 * Loads `path` (default `./.env`) into `process.env` if it exists. Variables already set, even to
 * an empty string, win: that is how an operator overrides or blanks out a value from the file.
 *
 * Parses with Node's own `.env` parser (`util.parseEnv`, the one behind `process.loadEnvFile`) and
 * assigns through `process.env`, because `loadEnvFile` writes to the native environment, which a
 * sandboxed `process.env` (as under Jest) never sees.
 */
export function loadDotEnv(path = '.env'): void {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    // Checked structurally: errors from Node core fail `instanceof Error` inside a VM sandbox.
    const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    if (code === 'ENOENT') return;
    throw new ConfigError(`${path}: could not be read (${typeof code === 'string' ? code : String(err)})`);
  }
  for (const [name, value] of Object.entries(parseEnv(content))) {
    if (value !== undefined && process.env[name] === undefined) process.env[name] = value;
  }
}
