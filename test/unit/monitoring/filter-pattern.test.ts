import {
  compileFilterPattern,
  FilterPatternError,
  parseFilterPattern,
} from '../../../src/targets/monitoring/filter-pattern.js';

const event = {
  eventName: 'ConsoleLogin',
  errorCode: 'Client.UnauthorizedOperation',
  userIdentity: { type: 'IAMUser', invokedBy: null },
  latency: 250,
  ratio: '0.5',
  ok: true,
  items: [{ id: 'first' }, { id: 'second' }],
  note: 'a (b) && c',
};
const m = (pattern: string, e: unknown = event) => compileFilterPattern(pattern)(e);

describe('comparisons', () => {
  test('quoted and unquoted strings, = and !=', () => {
    expect(m('{ $.eventName = "ConsoleLogin" }')).toBe(true);
    expect(m('{$.eventName=ConsoleLogin}')).toBe(true);
    expect(m('{ $.eventName = consolelogin }')).toBe(false);
    expect(m('{ $.eventName != "ConsoleLogin" }')).toBe(false);
    expect(m('{ $.eventName != Other }')).toBe(true);
    expect(m('{ $.note = "a (b) && c" }')).toBe(true);
    expect(m('{ $.eventName = "Console\\"Login" }')).toBe(false);
  });

  test('wildcards at the start, the end and inside', () => {
    expect(m('{ $.errorCode = "*UnauthorizedOperation" }')).toBe(true);
    expect(m('{ $.errorCode = "Client.*" }')).toBe(true);
    expect(m('{ $.errorCode = "Client*Operation" }')).toBe(true);
    expect(m('{ $.errorCode = "AccessDenied*" }')).toBe(false);
    expect(m('{ $.errorCode = "*Unauthorized" }')).toBe(false);
    expect(m('{ $.eventName = * }')).toBe(true);
  });

  test('a regex metacharacter in the value is literal', () => {
    expect(
      m('{ $.errorCode = "Client.UnauthorizedOperation" }', { errorCode: 'ClientXUnauthorizedOperation' }),
    ).toBe(false);
  });

  test('nested selectors and array indexes', () => {
    expect(m('{ $.userIdentity.type = IAMUser }')).toBe(true);
    expect(m('{ $.items[1].id = second }')).toBe(true);
    expect(m('{ $.items[5].id = second }')).toBe(false);
    expect(m('{ $.userIdentity.type.deeper = x }')).toBe(false);
  });

  test('a field that is absent never matches, = or !=', () => {
    expect(m('{ $.missing = "x" }')).toBe(false);
    expect(m('{ $.missing != "x" }')).toBe(false);
    expect(m('{ $.additionalEventData.MFAUsed != "Yes" }', { additionalEventData: { MFAUsed: 'No' } })).toBe(
      true,
    );
    expect(m('{ $.userIdentity != "x" }')).toBe(false);
  });

  test('numbers', () => {
    expect(m('{ $.latency > 200 }')).toBe(true);
    expect(m('{ $.latency >= 250 }')).toBe(true);
    expect(m('{ $.latency < 250 }')).toBe(false);
    expect(m('{ $.latency <= 250.0 }')).toBe(true);
    expect(m('{ $.latency = 250 }')).toBe(true);
    expect(m('{ $.latency != 250 }')).toBe(false);
    expect(m('{ $.ratio < 1 }')).toBe(true);
    expect(m('{ $.eventName > 1 }')).toBe(false);
    expect(m('{ $.missing < 1 }')).toBe(false);
  });
});

describe('existence, null and booleans', () => {
  test('NOT EXISTS and EXISTS', () => {
    expect(m('{ $.userIdentity.arn NOT EXISTS }')).toBe(true);
    expect(m('{ $.userIdentity.type NOT EXISTS }')).toBe(false);
    // A key that is present with null exists.
    expect(m('{ $.userIdentity.invokedBy NOT EXISTS }')).toBe(false);
    expect(m('{ $.userIdentity.type EXISTS }')).toBe(true);
  });

  test('IS NULL, IS TRUE, IS FALSE', () => {
    expect(m('{ $.userIdentity.invokedBy IS NULL }')).toBe(true);
    expect(m('{ $.userIdentity.type IS NULL }')).toBe(false);
    expect(m('{ $.missing IS NULL }')).toBe(false);
    expect(m('{ $.ok IS TRUE }')).toBe(true);
    expect(m('{ $.ok IS FALSE }')).toBe(false);
  });
});

describe('logic', () => {
  test('&& binds tighter than ||; parentheses override', () => {
    // true || (false && false) = true ; (true || false) && false = false
    expect(m('{ $.eventName = ConsoleLogin || $.latency = 1 && $.ok IS FALSE }')).toBe(true);
    expect(m('{ ($.eventName = ConsoleLogin || $.latency = 1) && $.ok IS FALSE }')).toBe(false);
    expect(m('{ (($.eventName = X) || ($.eventName = ConsoleLogin)) && ($.latency > 1) }')).toBe(true);
  });

  test('text that is not JSON never matches a JSON pattern; JSON text is parsed', () => {
    expect(m('{ $.eventName = ConsoleLogin }', 'ConsoleLogin happened')).toBe(false);
    expect(m('{ $.eventName = ConsoleLogin }', JSON.stringify(event))).toBe(true);
  });
});

describe('malformed patterns are rejected with a position', () => {
  test.each([
    ['$.eventName = x', /expected a JSON pattern to start with "\{"/],
    ['{ $.eventName = x', /expected "\}"/],
    ['{ }', /empty pattern/],
    ['{ $.eventName = "x }', /unterminated string/],
    ['{ $.eventName = x && }', /expected a selector/],
    ['{ || $.eventName = x }', /expected a selector/],
    ['{ ($.eventName = x }', /expected "\)"/],
    ['{ $.eventName = x) }', /expected "\}"/],
    ['{ $ = x }', /a selector needs a property/],
    ['{ $.a. = x }', /expected a property name/],
    ['{ $.a[x] = 1 }', /expected an array index/],
    ['{ $.eventName }', /expected a comparison operator/],
    ['{ $.eventName = }', /expected a value/],
    ['{ $.eventName < "x" }', /needs a number/],
    ['{ $.eventName > abc }', /needs a number/],
    ['{ $.eventName IS MISSING }', /unknown test "IS MISSING"/],
    ['{ $.eventName = x } trailing', /unexpected text after/],
    ['{ eventName = x }', /expected a selector/],
    ['{ $.a = x & $.b = y }', /unexpected "&"|expected "\}"/],
  ])('%s', (pattern, message) => {
    expect(() => parseFilterPattern(pattern)).toThrow(FilterPatternError);
    expect(() => parseFilterPattern(pattern)).toThrow(message);
  });

  test('the error names the character', () => {
    try {
      parseFilterPattern('{ $.a = "x }');
      throw new Error('no error');
    } catch (err) {
      expect((err as FilterPatternError).position).toBe(8);
      expect((err as Error).message).toMatch(/at character 9$/);
    }
  });
});
