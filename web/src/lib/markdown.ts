import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * A batch's instructions are Markdown written by whoever uploaded the batch: render it, then
 * sanitize, so a script or an event handler in the text never runs in a labeler's session.
 */
export const renderMarkdown = (markdown: string): string => {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'],
  });
};
