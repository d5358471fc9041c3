/** The reference rule for names in stored text: encoded to tokens on write, rendered to current names on read. */
import { encodePersonRefs, personRef, personRefIds, renderMessageRefs, renderPersonRefs, UNKNOWN_PERSON, type NamedPerson } from '../../src/core/person-refs';
import { FORGOTTEN_EXTERNAL_ID_PREFIX } from '../../src/core/model';

const person = (id: number, displayName: string, handle: string | null = null, externalId = `U${id}`): NamedPerson => ({ id, displayName, handle, externalId });
const jordan = person(4, 'Jordan Kim', 'jordan');
const taylor = person(3, 'Taylor Morgan', 'taylor');
const school = [person(1, 'Pat Rivera', 'pat'), person(2, 'Casey Lee', 'casey'), taylor, jordan];

describe('encodePersonRefs', () => {
  it('replaces whole display names, any case and spacing, with the token', () => {
    expect(encodePersonRefs('Check in with Jordan Kim about JORDAN  KIM’s class', school)).toBe(`Check in with ${personRef(4)} about ${personRef(4)}’s class`);
    expect(encodePersonRefs('Jordan Kimball and XJordan Kim stay', school)).toBe('Jordan Kimball and XJordan Kim stay');
    expect(encodePersonRefs('Taylor Morgan, Jordan Kim.', school)).toBe(`${personRef(3)}, ${personRef(4)}.`);
  });

  it('prefers the longest name, and works for names with letters outside ASCII', () => {
    const people = [person(7, 'Zoë'), person(8, 'Zoë Ångström')];
    expect(encodePersonRefs('Zoë Ångström and Zoë', people)).toBe(`${personRef(8)} and ${personRef(7)}`);
  });

  it('leaves first names, handles, one-letter names, shared names and erased people as they are', () => {
    const people = [
      ...school,
      person(5, 'J'),
      person(6, 'sam', 'sam'),
      person(9, 'Robin Diaz'),
      person(10, 'Robin Diaz'),
      person(11, 'Former Person', null, `${FORGOTTEN_EXTERNAL_ID_PREFIX}11`),
    ];
    const text = 'Jordan, @jordan, J, sam, Robin Diaz, Former Person';
    expect(encodePersonRefs(text, people)).toBe(text);
  });

  it('names with regular-expression or markup characters are matched literally', () => {
    const people = [person(12, 'A.J. (Jay) Smith'), person(13, '*bold*')];
    expect(encodePersonRefs('with A.J. (Jay) Smith and AxJx (Jay) Smith and *bold*', people)).toBe(
      `with ${personRef(12)} and AxJx (Jay) Smith and ${personRef(13)}`,
    );
  });

  it('keeps tokens of the given people, writes out any other token as that person’s name, and never looks inside a token', () => {
    const outsider = { displayName: 'Morgan Outside', externalId: 'U99' };
    const userOf = (id: number) => (id === 99 ? outsider : undefined);
    expect(encodePersonRefs(`${personRef(4)} met ${personRef(99)} and ${personRef(98)}`, school, userOf)).toBe(
      `${personRef(4)} met Morgan Outside and ${UNKNOWN_PERSON}`,
    );
    expect(encodePersonRefs(`${personRef(4)} ok`, [...school, person(14, 'person')])).toBe(`${personRef(4)} ok`);
  });
});

describe('renderPersonRefs', () => {
  it('shows the current name; an erased or unknown person reads "a teacher"', () => {
    const users = new Map([
      [4, { displayName: 'Jordan Park', externalId: 'U4' }],
      [3, { displayName: 'Taylor Morgan', externalId: `${FORGOTTEN_EXTERNAL_ID_PREFIX}3` }],
    ]);
    const stored = `Check in with ${personRef(4)}, ${personRef(3)} and ${personRef(77)}`;
    expect(renderPersonRefs(stored, (id) => users.get(id))).toBe('Check in with Jordan Park, a teacher and a teacher');
    expect(personRefIds(stored)).toEqual([4, 3, 77]);
  });

  it('round-trips: rendered text encodes to the same tokens', () => {
    const stored = encodePersonRefs('Jordan Kim and Taylor Morgan', school);
    const rendered = renderPersonRefs(stored, (id) => school.find((p) => p.id === id));
    expect(rendered).toBe('Jordan Kim and Taylor Morgan');
    expect(encodePersonRefs(rendered, school)).toBe(stored);
  });
});

describe('renderMessageRefs', () => {
  it('renders tokens in a message: escaped where the model reads markup, plain in the fallback, buttons and form values', () => {
    const hostile = { displayName: '*bold* [x](https://evil.example)', externalId: 'U4' };
    const ref = personRef(4);
    const rendered = renderMessageRefs(
      {
        text: `About ${ref}`,
        blocks: [
          { type: 'text', text: `About **${ref}**` },
          { type: 'list', items: [`with ${ref}`] },
          { type: 'actions', buttons: [{ actionId: 'a', label: `Ask ${ref}`, value: ref }] },
          {
            type: 'form',
            formId: 'f',
            title: 't',
            submitLabel: 's',
            inputs: [{ id: 'i', label: 'Item', kind: 'text', required: true, initial: `with ${ref}` }],
          },
        ],
      },
      () => hostile,
    );
    expect(rendered).toEqual({
      text: `About ${hostile.displayName}`,
      blocks: [
        { type: 'text', text: 'About **\\*bold\\* \\[x\\]\\(https://evil.example\\)**' },
        { type: 'list', items: ['with \\*bold\\* \\[x\\]\\(https://evil.example\\)'] },
        { type: 'actions', buttons: [{ actionId: 'a', label: `Ask ${hostile.displayName}`, value: ref }] },
        {
          type: 'form',
          formId: 'f',
          title: 't',
          submitLabel: 's',
          inputs: [{ id: 'i', label: 'Item', kind: 'text', required: true, initial: `with ${hostile.displayName}` }],
        },
      ],
    });
  });
});
