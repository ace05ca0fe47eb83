// Jest global teardown: removes the run's temporary root (see temp-root.mjs).
import { rmSync } from 'node:fs'

export default function teardown() {
  const root = process.env.TMPDIR
  if (!root || !/helm-rolling-tests-[^/]+$/.test(root)) return
  rmSync(root, { recursive: true, force: true })
  process.env.TMPDIR = process.env.HELM_ROLLING_TEST_TMP_OUTER
}
