import { describe, expect, it } from '@jest/globals'
import { escapeLog, escapeMarkdown } from '../src/core/untrusted/escape.js'

describe('escapeMarkdown', () => {
  it.each([
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '**bold** | `code` | ![i](http://e/x.png)',
    'http://evil.example/'
  ])('leaves no markup in %j', text => {
    const out = escapeMarkdown(text)
    expect(out).not.toMatch(/[<>[\]()*`|!:]/)
  })
  it('keeps plain words readable', () => {
    expect(escapeMarkdown('artifact expired')).toBe('artifact expired')
  })
  it('folds line breaks so nothing starts a new block', () => {
    expect(escapeMarkdown('a\n# heading')).not.toContain('\n')
  })
  it('truncates long text', () => {
    expect(escapeMarkdown('a'.repeat(500), 10).startsWith('aaaaaaaaaa')).toBe(true)
    expect(escapeMarkdown('a'.repeat(500), 10).length).toBeLessThan(20)
  })
})

describe('escapeLog', () => {
  it.each([
    '\n::set-output name=verdict::pass',
    '::add-mask::x',
    'x\r\n::stop-commands::token',
    '##[error]boom'
  ])('cannot start a workflow command from %j', text => {
    const out = escapeLog(text)
    expect(out).not.toMatch(/[\r\n]/)
    expect(out).not.toContain('::')
    expect(out).not.toContain('##[')
  })
})

describe('escapeMarkdown against GitHub autolinks', () => {
  // GitHub links `www.`, `scheme://` and `user@host` in rendered text after entities are
  // decoded, which the Markdown renderer the tests use does not do: the breaks themselves are
  // what stops it, so they are asserted exactly.
  const decoded = (text: string) =>
    text.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))

  it.each([
    ['www.evil.example', 'www\u200b.evil.example'],
    ['WWW.evil.example', 'WWW\u200b.evil.example'],
    ['http://evil.example/', 'http&#58;//\u200bevil.example/'],
    ['a@evil.example', 'a&#64;\u200bevil.example']
  ])('breaks the autolink trigger in %j', (text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected)
  })

  it('leaves no trigger that GitHub would link once entities are decoded', () => {
    const out = decoded(escapeMarkdown('see www.a.example, ftp://b.example and c@d.example'))
    expect(out).not.toMatch(/www\./i)
    expect(out).not.toMatch(/:\/\/[^\u200b]/)
    expect(out).not.toMatch(/@[^\u200b]/)
  })
})
