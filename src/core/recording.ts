import type { Config } from './config.js'

/**
 * What the record path says when it cannot, or need not, upload. Pure, so each wording is
 * tested without an artifact service; `main.ts` logs it, `github/record.ts` uploads.
 */

export interface Note {
  level: 'info' | 'warning'
  message: string
}

/** The upload step a GHES user keeps instead: v3 uploads there, and the check reads its artifacts. */
export function ghesRecordWarning(config: Pick<Config, 'artifactName' | 'file'>): string {
  const name = config.artifactName.replaceAll('{run_id}', '${{ github.run_id }}')
  return (
    "GitHub Enterprise Server: 'record' needs the v4 artifact service, which GitHub Enterprise " +
    'Server does not have, so nothing is recorded. Keep an actions/upload-artifact@v3 step ' +
    `(if: always()) that uploads ${config.file} as ${name}; this action reads those artifacts. ` +
    'The check runs as usual.'
  )
}

/**
 * `@actions/artifact` reports a refused CreateArtifact only as text: "Failed to CreateArtifact:
 * Received non-retryable error: Failed request: (409) Conflict: an artifact with this name
 * already exists on the workflow run".
 */
const CONFLICT = /\(409\)|already exists on the workflow run/i

/**
 * A failed upload, explained. Artifact names are unique within a run across its attempts, so a
 * 409 on a re-run attempt means an earlier attempt already recorded this run's sample: that is
 * the rule "a run holds one sample", not a fault. On a first attempt it means two jobs of the
 * run (a matrix) record under one name, which the user must fix.
 */
export function uploadFailure(
  message: string,
  name: string,
  context: { runAttempt: number }
): Note {
  if (CONFLICT.test(message) && context.runAttempt > 1)
    return {
      level: 'info',
      message:
        `This run already holds its sample: artifact ${name} was recorded by an earlier attempt, ` +
        `so attempt ${context.runAttempt} records nothing more (its value still counts in this check).`
    }
  if (CONFLICT.test(message))
    return {
      level: 'warning',
      message:
        `Recording this run's sample failed: another job of this run already recorded ${name} ` +
        '(409 Conflict; artifact names are unique within a run). In a matrix, put the matrix key ' +
        "into 'artifact-name', e.g. helm-install-duration-{run_id}-${{ matrix.k8s }}."
    }
  return { level: 'warning', message: `Recording this run's sample failed: ${message}` }
}
