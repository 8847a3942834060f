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

/** The HTML written so far, the open list (if any) and the lines of the paragraph being gathered. */
interface HtmlWriter {
  out: string[];
  list: 'ul' | 'ol' | null;
  paragraph: string[];
}

const flush = (w: HtmlWriter): void => {
  if (w.paragraph.length > 0) w.out.push(`<p>${inline(w.paragraph.join(' '))}</p>`);
  w.paragraph = [];
};

const closeList = (w: HtmlWriter): void => {
  if (w.list) w.out.push(`</${w.list}>`);
  w.list = null;
};

const addListItem = (w: HtmlWriter, kind: 'ul' | 'ol', text: string): void => {
  flush(w);
  if (w.list !== kind) {
    closeList(w);
    w.out.push(`<${kind}>`);
    w.list = kind;
  }
  w.out.push(`<li>${inline(text)}</li>`);
};

/** One source line: a blank ends the paragraph and list, a heading, a list item, or paragraph text. */
const addLine = (w: HtmlWriter, raw: string): void => {
  const line = escapeText(raw.trimEnd());
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
  const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
  if (line.trim() === '') {
    flush(w);
    closeList(w);
  } else if (heading) {
    flush(w);
    closeList(w);
    // Ground Truth's instruction panes are small: h1/h2 become h3, the rest h4.
    const level = (heading[1] ?? '#').length <= 2 ? 3 : 4;
    w.out.push(`<h${level}>${inline(heading[2] ?? '')}</h${level}>`);
  } else if (bullet || numbered) {
    addListItem(w, bullet ? 'ul' : 'ol', (bullet ?? numbered)?.[1] ?? '');
  } else {
    closeList(w);
    w.paragraph.push(line.trim());
  }
};

export const instructionsHtml = (markdown: string): string => {
  const w: HtmlWriter = { out: [], list: null, paragraph: [] };
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) addLine(w, raw);
  flush(w);
  closeList(w);
  return w.out.join('\n');
};
