import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const MMDC = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'mmdc')

/** The first ```mermaid block of a Markdown text. */
export function mermaidBlock(markdown: string): string | undefined {
  return /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1]
}

/**
 * Renders a Mermaid diagram to PNG (or SVG, by `png`'s extension) with mermaid-cli in Debian's
 * headless Chromium (no browser download). Resolves with mmdc's output; rejects when it cannot
 * render. Its working folder (the input, the browser profile) is removed either way.
 */
export async function renderMermaid(diagram: string, png: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mermaid-'))
  try {
    return await runMmdc(dir, diagram, png)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function runMmdc(dir: string, diagram: string, png: string): Promise<string> {
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
  height?: number
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'))
  try {
    await screenshot(dir, markdown, png, height)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** GitHub's alert blockquotes (`> [!WARNING]`), which marked leaves as plain quotes. */
function withAlerts(html: string): string {
  return html.replace(
    /<blockquote>\s*<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/g,
    (_all, kind: string) =>
      `<blockquote class="alert ${kind.toLowerCase()}"><p><strong>${kind[0]}${kind.slice(1).toLowerCase()}</strong><br>`
  )
}

const STYLE = `
body { font: 14px -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 24px; width: 950px; color: #1f2328 }
table { border-collapse: collapse } th, td { border: 1px solid #d1d9e0; padding: 4px 10px }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px } blockquote { border-left: 4px solid #d1d9e0; margin: 0; padding-left: 12px }
blockquote.alert.warning { border-color: #9a6700 } blockquote.alert.warning strong { color: #9a6700 }
blockquote.alert.note { border-color: #0969da } blockquote.alert.note strong { color: #0969da }
blockquote.alert.caution { border-color: #d1242f } blockquote.alert.caution strong { color: #d1242f }`

// The page puts its height in its title once loaded, so the screenshot can be cut to it.
const MEASURE = `<script>addEventListener('load', () => { document.title = 'height=' + document.documentElement.scrollHeight })</script>`

/** The page at `height` pixels, or cut to its own height when none is given. */
async function screenshot(
  dir: string,
  markdown: string,
  png: string,
  height?: number
): Promise<void> {
  const { marked } = await import('marked')
  // Every diagram, in order (a summary of several metrics has one per metric).
  const diagrams = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map(m => m[1])
  let body = markdown
  for (const [i, diagram] of diagrams.entries()) {
    await renderMermaid(diagram, join(dir, `chart-${i}.svg`))
    body = body.replace(/```mermaid\n[\s\S]*?\n```/, `<img src="chart-${i}.svg" width="800">`)
  }
  const html = `<!doctype html><meta charset="utf-8"><style>${STYLE}</style>${MEASURE}${withAlerts(marked.parse(body, { gfm: true, async: false }))}`
  writeFileSync(join(dir, 'index.html'), html)
  const page = `file://${join(dir, 'index.html')}`
  const measured = async (): Promise<number> => {
    const dom = await chromium(dir, ['--dump-dom', page])
    return Number(/<title>height=(\d+)<\/title>/.exec(dom)?.[1] ?? 1900)
  }
  const size = height ?? Math.min(await measured(), 4000)
  await chromium(dir, [`--screenshot=${png}`, `--window-size=1000,${size}`, page])
  if (!existsSync(png)) throw new Error(`chromium wrote no ${png}`)
}

/** Headless Chromium once, with a private profile; resolves with its stdout. */
function chromium(dir: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
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
        ...args
      ],
      { timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`chromium failed: ${error.message}\n${stderr}`))
        else done(stdout)
      }
    )
  })
}
