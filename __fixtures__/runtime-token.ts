/** A runtime token as the runner hands one to a job: a JWT whose scope names the run. */
export function runtimeToken(runId: number): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: `Actions.GenericRead Actions.Results:run-${runId}:job-${runId}` })}.sig`
}
