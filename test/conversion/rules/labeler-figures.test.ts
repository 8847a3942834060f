import {
  consolidatedBoxesOf,
  createLabelerTally,
  workerAnswersOf,
} from '../../../functions/conversion/rules/labeler-figures';

const box = { label: 'acme', left: 0, top: 0, width: 10, height: 10 };

describe('labeler figures', () => {
  it('gives images, the median seconds (even and odd counts) and mean agreement per labeler, busiest first', () => {
    const tally = createLabelerTally();
    tally.add(
      [box],
      [
        { worker: 'ana', seconds: 2, boxes: [box] },
        { worker: 'bo', seconds: 9, boxes: [] },
      ],
    );
    tally.add([], [{ worker: 'ana', seconds: 4, boxes: [] }]);
    tally.add([box], [{ worker: 'ana', seconds: 30, boxes: [{ ...box, left: 50 }] }]);

    expect(tally.result()).toEqual([
      { worker: 'ana', images: 3, medianSeconds: 4, agreement: 0.667 },
      { worker: 'bo', images: 1, medianSeconds: 9, agreement: 0 },
    ]);
    const even = createLabelerTally();
    even.add([], [{ worker: 'cy', seconds: 3, boxes: [] }]);
    even.add([], [{ worker: 'cy', seconds: 4, boxes: [] }]);
    expect(even.result()[0]?.medianSeconds).toBe(3.5);
  });

  it('reads worker responses tolerantly: the sub when there is no workerId, no time as 0, bad boxes left out', () => {
    expect(workerAnswersOf({ nope: true })).toEqual([]);
    expect(
      workerAnswersOf({
        answers: [
          {
            workerMetadata: { identityData: { sub: 's-1' } },
            answerContent: { boundingBox: { boundingBoxes: [box, { label: 1 }] } },
          },
          { answerContent: {} },
          { workerId: 'w', timeSpentInSeconds: 7 },
        ],
      }),
    ).toEqual([
      { worker: 's-1', seconds: 0, boxes: [box] },
      { worker: 'w', seconds: 7, boxes: [] },
    ]);
  });

  it('names consolidated boxes by the class map and skips what it cannot name', () => {
    const record = {
      bb: {
        annotations: [
          { class_id: 0, left: 1, top: 2, width: 3, height: 4 },
          { class_id: 9, left: 0, top: 0, width: 1, height: 1 },
        ],
      },
      'bb-metadata': { 'class-map': { '0': 'acme' } },
    };

    expect(consolidatedBoxesOf(record, 'bb')).toEqual([{ label: 'acme', left: 1, top: 2, width: 3, height: 4 }]);
    expect(consolidatedBoxesOf({ 'source-ref': 'x' }, 'bb')).toEqual([]);
    expect(consolidatedBoxesOf({ bb: { annotations: [box] } }, 'bb')).toEqual([]);
  });
});
