/**
 * At most `size` calls of `work` running at once; the others wait their turn, first come first
 * served. A call's failure is its caller's alone: the next in line still runs.
 */
export function limiter(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: (() => void)[] = []
  const release = () => {
    running--
    queue.shift()?.()
  }
  return async work => {
    if (running >= size) await new Promise<void>(turn => queue.push(turn))
    running++
    try {
      return await work()
    } finally {
      release()
    }
  }
}
