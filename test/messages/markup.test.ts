import fc from 'fast-check';
import { escapeMarkup } from '../../src/messages/model';
import { parseMarkup, stripMarkup, type Span } from '../../src/messages/markup';

const text = (t: string): Span => ({ kind: 'text', text: t });

describe('parseMarkup', () => {
  it('returns plain text as one span, newlines kept', () => {
    expect(parseMarkup('hello\nworld')).toEqual([text('hello\nworld')]);
  });

  it('returns no spans for empty input', () => {
    expect(parseMarkup('')).toEqual([]);
  });

  it('parses bold, italic and links', () => {
    expect(parseMarkup('a **b** _c_ [d](https://e.org/x)')).toEqual([
      text('a '),
      { kind: 'bold', children: [text('b')] },
      text(' '),
      { kind: 'italic', children: [text('c')] },
      text(' '),
      { kind: 'link', label: 'd', url: 'https://e.org/x' },
    ]);
  });

  it('nests italic and links inside bold', () => {
    expect(parseMarkup('**x _y_ [z](mailto:a@b.c)**')).toEqual([
      {
        kind: 'bold',
        children: [text('x '), { kind: 'italic', children: [text('y')] }, text(' '), { kind: 'link', label: 'z', url: 'mailto:a@b.c' }],
      },
    ]);
  });

  it('accepts http and mailto links, case-insensitively', () => {
    expect(parseMarkup('[a](http://x.y)[b](HTTPS://x.y)')).toEqual([
      { kind: 'link', label: 'a', url: 'http://x.y' },
      { kind: 'link', label: 'b', url: 'HTTPS://x.y' },
    ]);
  });

  it('keeps links with other schemes or no scheme literal', () => {
    expect(parseMarkup('[x](javascript:alert(1))')).toEqual([text('[x](javascript:alert(1))')]);
    expect(parseMarkup('[x](/relative)')).toEqual([text('[x](/relative)')]);
    expect(parseMarkup('[x](ftp://host)')).toEqual([text('[x](ftp://host)')]);
  });

  it('keeps incomplete links literal', () => {
    expect(parseMarkup('[x] (https://a.b)')).toEqual([text('[x] (https://a.b)')]);
    expect(parseMarkup('[x](https://a.b')).toEqual([text('[x](https://a.b')]);
    expect(parseMarkup('[x](https://a b)')).toEqual([text('[x](https://a b)')]);
  });

  it('finds a link after a stray [', () => {
    expect(parseMarkup('[a [b](https://c.d)')).toEqual([text('[a '), { kind: 'link', label: 'b', url: 'https://c.d' }]);
  });

  it('resolves escapes in link URLs, so parentheses can be escaped', () => {
    expect(parseMarkup(`[w](${escapeMarkup('https://w.org/A_(b)')})`)).toEqual([{ kind: 'link', label: 'w', url: 'https://w.org/A_(b)' }]);
  });

  it('strips formatting from link labels', () => {
    expect(parseMarkup('[**a** b](https://c.d)')).toEqual([{ kind: 'link', label: 'a b', url: 'https://c.d' }]);
  });

  it('keeps unclosed markers literal', () => {
    expect(parseMarkup('**open')).toEqual([text('**open')]);
    expect(parseMarkup('_open')).toEqual([text('_open')]);
    expect(parseMarkup('a ** b')).toEqual([text('a ** b')]);
    expect(parseMarkup('****')).toEqual([text('****')]);
    expect(parseMarkup('* x *')).toEqual([text('* x *')]);
  });

  it('keeps an unclosed marker literal but still parses what follows', () => {
    expect(parseMarkup('_a **b**')).toEqual([text('_a '), { kind: 'bold', children: [text('b')] }]);
  });

  it('does not italicise snake_case', () => {
    expect(parseMarkup('a_b_c and foo_bar_')).toEqual([text('a_b_c and foo_bar_')]);
    expect(parseMarkup('__init__')).toEqual([text('__init__')]);
  });

  it('allows snake_case inside italics without closing them early', () => {
    expect(parseMarkup('_use a_b here_.')).toEqual([{ kind: 'italic', children: [text('use a_b here')] }, text('.')]);
  });

  it('opens italics after punctuation and closes before punctuation', () => {
    expect(parseMarkup('(_x_), "_y_"')).toEqual([
      text('('),
      { kind: 'italic', children: [text('x')] },
      text('), "'),
      { kind: 'italic', children: [text('y')] },
      text('"'),
    ]);
  });

  it('does not open italics before whitespace or close them after whitespace', () => {
    expect(parseMarkup('a _ b _ c')).toEqual([text('a _ b _ c')]);
  });

  it('resolves escapes and merges the result into adjacent text', () => {
    expect(parseMarkup('\\*\\*not bold\\*\\* \\_x\\_ \\[a\\]\\(b\\) \\\\')).toEqual([text('**not bold** _x_ [a](b) \\')]);
  });

  it('keeps a trailing lone backslash', () => {
    expect(parseMarkup('a\\')).toEqual([text('a\\')]);
  });

  it('renders escaped user text literally', () => {
    const user = '**hi** _there_ [x](https://evil.example) a\\b';
    expect(parseMarkup(`**${escapeMarkup(user)}**`)).toEqual([{ kind: 'bold', children: [text(user)] }]);
  });

  it('keeps a URL with an unescaped parenthesis literal', () => {
    expect(parseMarkup('[x](https://a.org/b(c))')).toEqual([text('[x](https://a.org/b(c))')]);
  });

  it.each([
    ['unclosed underscores', '_a '.repeat(20000)],
    ['unclosed links', '[a](http'.repeat(5000)],
  ])('keeps long runs of %s literal', (_name, src) => {
    // Speed on such inputs is measured in bench/, never asserted here.
    expect(parseMarkup(src)).toEqual([text(src)]);
  });

  it('never throws and never yields empty or adjacent text spans', () => {
    const markupish = fc.string({
      unit: fc.constantFrom('a', ' ', '\n', '*', '_', '[', ']', '(', ')', '\\', 'http://x', ':'),
    });
    fc.assert(
      fc.property(markupish, (src) => {
        const check = (spans: Span[]): void => {
          spans.forEach((s, i) => {
            if (s.kind === 'text') {
              expect(s.text).not.toBe('');
              expect(spans[i + 1]?.kind).not.toBe('text');
            }
            if (s.kind === 'bold' || s.kind === 'italic') check(s.children);
          });
        };
        check(parseMarkup(src));
      }),
    );
  });
});

describe('stripMarkup', () => {
  it('removes formatting, resolves escapes and writes links as label (url)', () => {
    expect(stripMarkup('**Due** _today_: see [the doc](https://d.io/x) \\*now\\*')).toBe('Due today: see the doc (https://d.io/x) *now*');
  });

  it('returns escaped user text unchanged', () => {
    const user = 'C:\\path\\to_file **[x](y)** (a) _b_';
    expect(stripMarkup(escapeMarkup(user))).toBe(user);
  });

  it('returns any escaped string unchanged', () => {
    fc.assert(fc.property(fc.string(), (user) => stripMarkup(escapeMarkup(user)) === user));
  });

  it('keeps newlines', () => {
    expect(stripMarkup('**a**\n_b_')).toBe('a\nb');
  });
});
