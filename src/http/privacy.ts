/**
 * `GET /`, `GET /privacy` and `GET /terms`: plain pages anyone can read (the Teams app package
 * links to them as its website, privacy and terms pages). The privacy page is generated from the policy module's who-sees-what table, so it says
 * what the code does.
 */
import type { ServerResponse } from 'node:http';
import type { HttpServer } from './server';
import { VIEWERS, VISIBILITY_NOTES, WHO_SEES_WHAT } from '../core/policy';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(res: ServerResponse, title: string, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=3600' });
  res.end(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}` +
      `table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}</style></head>` +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>\n`,
  );
}

export function privacyPage(): string {
  const head = `<tr><th>Data</th>${VIEWERS.map((v) => `<th>${escapeHtml(v)}</th>`).join('')}</tr>`;
  const rows = WHO_SEES_WHAT.map((r) => `<tr><th>${escapeHtml(r.data)}</th>${r.sees.map((s) => `<td>${escapeHtml(s)}</td>`).join('')}</tr>`).join('');
  return (
    `<p>Touchpoint gives a principal and an instructional coach a fixed, recurring touch-point, and lets teachers ask a coach for help, ` +
    `by their own choice and in confidence. This is who can see what.</p><table>${head}${rows}</table>` +
    `<ul>${VISIBILITY_NOTES.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` +
    `<p>Touchpoint keeps closed records for a limited time set by your organisation, then deletes them.</p>`
  );
}

export function termsPage(): string {
  return (
    `<p>Touchpoint is run by your school or district for its staff. Use it for the school's work: touch-points between principals ` +
    `and coaches, their agendas, escalations, and teachers' requests for coaching.</p>` +
    `<p>Coaching is not evaluation: nothing a teacher asks for becomes data for an administrative decision. ` +
    `Questions about your data go to your school's administrators, who run this service; see <a href="/privacy">who sees what</a>.</p>`
  );
}

/** The app's website (the Teams app package's `websiteUrl` is the service's address): what it is, and its policy pages. */
export function aboutPage(): string {
  return (
    `<p>Touchpoint gives a principal and an instructional coach a fixed, recurring touch-point, with the agenda gathered ahead of time, ` +
    `and a private way for teachers to ask a coach for help. It is run by your school or district and used in Slack or Microsoft Teams.</p>` +
    `<ul><li><a href="/privacy">Privacy: who sees what</a></li><li><a href="/terms">Terms of use</a></li></ul>`
  );
}

export function registerPolicyPages(http: HttpServer): void {
  http.route('GET', '/', (_req, res) => page(res, 'Touchpoint', aboutPage()));
  http.route('GET', '/privacy', (_req, res) => page(res, 'Touchpoint: privacy — who sees what', privacyPage()));
  http.route('GET', '/terms', (_req, res) => page(res, 'Touchpoint: terms of use', termsPage()));
}
