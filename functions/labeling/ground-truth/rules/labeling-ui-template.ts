/**
 * The worker UI for logo bounding boxes: Ground Truth's `crowd-bounding-box` element with the
 * documented Liquid bindings (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-bounding-box.html). Bounding-box jobs take
 * their instructions from the template, not from the label-category file.
 */

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

/**
 * Returns the Liquid template. `grant_read_access` gives the worker a presigned URL for the
 * image; `to_json | escape` passes the label list safely into the attribute.
 */
export const boundingBoxTemplate =
  (): string => `<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <crowd-bounding-box
    name="boundingBox"
    src="{{ task.input.taskObject | grant_read_access }}"
    header="Draw a tight box around every logo, one box per logo"
    labels="{{ task.input.labels | to_json | escape }}"
  >
    <full-instructions header="Labeling brand logos">${FULL_INSTRUCTIONS}
    </full-instructions>
    <short-instructions>${SHORT_INSTRUCTIONS}
    </short-instructions>
  </crowd-bounding-box>
</crowd-form>
`;
