// The README's `npm run demo` as a new user meets it: the log as the runner would show it (no
// raw workflow commands, no `%25`), one request count explained, and nothing left in the
// temporary folder. And the README's picture of a job summary, rendered from the demo's
// history in headless Chromium by the same code as `npm run picture`.
import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { CHROMIUM } from '../__fixtures__/mermaid.js'
import { asRunnerShows } from '../__fixtures__/runner-log.js'
import { PICTURE, renderDemoSummary } from '../__fixtures__/summary-picture.js'

const root = resolve(import.meta.dirname, '..')
const TSX = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')

/** Caches that tsx and Node keep and reuse across runs: not this project's leftovers. */
const TOOL_CACHES = /^(tsx-\d+|node-compile-cache)$/

function demo(args: string[], tmp: string): Promise<{ code: number; stdout: string }> {
  return new Promise(done =>
    execFile(
      process.execPath,
      [TSX, 'scripts/demo.ts', ...args],
      { cwd: root, env: { ...process.env, TMPDIR: tmp }, timeout: 120_000 },
      (error, stdout) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout })
    )
  )
}

describe('the log as the runner shows it', () => {
  it('reads workflow commands instead of printing them', () => {
    const raw = [
      'plain line',
      '::notice::not conclusive: the 97%25 interval',
      '::warning file=a.txt,line=2::two%0Alines',
      '::error::over budget',
      '::debug::hidden',
      '::group::Details',
      '::endgroup::'
    ].join('\n')
    expect(asRunnerShows(raw).split('\n')).toEqual([
      'plain line',
      'Notice: not conclusive: the 97% interval',
      'Warning: two',
      'lines',
      'Error: over budget',
      'Details'
    ])
  })
})

describe('npm run demo', () => {
  it('prints what a runner shows, one request count explained, and leaves no temporary folder', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'demo-tmp-'))
    try {
      const { code, stdout } = await demo(['140'], tmp)
      expect(code).toBe(1) // a breach, as the README says
      expect(stdout).not.toMatch(/^::/m)
      expect(stdout).not.toContain('%25')
      expect(stdout).toMatch(/^Notice: not conclusive: /m)
      expect(stdout).toMatch(/^Error: Rolling median over budget/m)
      const counted =
        /(\d+) GitHub API requests \(the log's bill\), and (\d+) artifact downloads/.exec(stdout)
      const billed = /^GitHub API: (\d+) requests/m.exec(stdout)
      expect(counted?.[1]).toBe(billed?.[1])
      expect(Number(counted?.[2])).toBeGreaterThan(0)
      expect(readdirSync(tmp).filter(name => !TOOL_CACHES.test(name))).toEqual([])
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }, 120_000)
})

// CI installs Chromium and sets REQUIRE_CHROMIUM, so there this can never be skipped quietly.
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium && process.env.REQUIRE_CHROMIUM)
  throw new Error(`REQUIRE_CHROMIUM is set but ${CHROMIUM} is missing`)

describe('the README picture of a job summary', () => {
  it('is in the repository and shown at the top of the README', () => {
    const bytes = readFileSync(PICTURE)
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(
      '](docs/images/job-summary.png)'
    )
  })

  ;(haveChromium ? it : it.skip)(
    'renders from the demo history in headless Chromium, cut to the page',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'picture-'))
      try {
        const png = join(dir, 'summary.png')
        const { result } = await renderDemoSummary(png)
        expect(result.outputs.verdict).toBe('breach')
        const bytes = readFileSync(png)
        expect(bytes.subarray(1, 4).toString()).toBe('PNG')
        expect(bytes.readUInt32BE(16)).toBe(1000) // width
        const height = bytes.readUInt32BE(20)
        expect(height).toBeGreaterThan(600) // the banner, the chart and the table
        expect(height).toBeLessThan(1900) // cut to the page, not the window's default
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    180_000
  )
})
