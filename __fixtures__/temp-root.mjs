// Jest global setup: every temporary folder of a test run goes under one root, removed by the
// global teardown (temp-root-teardown.mjs), so a run leaves nothing in the temporary folder by
// design rather than by each test remembering to clean up. os.tmpdir() reads TMPDIR on every
// call, in this process and in the workers and child processes that inherit the environment.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup() {
  const root = mkdtempSync(join(tmpdir(), 'helm-rolling-tests-'))
  process.env.HELM_ROLLING_TEST_TMP_OUTER = tmpdir()
  process.env.TMPDIR = root
}
