import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const MMDC = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'mmdc')

/** The first ```mermaid block of a Markdown text. */
export function mermaidBlock(markdown: string): string | undefined {
  return /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1]
}

/**
 * Renders a Mermaid diagram to PNG with mermaid-cli in Debian's headless Chromium (no browser
 * download). Resolves with mmdc's output; rejects when it cannot render.
 */
export function renderMermaid(diagram: string, png: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mermaid-'))
  const input = join(dir, 'chart.mmd')
  const config = join(dir, 'puppeteer.json')
  writeFileSync(input, diagram)
  writeFileSync(
    config,
    JSON.stringify({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`
      ]
    })
  )
  return new Promise((done, fail) => {
    execFile(
      MMDC,
      ['-i', input, '-o', png, '-p', config, '-b', 'white', '--size', '900', '-q'],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error || !existsSync(png))
          fail(new Error(`mmdc failed: ${error?.message ?? ''}\n${stderr}`))
        else done(stdout + stderr)
      }
    )
  })
}

/**
 * Renders a whole job summary as a person sees it: the Mermaid chart to SVG with mmdc, the
 * Markdown to HTML with marked (GitHub-flavoured), then a screenshot in headless Chromium.
 */
export async function renderSummaryPage(
  markdown: string,
  png: string,
  height = 1900
): Promise<void> {
  const { marked } = await import('marked')
  const dir = mkdtempSync(join(tmpdir(), 'summary-'))
  // Every diagram, in order (a summary of several metrics has one per metric).
  const diagrams = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map(m => m[1])
  let body = markdown
  for (const [i, diagram] of diagrams.entries()) {
    await renderMermaid(diagram, join(dir, `chart-${i}.svg`))
    body = body.replace(/```mermaid\n[\s\S]*?\n```/, `<img src="chart-${i}.svg" width="800">`)
  }
  const html = `<!doctype html><meta charset="utf-8"><style>
body { font: 14px -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 24px; width: 950px; color: #1f2328 }
table { border-collapse: collapse } th, td { border: 1px solid #d1d9e0; padding: 4px 10px }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px } blockquote { border-left: 4px solid #d1d9e0; margin: 0; padding-left: 12px }
</style>${marked.parse(body, { gfm: true, async: false })}`
  writeFileSync(join(dir, 'index.html'), html)
  await new Promise<void>((done, fail) => {
    execFile(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--no-first-run',
        '--disable-background-networking',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--screenshot=${png}`,
        `--window-size=1000,${height}`,
        `file://${join(dir, 'index.html')}`
      ],
      { timeout: 120_000 },
      (error, _stdout, stderr) => {
        if (error || !existsSync(png))
          fail(new Error(`chromium failed: ${error?.message ?? ''}\n${stderr}`))
        else done()
      }
    )
  })
}
