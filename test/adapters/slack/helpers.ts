/**
 * Test rig for the Slack adapter: the real core on SQLite in memory, the real Bolt app mounted on
 * the service's HttpServer, a fake Slack Web API, and correctly signed Slack requests over HTTP.
 */
import { createHmac } from 'node:crypto';
import { buildCore, type Core } from '../../../src/compose';
import { SettableClock } from '../../../src/core/ports';
import type { Role } from '../../../src/core/model';
import { HttpServer } from '../../../src/http/server';
import type { SlackConfig } from '../../../src/config';
import { startSlack, type SlackRuntime } from '../../../adapters/slack';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../../support/fake-slack';

export const SIGNING_SECRET = 'test-signing-secret';
export const TEAM = 'T_FAKE';
export const START = new Date('2026-11-23T13:00:00Z'); // Mon 08:00 New York

export interface Rig {
  fake: FakeSlack;
  core: Core;
  clock: SettableClock;
  http: HttpServer;
  slack: SlackRuntime;
  baseUrl: string;
  close(): Promise<void>;
}

/** What the service posted to the fake response_url `id` (see `fake.responseUrl(id)`), in order. */
export function responsesTo(rig: Rig, id: string): RecordedCall[] {
  return rig.fake.calls.filter((c) => c.method === 'response_url' && c.path === `/response/${id}`);
}

export async function createRig(config: Partial<SlackConfig> = {}): Promise<Rig> {
  const fake = await startFakeSlack();
  const clock = new SettableClock(START);
  const core = buildCore({ databasePath: ':memory:', clock, deliverImmediately: false, random: () => 0.5 });
  const http = new HttpServer();
  const slack = await startSlack({
    // SLACK_API_URL as an operator would write it, without the trailing slash WebClient wants.
    config: { botToken: 'xoxb-test', signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl.replace(/\/$/, ''), ...config },
    core,
    http,
  });
  const address = await http.listen(0, '127.0.0.1');
  fake.clear(); // the start-up auth.test is not what tests look at
  return {
    fake,
    core,
    clock,
    http,
    slack,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async close() {
      await slack.stop();
      await http.close();
      await fake.stop();
      core.close();
    },
  };
}

/** Pat (principal) and Casey (coach) at a school in the Slack workspace; the fake knows their names. */
export function seedSlackSchool(
  rig: Rig,
  members: [userId: string, name: string, handle: string, role: Role][] = [
    ['U0PAT', 'Pat Rivera', 'pat', 'principal'],
    ['U0CASEY', 'Casey Lee', 'casey', 'coach'],
  ],
): void {
  const now = rig.clock.now();
  const tenant = rig.core.services.people.ensureTenant('slack', TEAM, now);
  const creator = rig.core.services.people.ensureUser(tenant.id, members[0][0], now, members[0][1], members[0][2]);
  const school = rig.core.services.people.createSchool(
    tenant.id,
    { name: 'Demo Elementary', timeZone: 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: creator.id },
    now,
  );
  for (const [id, name, handle, role] of members) {
    const u = rig.core.services.people.ensureUser(tenant.id, id, now, name, handle);
    rig.core.services.people.addMembership(tenant.id, school.id, u.id, role, now);
    rig.fake.users.set(id, { name: handle, realName: name });
  }
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  /** Seconds since the epoch; defaults to now (Bolt checks it against the wall clock). */
  timestamp?: number;
  signature?: string;
  retryNum?: number;
}

export interface SlackResponse {
  status: number;
  text: string;
  json(): unknown;
}

/** POSTs a signed body to /slack/events, as Slack does. */
export async function send(rig: Rig, body: string, contentType: string, opts: SendOptions = {}): Promise<SlackResponse> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': opts.signature ?? sign(body, timestamp),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const res = await fetch(`${rig.baseUrl}/slack/events`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as unknown };
}

let triggers = 0;

