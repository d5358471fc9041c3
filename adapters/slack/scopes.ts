/**
 * What the Slack app asks for, in one place: the OAuth install requests these scopes and
 * manifest.yml declares them (a test checks they agree). Only what is used:
 * - commands: /touchpoint and /coaching
 * - chat:write: chat.postMessage (DMs, replies)
 * - im:write: conversations.open (start the DM with a person)
 * - users:read: users.info (display names)
 * - im:history: the message.im event (a command typed in the bot's DM)
 * Views (views.open, views.publish) and the app_home_opened event need no scope.
 */
export const BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'im:history'] as const;

export const BOT_EVENTS = ['app_home_opened', 'message.im'] as const;

/** Paths served on the service's HTTP server. */
export const SLACK_PATHS = {
  events: '/slack/events',
  install: '/slack/install',
  oauthRedirect: '/slack/oauth_redirect',
} as const;
