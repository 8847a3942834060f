/** Where progress goes: a terminal (`isTTY`) gets a bar redrawn in place, anything else plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** A state machine state started. */
  stateEntered(name: string): void;
  /** `[#####.....] 12/40` for `label`; redrawn in place on a terminal. */
  bar(label: string, done: number, total: number): void;
  info(text: string): void;
  /** Ends a bar left open, so whatever is written next starts on its own line. */
  close(): void;
}

const BAR_WIDTH = 20;
/** Without a terminal, a bar is written as a line at each tenth, so logs stay short. */
const PLAIN_STEPS = 10;
const CLEAR_LINE = '\r\u001b[2K';

export function renderBar(done: number, total: number, width = BAR_WIDTH): string {
  const safeTotal = Math.max(0, total);
  const safeDone = Math.min(Math.max(0, done), safeTotal);
  const filled = safeTotal === 0 ? width : Math.floor((safeDone / safeTotal) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${safeDone}/${safeTotal}`;
}

/** A small terminal progress reporter for `npm start`. */
export function createProgress(stream: ProgressStream): Progress {
  const tty = stream.isTTY === true;
  // The bar line currently open on the terminal, or the last plain step written per label.
  let openBar = false;
  const lastPlainStep = new Map<string, number>();

  function endBar(): void {
    if (openBar) stream.write('\n');
    openBar = false;
  }

  function line(text: string): void {
    endBar();
    stream.write(`${text}\n`);
  }

  return {
    stateEntered(name) {
      line(`▸ ${name}`);
    },
    bar(label, done, total) {
      const complete = done >= total;
      if (tty) {
        stream.write(`${CLEAR_LINE}  ${label} ${renderBar(done, total)}`);
        openBar = !complete;
        if (complete) stream.write('\n');
        return;
      }
      const step = total <= 0 ? PLAIN_STEPS : Math.floor((Math.min(done, total) / total) * PLAIN_STEPS);
      if (lastPlainStep.get(label) === step) return;
      lastPlainStep.set(label, step);
      stream.write(`  ${label} ${renderBar(done, total)}\n`);
    },
    info(text) {
      line(`  ${text}`);
    },
    close() {
      endBar();
    },
  };
}
