/**
 * The report is what renderers and outputs read, and the first thing anyone would serialise:
 * it must never carry the token or any input the report does not need.
 */
import { describe, expect, it } from '@jest/globals'
import { judgeHistory } from '../src/core/history/attribution.js'
import { checkPlan, readConfig } from '../src/core/inputs/config.js'
import type { Sample } from '../src/core/types.js'

const TOKEN = 'ghs_secretTokenThatMustNeverBeSerialised'

const sample = (i: number): Sample => ({
  run_id: 100 - i,
  run_number: 50 - i,
  value: 200 + i,
  head_sha: 'a'.repeat(40),
  created_at: '2026-11-01T00:00:00Z',
  html_url: `https://github.com/o/r/actions/runs/${100 - i}`,
  conclusion: 'success'
})

const inputs: Record<string, string> = {
  'github-token': TOKEN,
  repository: 'owner-x/repo-y',
  workflow: 'chart.yml',
  window: '5',
  history: '8',
  'artifact-name': 'artifact-name-marker-{run_id}'
}
const config = readConfig(name => inputs[name] ?? '', {})
const history = Array.from({ length: 8 }, (_, i) => sample(i))

/** Config fields the report holds by the same name: the rubric, and `history` (as samples). */
const NEEDED = new Set(['budget', 'minRuns', 'window', 'decide', 'history'])

describe('a serialised report', () => {
  const cases = {
    'built from the named parts': checkPlan(config, 'main').rubric,
    // Even a caller that hands the whole config over as the rubric leaks nothing.
    'given the whole config as its rubric': config
  }
  for (const [name, rubric] of Object.entries(cases)) {
    it(`holds no token and no config field it does not need (${name})`, () => {
      const report = judgeHistory(
        history,
        [],
        rubric,
        { minShift: config.minShift, match: [] },
        'o/r'
      )
      const json = JSON.stringify(report)
      expect(json).not.toContain(TOKEN)
      expect(json).not.toContain('artifact-name-marker')
      for (const key of Object.keys(config).filter(k => !NEEDED.has(k)))
        expect(Object.keys(report)).not.toContain(key)
      expect(report).toMatchObject({
        budget: 300,
        minRuns: 5,
        window: 5,
        decide: 'rubric',
        source: 'o/r'
      })
      expect(report.samples).toHaveLength(5)
      expect(report.history).toHaveLength(8)
    })
  }
})
