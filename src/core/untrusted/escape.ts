/**
 * Text from artifacts and run objects is attacker-controlled. These helpers make it inert
 * before it is shown: in the job summary (Markdown with HTML) and in the log (where a line
 * starting with `::` or `##[` is a workflow command).
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/** Makes text inert in GitHub-flavoured Markdown: every character that could start markup
 * (HTML, links, emphasis, tables, autolinks) becomes a numeric character reference. */
export function escapeMarkdown(text: string, maxLength = 200): string {
  return (
    truncate(text.replace(CONTROL, ' '), maxLength)
      .replace(/[^\p{L}\p{N} .,\-+/=]/gu, c => `&#${c.codePointAt(0)};`)
      // GFM autolinks text after entities are decoded: a zero-width space breaks the triggers.
      .replace(/(www|&#58;\/\/|&#64;)/gi, '$1\u200b')
  )
}

/**
 * Shows untrusted text as it is, inert, in a Markdown code span: nothing inside one is markup
 * (no HTML, links, emphasis, autolinks or @mentions), so `install_to_ready_seconds.txt:` reads
 * as written, raw and rendered. The fence is one backtick longer than any run inside, so the
 * text cannot close it; a space each side (which Markdown strips) keeps a backtick at either
 * end from joining the fence. In a table cell, `|` would still end the cell: it is escaped,
 * and a backslash right before one gets a zero-width space so that it cannot undo that.
 */
export function codeSpan(text: string, maxLength = 200, inTable = false): string {
  let inner = truncate(text.replace(CONTROL, ' '), maxLength)
  if (inTable) inner = inner.replace(/\\(?=\|)/g, '\\\u200b').replaceAll('|', '\\|')
  const longest = Math.max(0, ...[...inner.matchAll(/`+/g)].map(m => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence} ${inner} ${fence}`
}

/**
 * As `codeSpan`, padded only where Markdown needs it (a backtick or a space at either end),
 * so a branch reads `main` in the raw text too. The raw text goes in: nothing inside a code
 * span is markup, so an entity there would show as `&#95;` rather than `_`.
 */
export function inlineCode(text: string, maxLength = 200): string {
  const span = codeSpan(text, maxLength)
  const inner = /^` ([^`]*) `$/.exec(span)?.[1]
  return inner !== undefined && /^\S(?:.*\S)?$/.test(inner) ? `\`${inner}\`` : span
}

/**
 * For text that GitHub renders where it notifies (issues, comments): as `escapeMarkdown`, and
 * references made inert too. `@org/team` is already broken by the Markdown escape; `#123`,
 * `owner/repo#123` and `GH-123` would link (and back-reference) another issue, so a
 * zero-width space follows their markers.
 */
export function escapeMention(text: string, maxLength = 200): string {
  return escapeMarkdown(text, maxLength)
    .replace(/&#35;/g, '&#35;\u200b')
    .replace(/\b(GH)-(?=\d)/gi, '$1&#45;\u200b')
}

/** A Markdown link when the URL is a plain http(s) address; the bare text otherwise. */
export function link(text: string, url: string): string {
  return /^https?:\/\/[\w.:-]+\/[\w./%-]*$/.test(url) ? `[${text}](${url})` : text
}

/** Makes text safe on one log line: no line breaks, no workflow command markers. */
export function escapeLog(text: string, maxLength = 200): string {
  return truncate(text.replace(CONTROL, ' '), maxLength)
    .replace(/::/g, ': :')
    .replace(/##\[/g, '# #[')
}

/** At most `maxLength` characters (code points: an astral character is never cut in two). */
function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text
  const points = Array.from(text)
  return points.length > maxLength ? `${points.slice(0, maxLength).join('')}…` : text
}
