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
