/**
 * The worker UI for logo bounding boxes: Ground Truth's `crowd-bounding-box` element with the
 * documented Liquid bindings (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-bounding-box.html). Bounding-box
 * jobs take their instructions from the template, not from the label-category file. A batch's own
 * instructions (Markdown, the same text the built-in page shows) replace the default ones.
 */
import { instructionsHtml } from './instructions-html';

export interface TemplateOptions {
  /** The batch's Markdown instructions (batch.json `instructions`). */
  instructions?: string;
  /** Example images with good and bad boxes, as S3 URIs the worker's browser reads through grant_read_access. */
  examples?: readonly { uri: string; kind: 'good' | 'bad'; caption: string }[];
}

const SHORT_INSTRUCTIONS = `
      <h3>Box every logo</h3>
      <ul>
        <li>Draw one tight box around each logo: touch its outermost pixels, no more.</li>
        <li>One box per logo. Two logos side by side get two boxes.</li>
        <li>Box logos cut off by the image edge too; stop the box at the edge.</li>
        <li>Do not box shadows or reflections of a logo.</li>
        <li>No logo in the image? Submit without drawing a box.</li>
      </ul>`;

const FULL_INSTRUCTIONS = `
      <h3>What to label</h3>
      <p>Find every visible occurrence of the listed brand logos and pick the matching label for each box.
        A logo counts when a person who knows the brand would recognise it, even if it is small, tilted,
        partly hidden or printed on a curved surface.</p>
      <h3>How to draw a box</h3>
      <ul>
        <li><strong>Tight:</strong> the box edges touch the outermost pixels of the logo. Do not add margins.</li>
        <li><strong>One box per logo:</strong> never one box around several logos, and never several boxes
          on one logo. A word mark and its symbol that form one logo get one box.</li>
        <li><strong>Partial logos:</strong> include logos cut by the image edge or partly covered by
          another object; box only the visible part.</li>
        <li><strong>Not a logo:</strong> shadows, reflections in glass or water, and blurred shapes you
          cannot identify. Leave them unboxed.</li>
        <li><strong>Similar but different:</strong> a look-alike or a different brand is not the listed
          logo. When unsure which label applies, choose the closest and keep the box tight.</li>
      </ul>
      <h3>When there is nothing to box</h3>
      <p>If the image shows none of the listed logos, submit it without boxes.</p>`;

/** The line above the image: about logos for the default instructions, about what to label for a batch's own. */
const LOGO_HEADER = 'Draw a tight box around every logo, one box per logo';
const OWN_HEADER = 'Draw a tight box around each object the instructions name, one box per object';

const exampleFigures = (examples: NonNullable<TemplateOptions['examples']>): string =>
  examples.length === 0
    ? ''
    : `
      <h3>Examples</h3>${examples
        .map(
          (e) => `
      <figure><img style="max-width:100%" src="{{ '${e.uri.replaceAll("'", '')}' | grant_read_access }}" alt="${e.kind} example">
        <figcaption><strong>${e.kind === 'good' ? 'Good' : 'Bad'}:</strong> ${instructionsHtml(e.caption).replace(/^<p>|<\/p>$/g, '')}</figcaption></figure>`,
        )
        .join('')}`;

/**
 * Returns the Liquid template. `grant_read_access` gives the worker a presigned URL for the
 * image; `to_json | escape` passes the label list safely into the attribute.
 */
export const boundingBoxTemplate = (options: TemplateOptions = {}): string => {
  const own = options.instructions?.trim() ? instructionsHtml(options.instructions) : undefined;
  const full = `${own ?? FULL_INSTRUCTIONS}${exampleFigures(options.examples ?? [])}`;
  const short = own ?? SHORT_INSTRUCTIONS;
  return `<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <crowd-bounding-box
    name="boundingBox"
    src="{{ task.input.taskObject | grant_read_access }}"
    header="${own === undefined ? LOGO_HEADER : OWN_HEADER}"
    labels="{{ task.input.labels | to_json | escape }}"
  >
    <full-instructions header="Labeling instructions">${full}
    </full-instructions>
    <short-instructions>${short}
    </short-instructions>
  </crowd-bounding-box>
</crowd-form>
`;
};
