/**
 * Markdown with its code spans and fenced blocks removed: what a renderer reads as markup.
 * Untrusted text is shown only inside code spans, so the security tests look for HTML, links
 * and workflow commands here. A code span is a backtick run closed by the next run of the
 * same length, as CommonMark reads it.
 */
export function outsideCode(markdown: string): string {
  const withoutBlocks = markdown.replace(/^```[\s\S]*?^```$/gm, '')
  return withoutBlocks.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, '')
}
