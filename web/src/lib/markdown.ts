import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * A batch's instructions are Markdown written by whoever uploaded the batch: render it, then
 * sanitize, so a script or an event handler in the text never runs in a labeler's session. Nor may
 * the text dress itself up as the page: no `style`, `class` or `id` (the page's own CSS and ids,
 * e.g. a fake sign-in laid over the task), no forms, and no images or media from anywhere (the
 * batch's own example images are shown by the page, from presigned URLs, next to the text).
 */
export const renderMarkdown = (markdown: string): string => {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      'style',
      'form',
      'input',
      'button',
      'select',
      'textarea',
      'iframe',
      'img',
      'picture',
      'source',
      'video',
      'audio',
    ],
    FORBID_ATTR: ['style', 'class', 'id', 'srcset'],
  });
};
