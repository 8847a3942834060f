/**
 * A batch's Markdown instructions as HTML for Ground Truth's worker template, where no DOM
 * sanitizer runs: every character is HTML-escaped first, and only a small Markdown subset is
 * turned back into tags (headings, lists, paragraphs, bold, italics, code, http(s) links), so
 * no markup of the author's own can reach a worker's browser. The labeling page renders the
 * same text with marked and DOMPurify.
 */

const escapeText = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
    // Liquid would evaluate {{ }} and {% %} in the template: keep the author's braces literal.
    .replaceAll('{', '&#123;')
    .replaceAll('}', '&#125;');

const inline = (escaped: string): string =>
  escaped
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');

export const instructionsHtml = (markdown: string): string => {
  const out: string[] = [];
  let list: 'ul' | 'ol' | null = null;
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    paragraph = [];
  };
  const closeList = () => {
    if (list) out.push(`</${list}>`);
    list = null;
  };
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const line = escapeText(raw.trimEnd());
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (line.trim() === '') {
      flush();
      closeList();
    } else if (heading) {
      flush();
      closeList();
      // Ground Truth's instruction panes are small: h1/h2 become h3, the rest h4.
      const level = (heading[1] ?? '#').length <= 2 ? 3 : 4;
      out.push(`<h${level}>${inline(heading[2] ?? '')}</h${level}>`);
    } else if (bullet || numbered) {
      flush();
      const kind = bullet ? 'ul' : 'ol';
      if (list !== kind) {
        closeList();
        out.push(`<${kind}>`);
        list = kind;
      }
      out.push(`<li>${inline((bullet ?? numbered)?.[1] ?? '')}</li>`);
    } else {
      closeList();
      paragraph.push(line.trim());
    }
  }
  flush();
  closeList();
  return out.join('\n');
};
