/**
 * Only the gate's own text is read back and edited: of the items carrying its marker, those
 * the token's identity wrote. Anyone can paste a marker into an issue or a comment; adopting
 * theirs would overwrite a person's words with the gate's numbers.
 */
import * as core from '@actions/core'
import type { Client } from '../github/client.js'
import { tokenIdentity } from '../github/identity.js'
import { writtenBy, type Identity } from '../core/notify/tracking.js'
import { escapeLog } from '../core/untrusted/escape.js'
import { plural } from '../render/wording.js'

export class Ownership {
  private identity?: Promise<Identity>
  private readonly told = new Set<string>()

  constructor(
    private readonly client: Client,
    private readonly token: string
  ) {}

  /**
   * What this check just created names its author: the token's identity exactly, with no
   * request (unless the identity was already asked).
   */
  learn(author: string | undefined): void {
    if (author && !this.identity) this.identity = Promise.resolve({ kind: 'login', login: author })
  }

  /**
   * The items of `marked` the token wrote, in their order. The identity is asked at most
   * once, and only when there is something to tell apart; the rest is said once per `what`.
   */
  async own<T extends { author?: string }>(marked: readonly T[], what: string): Promise<T[]> {
    if (marked.length === 0) return []
    this.identity ??= tokenIdentity(this.client, this.token)
    const identity = await this.identity
    const own = marked.filter(item => writtenBy(item.author, identity))
    const others = marked.length - own.length
    if (others > 0 && !this.told.has(what)) {
      this.told.add(what)
      core.info(
        `${what}: ${plural(others, 'item')} carrying this gate's marker ${others === 1 ? 'was' : 'were'} not written by ${describe(identity)}, so left alone`
      )
    }
    return own
  }
}

function describe(identity: Identity): string {
  return identity.kind === 'login'
    ? `this token's identity ${escapeLog(identity.login, 100)}`
    : "this token's app (a [bot] account)"
}
