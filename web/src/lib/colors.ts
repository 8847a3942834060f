/** Label colours, by the label's position: the same in the task view and the review page. */
export const LABEL_COLORS = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#9333ea',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#475569',
] as const;

/** Drawn under and around every box, so a box stays visible on an image of its own colour. */
export const OUTLINE_COLOR = '#000000';

export const colorOf = (labels: readonly string[], label: string | undefined): `#${string}` =>
  label === undefined
    ? '#f8fafc'
    : (LABEL_COLORS[Math.max(0, labels.indexOf(label)) % LABEL_COLORS.length] ?? '#2563eb');
