/**
 * The pages a person sees at the end of Slack's OAuth install (GET /slack/oauth_redirect), in place
 * of the installer's defaults: cancelling Slack's consent screen is not an error ("Installation
 * cancelled", HTTP 200), any other failure says what to do next, and a finished install says
 * where to find the app. Who installed becomes a Touchpoint admin here, once, on a finished
 * install (never when a rotated token is stored again).
 */
import type { HTTPReceiverOptions, Installation } from '@slack/bolt';
import type { ServerResponse } from 'node:http';
import { SLACK_PATHS } from './scopes';

type CallbackOptions = NonNullable<NonNullable<HTTPReceiverOptions['installerOptions']>['callbackOptions']>;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Touchpoint</title>` +
      `<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5}</style></head>` +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  );
}

/** The installer's own error codes that mean the browser's install session went wrong, not the service. */
const SESSION_ERRORS = new Set(['slack_oauth_missing_state', 'slack_oauth_invalid_state', 'slack_oauth_missing_code']);

export interface OAuthPageOptions {
  /** Told who installed the app where (tenant: enterprise id on Grid, else team id). */
  onInstalled(tenantExternalId: string, installerUserId: string, botToken?: string, teamId?: string): void;
}

/** `installerOptions.callbackOptions` for Bolt's InstallProvider. */
export function oauthCallbackOptions(options: OAuthPageOptions): CallbackOptions {
  const tryAgain = `<p><a href="${SLACK_PATHS.install}">Try again</a></p>`;
  return {
    success: (installation, _opts, _req, res) => {
      const tenant = installation.enterprise?.id ?? installation.team?.id;
      if (tenant && installation.user?.id) {
        options.onInstalled(tenant, installation.user.id, installation.bot?.token, installation.team?.id ?? undefined);
      }
      const where = installation.team?.name ?? installation.enterprise?.name ?? 'your workspace';
      const teamId = (installation as Installation<'v2', false>).team?.id;
      const openLink = teamId ? `https://app.slack.com/client/${encodeURIComponent(teamId)}` : 'https://app.slack.com/client';
      page(
        res,
        200,
        'Touchpoint is installed',
        `<p>Touchpoint is installed in ${escapeHtml(where)}. You are its Touchpoint admin there.</p>` +
          `<p>In Slack, type <code>/touchpoint setup</code> to add your school, or <code>/touchpoint help</code> to see what it does.</p>` +
          `<p><a href="${escapeHtml(openLink)}">Open Slack</a></p>`,
      );
    },
    failure: (error, _opts, req, res) => {
      const cancelled = new URL(req.url ?? '/', 'http://localhost').searchParams.get('error') === 'access_denied';
      if (cancelled) {
        page(res, 200, 'Installation cancelled', `<p>Installation cancelled — nothing was installed. You can close this tab or try again:</p>${tryAgain}`);
        return;
      }
      const sessionProblem = SESSION_ERRORS.has(error.code);
      page(
        res,
        sessionProblem ? 400 : 500,
        'Touchpoint could not be installed',
        (sessionProblem
          ? '<p>This install link has expired or was opened in another browser. Nothing was installed.</p>'
          : '<p>Slack did not complete the installation, so nothing was installed.</p>') +
          `${tryAgain}<p>If it keeps happening, send your IT admin this code: <code>${escapeHtml(error.code)}</code></p>`,
      );
    },
  };
}
