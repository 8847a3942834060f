import type { JobDetail } from '../../lib/api';
import { h } from '../../lib/dom';
import { keyHelp, POINTER_HELP } from '../../lib/keymap';
import { renderMarkdown } from '../../lib/markdown';

const closeForm = () => h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close (Esc)'));

/** The `?` overlay: every key of the keymap and every pointer gesture. */
export const helpDialog = (): HTMLDialogElement =>
  h(
    'dialog',
    { class: 'help', id: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, 'Keys'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...[...keyHelp(), ...POINTER_HELP].map((k) =>
          h('tr', {}, h('th', { scope: 'row' }, h('kbd', {}, k.keys)), h('td', {}, k.what)),
        ),
      ),
    ),
    closeForm(),
  );

const exampleFigures = (job: JobDetail): HTMLElement =>
  h(
    'div',
    { class: 'examples-full' },
    ...job.examples.map((e) =>
      h(
        'figure',
        { class: `example-${e.kind}` },
        h('img', { src: e.url, alt: `${e.kind} example: ${e.caption}` }),
        h('figcaption', {}, h('span', { class: `badge badge-${e.kind}` }, e.kind), ' ', e.caption),
      ),
    ),
  );

/** The instructions and examples in full (I), filled when opened. */
export const instructionsDialog = (job: JobDetail): { dialog: HTMLDialogElement; open(): void } => {
  const dialog = h(
    'dialog',
    { class: 'full-instructions', id: 'full-instructions', 'aria-labelledby': 'full-title' },
    h('h2', { id: 'full-title' }, 'Instructions'),
  );
  const open = () => {
    const body = h('div', { class: 'markdown' });
    body.innerHTML = renderMarkdown(job.instructions || '_No instructions for this job._');
    dialog.replaceChildren(h('h2', { id: 'full-title' }, 'Instructions'), body, exampleFigures(job), closeForm());
    dialog.showModal();
  };
  return { dialog, open };
};
