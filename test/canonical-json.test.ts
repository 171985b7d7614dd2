import { canonicalJson } from '../domain/canonical-json';

describe('canonicalJson', () => {
  it.each<[string, unknown, unknown]>([
    ['top level', { b: 1, a: 2 }, { a: 2, b: 1 }],
    ['nested objects', { x: { d: 1, c: { f: 1, e: 2 } } }, { x: { c: { e: 2, f: 1 }, d: 1 } }],
    ['objects inside arrays', [{ b: 1, a: 2 }], [{ a: 2, b: 1 }]],
  ])('ignores key order (%s)', (_name, left, right) => {
    expect(canonicalJson(left)).toBe(canonicalJson(right));
  });

  it.each<[unknown, string]>([
    [{ b: [3, 1, 2], a: { z: null, y: 'é"' } }, '{"a":{"y":"é\\"","z":null},"b":[3,1,2]}'],
    [[2, 1, [4, 3]], '[2,1,[4,3]]'],
    [{ a: undefined, b: 1, c: { d: undefined } }, '{"b":1,"c":{}}'],
    ['text', '"text"'],
    [1.5, '1.5'],
    [null, 'null'],
  ])('%p → %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('gives text that parses back to the same value', () => {
    const value = { n: { m: [1, { k: true }] }, a: 'x' };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});
