/** Who the token writes as, so that only the gate's own issue and comment are edited. */
import type { Client } from './client.js'
import { RateLimited, httpStatus } from './failures.js'
import { isInstallationToken, type Identity } from '../core/notify/tracking.js'

/**
 * The token's identity, asked of GitHub at most once per call site: an installation token
 * (GitHub's `ghs_` prefix: the workflow's `GITHUB_TOKEN`, a GitHub App's token) writes as its
 * app's bot and costs no request; another token asks `GET /user`, and one that may not read
 * it (403 or 404: an installation token without the prefix) is taken for an app's bot too.
 */
export async function tokenIdentity(client: Client, token: string): Promise<Identity> {
  if (isInstallationToken(token)) return { kind: 'bot' }
  try {
    const { data } = await client.octokit.request('GET /user')
    const login = (data as { login?: unknown } | null)?.login
    if (typeof login !== 'string' || !login) throw new Error('GET /user named no login')
    return { kind: 'login', login }
  } catch (error) {
    const status = httpStatus(error)
    if (!(error instanceof RateLimited) && (status === 403 || status === 404))
      return { kind: 'bot' }
    throw error
  }
}
