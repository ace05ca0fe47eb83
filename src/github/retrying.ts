/**
 * The one retry loop of the action's own code, for what Octokit's retry plugin cannot see (a
 * rate limit's `retry-after`, a download's hop beside the API): runs `work`, and after each
 * failure waits the ms that `next` names, or stops when `next` throws.
 */
export async function retrying<T>(
  work: () => Promise<T>,
  next: (error: unknown, attempt: number) => number
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      const wait = next(error, attempt)
      await new Promise(resolve => setTimeout(resolve, wait))
    }
  }
}