export function slashCommand(fields: {
  command?: string;
  text: string;
  user?: string;
  triggerId?: string;
  responseUrl: string;
  team?: string;
  /** Enterprise Grid: the org the workspace belongs to. */
  enterprise?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: fields.team ?? TEAM,
    ...(fields.enterprise ? { enterprise_id: fields.enterprise, enterprise_name: 'District' } : {}),
    team_domain: 'fake',
    channel_id: 'C_GENERAL',
    channel_name: 'general',
    user_id: fields.user ?? 'U0PAT',
    user_name: 'pat',
    command: fields.command ?? '/touchpoint',
    text: fields.text,
    api_app_id: 'A_TOUCHPOINT',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `trigger-${++triggers}`,
  }).toString();
}

export function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function sendCommand(rig: Rig, fields: Parameters<typeof slashCommand>[0], opts?: SendOptions): Promise<SlackResponse> {
  return send(rig, slashCommand(fields), 'application/x-www-form-urlencoded', opts);
}

export function sendInteraction(rig: Rig, payload: Record<string, unknown>, opts?: SendOptions): Promise<SlackResponse> {
  return send(rig, interaction(payload), 'application/x-www-form-urlencoded', opts);
}

export function sendEvent(rig: Rig, eventId: string, event: Record<string, unknown>, opts?: SendOptions): Promise<SlackResponse> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: TEAM,
    api_app_id: 'A_TOUCHPOINT',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1_700_000_000,
    event,
    authorizations: [{ team_id: TEAM, user_id: 'U_BOT', is_bot: true, is_enterprise_install: false }],
  });
  return send(rig, body, 'application/json', opts);
}

/** A block_actions payload for the button labelled `label` in rendered blocks. */
export function buttonPress(
  blocks: unknown[],
  label: string,
  opts: { user?: string; responseUrl?: string; actionTs?: string; channel?: string },
): Record<string, unknown> {
  for (const block of blocks as {
    type: string;
    block_id?: string;
    elements?: { type: string; action_id: string; value?: string; text: { text: string } }[];
  }[]) {
    const button = block.type === 'actions' ? block.elements?.find((e) => e.type === 'button' && e.text.text === label) : undefined;
    if (!button) continue;
    return {
      type: 'block_actions',
      user: { id: opts.user ?? 'U0CASEY', username: 'casey', name: 'casey', team_id: TEAM },
      api_app_id: 'A_TOUCHPOINT',
      token: 'legacy',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: opts.channel ?? 'DU0CASEY', is_ephemeral: false },
      trigger_id: `trigger-${++triggers}`,
      team: { id: TEAM, domain: 'fake' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: opts.channel ?? 'DU0CASEY', name: 'directmessage' },
      message: { type: 'message', ts: '1700000000.000100', text: 'proposal', blocks },
      ...(opts.responseUrl ? { response_url: opts.responseUrl } : {}),
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: block.block_id ?? 'b1',
          text: button.text,
          value: button.value,
          action_ts: opts.actionTs ?? '1700000001.000200',
        },
      ],
    };
  }
  throw new Error(`no button "${label}"`);
}

/** A view_submission payload for a view the app opened, with the given values by input id. */
export function viewSubmission(
  view: Record<string, unknown>,
  values: Record<string, Record<string, unknown>>,
  opts: { user?: string; viewId?: string; hash?: string } = {},
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'fake' },
    user: { id: opts.user ?? 'U0PAT', username: 'pat', name: 'pat', team_id: TEAM },
    api_app_id: 'A_TOUCHPOINT',
    token: 'legacy',
    trigger_id: `trigger-${++triggers}`,
    view: {
      id: opts.viewId ?? 'V_BOOK',
      team_id: TEAM,
      type: 'modal',
      app_id: 'A_TOUCHPOINT',
      bot_id: 'B_BOT',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? '',
      blocks: view.blocks,
      title: view.title,
      close: view.close ?? null,
      submit: view.submit ?? null,
      hash: opts.hash ?? 'hash-1',
      state: { values: Object.fromEntries(Object.entries(values).map(([id, v]) => [id, { [id]: v }])) },
      root_view_id: opts.viewId ?? 'V_BOOK',
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
    },
    enterprise: null,
    is_enterprise_install: false,
    response_urls: [],
  };
}
