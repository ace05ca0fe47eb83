import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CacheHost } from '../cache/sample-cache.js'

/**
 * The process-wide side of the cache, owned by the entry point: `@actions/cache` works from
 * GITHUB_WORKSPACE and the working directory, both pointed, for this process, at a private
 * folder (the restored file never lands in the user's checkout).
 */
export class ProcessCacheHost implements CacheHost {
  private made: string | undefined
  /** Saves running in the folder now: two may overlap (the artifact samples', the runs' jobs'). */
  private inside = 0
  private previous = ''

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  folder(): string {
    if (!this.made) {
      this.made = mkdtempSync(join(this.env.RUNNER_TEMP || tmpdir(), 'helm-rolling-cache-'))
      this.env.GITHUB_WORKSPACE = this.made
    }
    return this.made
  }

  async inFolder<T>(work: () => Promise<T>): Promise<T> {
    // The working directory is the process's: the first to enter moves there, the last to
    // leave moves back, so that overlapping saves all run in the folder.
    if (this.inside === 0) {
      this.previous = process.cwd()
      // Before counting: a chdir that throws leaves no save counted inside.
      process.chdir(this.folder())
    }
    this.inside++
    try {
      return await work()
    } finally {
      if (--this.inside === 0) process.chdir(this.previous)
    }
  }
}
