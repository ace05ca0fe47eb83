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

/** Makes text safe on one log line: no line breaks, no workflow command markers. */
export function escapeLog(text: string, maxLength = 200): string {
  return truncate(text.replace(CONTROL, ' '), maxLength)
    .replace(/::/g, ': :')
    .replace(/##\[/g, '# #[')
}

function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text
}
