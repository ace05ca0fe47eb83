// Types of scripts/fresh-dist.mjs, for the tests.
/** The hash of every input of the build under `root` (default: the working folder). */
export function sourceHash(root?: string): string
/** Single files the build reads besides src/ and the lockfile. */
export const BUILD_FILES: readonly string[]
