import { describe, expect, it } from '@jest/globals'
import { parseSample } from '../src/core/untrusted/parse.js'

describe('parseSample', () => {
  it.each([
    ['120', 120],
    ['  120\n', 120],
    ['145.5', 145.5],
    ['0', 0],
    ['.5', 0.5],
    ['1e3', 1000]
  ])('accepts %j', (text, expected) => {
    expect(parseSample(text)).toEqual({ value: expected })
  })

  it.each([
    '',
    '   \n',
    'abc',
    '-5',
    'NaN',
    'Infinity',
    '1e309',
    '12 13',
    '0x10',
    '1,5',
    '120s',
    '+5'
  ])('rejects %j', text => {
    const parsed = parseSample(text)
    expect('reason' in parsed).toBe(true)
  })

  it('rejects content longer than a sample can be', () => {
    expect(parseSample(`${' '.repeat(100)}1`)).toEqual({
      reason: expect.stringContaining('longer than')
    })
  })
})
