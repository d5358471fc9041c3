/** What `/touchpoint calendar` shows: feed links, how to subscribe, the rotate question, import results. */
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import type { ImportResult } from './import';

const SUBSCRIBE_STEPS = [
  'Google Calendar (on the web): Other calendars → + → From URL, paste the link, Add calendar.',
  'Outlook: Add calendar → Subscribe from web, paste the link, Import.',
  'Apple Calendar: File → New Calendar Subscription (iPhone: Settings → Calendar → Accounts → Add Account → Other → Add Subscribed Calendar), paste the link.',
];

export function howToSubscribe(): Message {
  return {
    text: `How to subscribe to your touch-point calendar:\n${SUBSCRIBE_STEPS.join('\n')}\nCalendars refresh on their own schedule (Google every few hours); changes in Touchpoint show up then.`,
    blocks: [
      { type: 'text', text: '**How to subscribe to your touch-point calendar**' },
      { type: 'list', items: SUBSCRIBE_STEPS.map(esc) },
      { type: 'context', text: esc('Calendars refresh on their own schedule (Google every few hours); changes in Touchpoint show up then.') },
    ],
  };
}

const feedButtons = (version: number): Block => ({
  type: 'actions',
  buttons: [
    { actionId: 'calendar.rotate', label: 'Rotate link', value: String(version), style: 'danger' },
    { actionId: 'calendar.subscribe', label: 'How to subscribe', value: '' },
  ],
});

export function linkMessage(url: string, version: number, rotated: boolean): Message {
  const lead = rotated ? 'Your new calendar feed link (the old one has stopped working):' : 'Your private calendar feed:';
  const note =
    'It holds your touch-points. Anyone with the link sees their times, so keep it to yourself. This is the only time Touchpoint shows it: only a fingerprint of it is stored.';
  return {
    text: `${lead} ${url}\n${note}\n${SUBSCRIBE_STEPS.join('\n')}`,
    blocks: [
      { type: 'text', text: `${esc(lead)} [${esc(url)}](${esc(url)})` },
      { type: 'context', text: esc(note) },
      { type: 'list', items: SUBSCRIBE_STEPS.map(esc) },
      feedButtons(version),
    ],
  };
}

/** The feed exists: when its link was made and last fetched (the link itself is never shown again). */
export function feedStatusMessage(made: string, lastFetched: string | undefined, version: number): Message {
  const fetched = lastFetched ? `A calendar last fetched it on ${lastFetched}.` : 'No calendar has fetched it yet.';
  const line = `You have a calendar feed (link made ${made}). ${fetched}`;
  const why =
    'Touchpoint shows a feed link only once, since it keeps only a fingerprint of it. Lost it? Rotate link gives you a new one, and the old one stops working at once.';
  return {
    text: `${line}\n${why}`,
    blocks: [{ type: 'text', text: esc(line) }, { type: 'context', text: esc(why) }, feedButtons(version)],
  };
}

/** Rotating asks first: calendars subscribed to the old link stop updating. */
export function rotateQuestion(version: number): Message {
  const question =
    'Rotate your calendar feed link? The old link stops working at once: calendars subscribed to it stop updating until you subscribe to the new one.';
  return {
    text: question,
    blocks: [
      { type: 'text', text: esc(question) },
      {
        type: 'actions',
        buttons: [
          { actionId: 'calendar.rotate.confirm', label: 'Rotate now', value: String(version), style: 'danger' },
          { actionId: 'calendar.rotate.keep', label: 'Keep the current link', value: String(version) },
        ],
      },
    ],
  };
}

export const keptMessage = (): Message => textMessage('Kept. Your current link still works.');

function importLine(school: string, r: ImportResult): string {
  const ignored = r.ignored.timed + r.ignored.invalid;
  const parts = [
    `Imported the school calendar into ${school}: ${r.added} added, ${r.updated} updated, ${r.removed} removed.`,
    ignored > 0
      ? `${ignored === 1 ? '1 event was' : `${ignored} events were`} not a closure (${[
          r.ignored.timed ? `${r.ignored.timed} with a time of day` : '',
          r.ignored.invalid ? `${r.ignored.invalid} unreadable` : '',
        ]
          .filter(Boolean)
          .join(', ')}).`
      : '',
    r.closedTouchPoints > 0
      ? `${r.closedTouchPoints === 1 ? '1 touch-point falls' : `${r.closedTouchPoints} touch-points fall`} on a closed day; both people told.`
      : '',
    r.reopenedTouchPoints > 0
      ? `${r.reopenedTouchPoints === 1 ? '1 touch-point is' : `${r.reopenedTouchPoints} touch-points are`} on again; both people told.`
      : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export function importedMessage(school: string, result: ImportResult): Message {
  return textMessage(importLine(school, result), {
    type: 'context',
    text: esc('From now on it is re-imported every day. Closures added by hand with /touchpoint closed are never changed by it.'),
  });
}
