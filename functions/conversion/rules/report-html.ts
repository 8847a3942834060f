import type { DatasetReport } from '../contracts/dataset-report';

/** Rows of the rejection list shown in HTML; report.json holds more. */
const HTML_REJECTED_ROWS = 500;

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: unknown): string =>
  String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f23;max-width:1100px}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.cards{display:flex;flex-wrap:wrap;gap:.75rem}.card{border:1px solid #ddd;border-radius:6px;padding:.5rem .9rem;min-width:7rem}
.card b{display:block;font-size:1.3rem}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
.num{text-align:right}.warn{color:#9a6700}.muted{color:#57606a}svg text{font:12px system-ui,sans-serif}
code{word-break:break-all}`;

const cards = (report: DatasetReport): string => {
  const items: [string, number][] = [
    ['lines read', report.lines],
    ['accepted', report.accepted],
    ['rejected lines', report.rejectedLines],
    ['boxes', report.boxes],
    ['dropped boxes', report.droppedBoxes],
    ['train', report.train],
    ['test', report.test],
    ['human-labeled', report.humanAnnotated],
    ['machine-labeled', report.machineAnnotated],
  ];
  return `<div class="cards">${items.map(([k, v]) => `<div class="card"><b>${v}</b>${escapeHtml(k)}</div>`).join('')}</div>`;
};

/** Horizontal bars, one per entry; widths relative to the largest value. */
const barChart = (entries: [string, number][], color: string): string => {
  if (entries.length === 0) return '<p class="muted">none</p>';
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const row = 22;
  const bars = entries.map(([name, value], i) => {
    const width = Math.round((value / max) * 560);
    const y = i * row;
    return `<text x="0" y="${y + 15}">${escapeHtml(name.slice(0, 28))}</text><rect x="190" y="${y + 3}" width="${width}" height="16" fill="${color}"/><text x="${196 + width}" y="${y + 15}">${value}</text>`;
  });
  return `<svg role="img" width="820" height="${entries.length * row + 4}">${bars.join('')}</svg>`;
};

/** Confidence histogram: ten bins, human and machine side by side. */
const histogram = (report: DatasetReport): string => {
  const { human, machine } = report.confidence;
  const max = Math.max(1, ...human, ...machine);
  const bars = human.map((h, i) => {
    const m = machine[i] ?? 0;
    const x = 40 + i * 70;
    const hh = Math.round((h / max) * 150);
    const mh = Math.round((m / max) * 150);
    return `<rect x="${x}" y="${170 - hh}" width="28" height="${hh}" fill="#0969da"><title>human ${h}</title></rect><rect x="${x + 30}" y="${170 - mh}" width="28" height="${mh}" fill="#bf8700"><title>machine ${m}</title></rect><text x="${x}" y="186">${(i / 10).toFixed(1)}</text>`;
  });
  const legend =
    '<text x="40" y="12" fill="#0969da">■ human</text><text x="120" y="12" fill="#bf8700">■ machine</text>';
  return `<svg role="img" width="760" height="194">${legend}${bars.join('')}</svg><p class="muted">Human labels from one worker carry confidence 0.</p>`;
};

const table = (head: string[], rows: (string | number)[][]): string => {
  if (rows.length === 0) return '<p class="muted">none</p>';
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const cell = (c: string | number) =>
    typeof c === 'number' ? `<td class="num">${c}</td>` : `<td>${escapeHtml(c)}</td>`;
  return `<table><thead><tr>${th}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
};

const splitSection = (report: DatasetReport): string => {
  const rows = Object.entries(report.split).map(([name, c]) => [name, c.train, c.test, report.labels[name] ?? 0]);
  return table(['label', 'train images', 'test images', 'boxes'], rows);
};

const rejectedSection = (report: DatasetReport): string => {
  const byReason = table(
    ['reason', 'count'],
    Object.entries(report.rejectedByReason).sort((a, b) => b[1] - a[1]),
  );
  const shown = report.rejected.slice(0, HTML_REJECTED_ROWS);
  const rows = shown.map((r) => [
    r.line,
    r.box === undefined ? 'line' : `box ${r.box}`,
    r.sourceRef ?? '',
    r.code,
    r.message,
  ]);
  const more =
    report.rejectedTotal > shown.length
      ? `<p class="muted">Showing ${shown.length} of ${report.rejectedTotal}; report.json lists up to ${report.rejectedListLimit}.</p>`
      : '';
  return `${byReason}${table(['line', 'scope', 'source-ref', 'code', 'message'], rows)}${more}`;
};

const jobSection = (report: DatasetReport): string => {
  const counters = Object.entries(report.labelCounters ?? {}).map(([k, v]) => [k, Number(v)]);
  const decisions = Object.entries(report.labelingJob ?? {}).map(([k, v]) => [
    k,
    typeof v === 'string' ? v : JSON.stringify(v),
  ]);
  return `<h3>Label counters</h3>${table(['counter', 'value'], counters)}<h3>Job decisions</h3>${table(['key', 'value'], decisions)}`;
};

/** A labeler as admins know them: by e-mail when the worker responses carry it, with the Cognito id beside it. */
const labelerName = (l: { worker: string; email?: string }): string =>
  l.email === undefined ? l.worker : `${l.email} (${l.worker})`;

/** Per-labeler figures, when the job left worker responses (otherwise nothing, as before). */
const labelersSection = (report: DatasetReport): string =>
  report.labelers === undefined
    ? ''
    : `<h2>Labelers</h2>${table(
        ['labeler', 'images', 'median seconds per image', 'agreement with the consolidated boxes'],
        report.labelers.map((l) => [labelerName(l), l.images, l.medianSeconds, l.agreement]),
      )}\n`;

/** The review page of a built-in job: `<portal>/#/jobs/<job>/review`, when the job ran on the built-in backend. */
export const reviewLink = (report: DatasetReport, portalUrl: string | undefined): string | undefined => {
  const job = report.labelingJob;
  if (!portalUrl || job?.backend !== 'builtin' || typeof job.jobName !== 'string') return undefined;
  return `${portalUrl.replace(/\/+$/, '')}/#/jobs/${encodeURIComponent(job.jobName)}/review`;
};

/**
 * Renders report.json as one self-contained HTML page (inline CSS and SVG, no scripts or
 * external assets), escaping every string that came from the manifest or the job. With the
 * labeling page's URL, a built-in job's report links to its review page.
 */
export const renderReportHtml = (report: DatasetReport, links: { portalUrl?: string } = {}): string => {
  const review = reviewLink(report, links.portalUrl);
  const warnings = report.warnings.map((w) => `<li class="warn">${escapeHtml(w)}</li>`).join('');
  const blockers = report.blockers
    .map((b) => `<li class="warn"><code>${escapeHtml(b.code)}</code> ${escapeHtml(b.message)}</li>`)
    .join('');
  const byCount = (m: Record<string, number>): [string, number][] => Object.entries(m).sort((a, b) => b[1] - a[1]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dataset report</title><style>${STYLE}</style></head><body>
<h1>Dataset report</h1>
<p>Source <code>${escapeHtml(report.source)}</code> · label attribute <code>${escapeHtml(report.labelAttributeName ?? '(none found)')}</code> · bucket <code>${escapeHtml(report.bucket ?? '(none)')}</code> · generated ${escapeHtml(report.generatedAt)} · test fraction ${report.testFraction} · min confidence ${report.minConfidence}</p>
${review === undefined ? '' : `<p><a href="${escapeHtml(review)}">Review every image, with each labeler's boxes, on the labeling page</a></p>`}
${blockers === '' ? '' : `<h2>No manifest written</h2><ul>${blockers}</ul>`}
${cards(report)}
${warnings === '' ? '' : `<ul>${warnings}</ul>`}
<h2>Boxes per label</h2>${barChart(byCount(report.labels), '#0969da')}
<h2>Images per label</h2>${barChart(byCount(report.labelImages), '#1a7f37')}
<h2>Human and automated labels</h2>${barChart(
    [
      ['human-labeled images', report.humanAnnotated],
      ['machine-labeled images', report.machineAnnotated],
    ],
    '#8250df',
  )}
<h2>Box confidence</h2>${histogram(report)}
<h2>Train / test split per label</h2>${splitSection(report)}
<h2>Rejected lines and boxes</h2>${rejectedSection(report)}
${labelersSection(report)}<h2>Labeling job</h2>${jobSection(report)}
</body></html>
`;
};
