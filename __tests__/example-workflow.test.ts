import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

/**
 * The example workflow's install step, taken from `.github/workflows/example-chart.yml` as it
 * is and run with bash (as `shell: bash` runs it) against stub `helm`, `kubectl` and `date`
 * on PATH. It must record every run it measures (a timed-out wait records the wait limit, a
 * lower bound over the budget) and nothing when `helm install` itself fails.
 */

const WORKFLOW = resolve(import.meta.dirname, '..', '.github', 'workflows', 'example-chart.yml')

interface Step {
  id?: string
  shell?: string
  env?: Record<string, string | number>
  run?: string
}

interface Stubs {
  /** Exit status of `helm install`. */
  helm: number
  /** Exit status of `kubectl rollout status`. */
  kubectl: number
  /** What successive `date +%s` calls print: the start, then the moment Ready was seen. */
  clock: [number, number]
  chart?: string
  env?: Record<string, string>
}

interface Outcome {
  code: number
  stdout: string
  /** The sample file's content, or undefined when none was written. */
  sample?: string
  calls: string[]
  dir: string
}

let step: Step

beforeAll(() => {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
    jobs: Record<string, { 'timeout-minutes'?: number; steps: Step[] }>
  }
  const found = workflow.jobs.install.steps.find(s => s.id === 'install')
  if (!found?.run) throw new Error('example-chart.yml has no step with id: install and a run:')
  step = found
})

const stub = (dir: string, name: string, body: string) => {
  const path = join(dir, name)
  writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`)
  chmodSync(path, 0o755)
}

async function runStep(stubs: Stubs): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'example-workflow-'))
  const bin = join(dir, 'bin')
  const log = join(dir, 'calls.log')
  const ticks = join(dir, 'ticks')
  mkdirSync(bin)
  writeFileSync(ticks, stubs.clock.join('\n') + '\n')
  stub(bin, 'helm', `printf 'helm %s\\n' "$*" >> '${log}'\nexit ${stubs.helm}`)
  stub(
    bin,
    'kubectl',
    `printf 'kubectl %s\\n' "$*" >> '${log}'\n` +
      (stubs.kubectl ? `echo 'error: timed out waiting for the condition' >&2\n` : '') +
      `exit ${stubs.kubectl}`
  )
  // `date +%s` prints the next tick; the first line is consumed on each call.
  stub(bin, 'date', `head -n 1 '${ticks}'\nsed -i 1d '${ticks}'`)
  const script = join(dir, 'install.sh')
  writeFileSync(script, step.run ?? '')
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, String(v)]))
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    ...stepEnv,
    CHART: stubs.chart ?? 'install/kubernetes/tracecore',
    ...stubs.env
  }
  // `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`.
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>(done =>
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', script],
      { cwd: dir, env, timeout: 20_000 },
      (error, out) => done({ code: error ? Number(error.code ?? -1) : 0, stdout: out })
    )
  )
  const sampleFile = join(dir, String(stepEnv.SAMPLE_FILE))
  return {
    code,
    stdout,
    sample: existsSync(sampleFile) ? readFileSync(sampleFile, 'utf8') : undefined,
    calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [],
    dir
  }
}

describe('example-chart.yml install step', () => {
  it('takes the chart through env, never pasted into the script', () => {
    expect(step.shell).toBe('bash')
    expect(step.run).not.toMatch(/\$\{\{/)
    expect(String(step.env?.CHART)).toBe('${{ inputs.chart }}')
  })

  it('waits longer than the budget and ends before the job timeout', () => {
    const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
      jobs: { install: { 'timeout-minutes': number; steps: { with?: { budget?: string } }[] } }
    }
    const wait = Number(step.env?.READY_TIMEOUT)
    const budget = Number(workflow.jobs.install.steps.at(-1)?.with?.budget ?? 300)
    expect(wait).toBeGreaterThan(budget)
    // Several minutes are left for checkout, kind and helm before timeout-minutes cancels.
    expect(wait + 5 * 60).toBeLessThan(workflow.jobs.install['timeout-minutes'] * 60)
    expect(step.run).toContain('--timeout="${READY_TIMEOUT}s"')
  })

  it('opts in to the issue and the comment with the permissions each needs', () => {
    const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
      jobs: {
        install: {
          permissions: Record<string, string>
          steps: { with?: Record<string, string | boolean> }[]
        }
      }
    }
    const job = workflow.jobs.install
    const inputs = job.steps.at(-1)?.with ?? {}
    expect(inputs.issue).toBe(true)
    expect(job.permissions.issues).toBe('write')
    expect(inputs['pr-comment']).toBe('on-breach')
    expect(job.permissions['pull-requests']).toBe('write')
  })

  it('records the elapsed seconds when the DaemonSet gets Ready', async () => {
    const r = await runStep({ helm: 0, kubectl: 0, clock: [1000, 1142] })
    expect(r.code).toBe(0)
    expect(r.sample).toBe('142\n')
    expect(r.calls).toEqual([
      'helm install tracecore install/kubernetes/tracecore --namespace tracecore --create-namespace',
      'kubectl -n tracecore rollout status daemonset --timeout=600s'
    ])
  })

  it('records a slow but Ready install with its real duration, then fails the single-run limit', async () => {
    const r = await runStep({ helm: 0, kubectl: 0, clock: [1000, 1420] })
    expect(r.code).toBe(1)
    expect(r.sample).toBe('420\n')
    expect(r.stdout).toMatch(/::error::install to Ready took 420 s, over the single-run limit/)
  })

  it('records the wait limit when readiness times out, and fails the run (failure counts)', async () => {
    const r = await runStep({
      helm: 0,
      kubectl: 1,
      clock: [1000, 9999],
      env: { READY_TIMEOUT: '7', SINGLE_RUN_LIMIT: '5' }
    })
    expect(r.code).toBe(1)
    expect(r.sample).toBe('7\n')
    expect(r.calls[1]).toBe('kubectl -n tracecore rollout status daemonset --timeout=7s')
    expect(r.stdout).toMatch(/::warning::DaemonSet not Ready within 7 s: recording 7 s/)
  })

  it('records the workflow wait limit, 600 s, over the 300 s budget, when readiness times out', async () => {
    const r = await runStep({ helm: 0, kubectl: 1, clock: [1000, 9999] })
    expect(r.code).toBe(1)
    expect(Number(r.sample)).toBe(600)
    expect(Number(r.sample)).toBeGreaterThan(300)
  })

  it('records nothing when helm install fails, and says so', async () => {
    const r = await runStep({ helm: 1, kubectl: 0, clock: [1000, 1100] })
    expect(r.code).toBe(1)
    expect(r.sample).toBeUndefined()
    expect(r.calls).toHaveLength(1)
    expect(r.stdout).toMatch(/::error::helm install failed: no sample recorded/)
  })

  it('passes a hostile chart input to helm as one argument, running nothing', async () => {
    const chart = 'x"; touch pwned; echo "$(touch pwned2)'
    const r = await runStep({ helm: 0, kubectl: 0, clock: [1, 2], chart })
    expect(r.code).toBe(0)
    expect(r.calls[0]).toBe(
      `helm install tracecore ${chart} --namespace tracecore --create-namespace`
    )
    expect(existsSync(join(r.dir, 'pwned'))).toBe(false)
    expect(existsSync(join(r.dir, 'pwned2'))).toBe(false)
  })
})
