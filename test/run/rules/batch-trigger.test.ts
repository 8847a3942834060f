import { batchPrefixOf, formDecodedKey } from '../../../functions/run/rules/batch-trigger';

describe('batch-trigger', () => {
  it('accepts incoming/<batch>/batch.json only', () => {
    expect(batchPrefixOf('incoming/logos nov/batch.json')).toBe('incoming/logos nov/');
    expect(batchPrefixOf('incoming/batch.json')).toBeUndefined();
    expect(batchPrefixOf('incoming/a/b/batch.json')).toBeUndefined();
    expect(batchPrefixOf('runs/x/batch.json')).toBeUndefined();
  });

  it('decodes a form-encoded key, and says when there is nothing to decode', () => {
    expect(formDecodedKey('incoming/logos+nov/batch.json')).toBe('incoming/logos nov/batch.json');
    expect(formDecodedKey('incoming/caf%C3%A9/batch.json')).toBe('incoming/café/batch.json');
    expect(formDecodedKey('incoming/plain/batch.json')).toBeUndefined();
    expect(formDecodedKey('incoming/100%/batch.json')).toBeUndefined();
  });
});
