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
