import { parse, stringify } from 'yaml'

/** A fenced YAML block of a Markdown page, with the line its fence opens on. */
export interface YamlBlock {
  page: string
  line: number
  text: string
}

/** Every ```yaml (or ```yml) block of a page, as written. */
export function yamlBlocks(page: string, markdown: string): YamlBlock[] {
  const blocks: YamlBlock[] = []
  for (const m of markdown.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)) {
    const line = markdown.slice(0, m.index).split('\n').length
    blocks.push({ page, line, text: m[1] })
  }
  return blocks
}

/** Keys that make a mapping a job (rather than the action's `with:` inputs). */
const JOB_KEYS = ['runs-on', 'permissions', 'env', 'needs', 'timeout-minutes', 'strategy']

/** The action as the docs' fragments name it. */
const ACTION = 'tracecore/helm-rolling-action@v1'

type Fragment = Record<string, unknown> | unknown[]

/**
 * A block as a workflow file that the linters can judge. A whole workflow (it has `jobs`) is
 * returned as written. A fragment is wrapped in the least that makes it one, on
 * `workflow_dispatch`, on `ubuntu-latest`: a list is a job's steps; a mapping with steps (a
 * list) or job keys is a job; any other mapping is the action's `with:` inputs.
 */
export function asWorkflow(text: string): string {
  const value = parse(text) as unknown
  if (isMapping(value) && 'jobs' in value) return text
  const job = jobOf(value as Fragment)
  return stringify({ name: 'fragment', on: 'workflow_dispatch', jobs: { fragment: job } })
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function jobOf(value: Fragment): Record<string, unknown> {
  const job = { 'runs-on': 'ubuntu-latest' }
  if (Array.isArray(value)) return { ...job, steps: value }
  if (Array.isArray(value.steps) || JOB_KEYS.some(key => key in value)) return { ...job, ...value }
  return { ...job, steps: [{ uses: ACTION, with: value }] }
}
