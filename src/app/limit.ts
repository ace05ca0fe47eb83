/**
 * At most `size` calls of `work` running at once; the others wait their turn, first come first
 * served. A call's failure is its caller's alone: the next in line still runs.
 */
export function limiter(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: (() => void)[] = []
  // A finished call hands its place to the next in line, so no newcomer slips in between.
  const release = () => {
    const next = queue.shift()
    if (next) next()
    else running--
  }
  return async work => {
    if (running < size) running++
    else await new Promise<void>(turn => queue.push(turn))
    try {
      return await work()
    } finally {
      release()
    }
  }
}
