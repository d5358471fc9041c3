import { scrub } from '../../../adapters/slack/logger';
import { decodeCommandText, mentionedUserIds, slackMentions } from '../../../adapters/slack/mentions';

describe('Slack mentions', () => {
  it('reads <@U123> and <@U123|name>, preferring the looked-up display name', () => {
    const reader = slackMentions(new Map([['U0CASEY', 'Casey Lee']]));
    expect(reader.read('<@U0CASEY|casey>')).toEqual({ externalId: 'U0CASEY', displayName: 'Casey Lee' });
    expect(reader.read('<@W0GRID|sam>')).toEqual({ externalId: 'W0GRID', displayName: 'sam' });
    expect(reader.read('<@U0NOBODY>')).toEqual({ externalId: 'U0NOBODY' });
    expect(reader.read('@casey')).toBeUndefined();
    expect(reader.read('<#C123|general>')).toBeUndefined();
    expect(reader.read('<@tp:42>')).toBeUndefined();
  });

  it('lists the mentioned user ids once each, and decodes the entities of command text', () => {
    expect(mentionedUserIds('book <@U1|a> with <@W2> and <@U1>')).toEqual(['U1', 'W2']);
    expect(decodeCommandText('add wins A &amp; B &lt;3 &gt; <@U1|a>')).toBe('add wins A & B <3 > <@U1|a>');
  });
});

describe('the Slack library logger', () => {
  it('cuts payloads out of library log lines and caps their length', () => {
    expect(scrub('Received a message on the WebSocket: {"payload":{"text":"Ms Morgan has not started phonics"}}')).toBe(
      'Received a message on the WebSocket: [payload]',
    );
    expect(scrub('x'.repeat(400))).toHaveLength(301);
    expect(scrub('Going to retrieve a new WSS URL')).toBe('Going to retrieve a new WSS URL');
  });
});

describe('Slack command text', () => {
  it('reads channels, links, user groups and special mentions as typed; people stay mentions', () => {
    expect(
      decodeCommandText(
        "add wins <@U0TAYLOR|taylor>'s running records: <https://docs.google.com/d/abc> in <#C0GRADE3|grade3> &amp; <!subteam^S0MATH|@math-team> <!here>",
      ),
    ).toBe("add wins <@U0TAYLOR|taylor>'s running records: https://docs.google.com/d/abc in #grade3 & @math-team @here");
    expect(decodeCommandText('see <https://example.org/plan|the plan> or <mailto:a@b.org|a@b.org>, <!channel> <!everyone|everyone>')).toBe(
      'see the plan (https://example.org/plan) or a@b.org, @channel @everyone',
    );
    expect(decodeCommandText('<https://x.org/?a=1&amp;b=2|x.org/?a=1&amp;b=2> &lt;3')).toBe('x.org/?a=1&b=2 <3');
    expect(decodeCommandText('<!subteam^S1>')).toBe('@group');
  });
});
