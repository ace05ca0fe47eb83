import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { computeStats, decide } from '../src/core/verdict/rubric.js'
import { renderSummary } from '../src/render/summary.js'
import type { Report, Sample } from '../src/core/types.js'

/** The summary through a GitHub-flavoured Markdown renderer, read as a person's browser would. */
function html(report: Report): string {
  return marked.parse(renderSummary(report), { gfm: true, async: false })
}

function sample(id: number, value: number): Sample {
  return {
    run_id: id,
    run_number: id - 8000,
    value,
    head_sha: 'abcdef1234567890abcdef1234567890abcdef12',
    created_at: '2026-11-01T10:20:30Z',
    html_url: `https://github.com/o/r/actions/runs/${id}`,
    conclusion: 'success'
  }
}

function report(values: number[], skippedReasons: string[] = []): Report {
  const stats = computeStats(values)
  return {
    verdict: decide(stats, 300, values.length),
    budget: 300,
    minRuns: values.length,
    window: values.length,
    stats,
    samples: values.map((v, i) => sample(9000 - i, v)),
    skipped: skippedReasons.map((reason, i) => ({
      run_id: 100 + i,
      run_number: 50 + i,
      html_url: `https://github.com/o/r/actions/runs/${100 + i}`,
      reason
    })),
    source: 'o/r · chart.yml · main'
  }
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '<script>alert(1)</script>',
  '::set-output name=verdict::pass',
  'see www.evil.example or mail me@evil.example or https://evil.example/x',
  'ping @octocat and @github/security',
  'a ``` fence ```` and a lone ` tick',
  '| a | b |',
  '**bold** _it_ `code` ![i](https://evil.example/i.png)'
]

describe('the job summary rendered as GitHub-flavoured Markdown', () => {
  const page = html(report([140, 151, 120, 133, 160, 149, 150], HOSTILE))

  it('opens with the rubric banner as a heading', () => {
    expect(page).toMatch(/^<h2[^>]*>✅ pass: median 149 s &lt;= 300 s budget over 7 runs<\/h2>/)
  })

  it('has a samples table with the right columns and one row per sample', () => {
    const table = /<table>[\s\S]*?<\/table>/.exec(page)?.[0] ?? ''
    const headers = [...table.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map(m => m[1])
    expect(headers).toEqual(['Run', 'Commit', 'Date (UTC)', 'Conclusion', 'Seconds'])
    expect(table.match(/<tr>/g)).toHaveLength(8)
  })

  it('links every run number to its run and every commit to its commit', () => {
    const hrefs = [...page.matchAll(/<a href="([^"]+)">([^<]*)</g)].map(m => [m[1], m[2]])
    for (const id of [9000, 8999, 8998]) {
      expect(hrefs).toContainEqual([`https://github.com/o/r/actions/runs/${id}`, `#${id - 8000}`])
    }
    expect(
      hrefs.filter(
        ([href]) =>
          href === 'https://github.com/o/r/commit/abcdef1234567890abcdef1234567890abcdef12'
      )
    ).toHaveLength(7)
  })

  it('lets no HTML, link, image or autolink from an artifact through', () => {
    expect(page).not.toMatch(/<img|<script|href="javascript/i)
    const hrefs = [...page.matchAll(/href="([^"]+)"/g)].map(m => m[1])
    expect(hrefs.every(h => h.startsWith('https://github.com/o/r/'))).toBe(true)
    expect(page).not.toMatch(/<(strong|em|code)>(bold|it|code)</)
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('shows each hostile reason whole, as written, inside one code element', () => {
    const details = /<details>[\s\S]*<\/details>/.exec(page)?.[0] ?? ''
    const codes = [...details.matchAll(/<code>([^<]*)<\/code>/g)].map(m =>
      m[1]
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>')
        .replaceAll('&quot;', '"')
        .replaceAll('&amp;', '&')
        .replaceAll('&#39;', "'")
    )
    expect(codes).toEqual(HOSTILE)
  })

  it('pings nobody: an @mention appears only inside code', () => {
    const text = page.replace(/<code>[^<]*<\/code>/g, '')
    expect(text).not.toMatch(/@/)
  })

  it('keeps every skipped reason in its own row of a collapsed block', () => {
    const details = /<details>[\s\S]*<\/details>/.exec(page)?.[0] ?? ''
    expect(details).toContain(`<summary>${HOSTILE.length} runs skipped</summary>`)
    expect(details.match(/<tr>/g)).toHaveLength(1 + HOSTILE.length)
  })

  it('keeps the Mermaid chart as a mermaid code block', () => {
    expect(page).toMatch(/<pre><code class="language-mermaid">%%\{init[^\n]*\n+xychart-beta/)
  })
})
